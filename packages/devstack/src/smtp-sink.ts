import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One received mail as the sink stores it and serves it back. */
export interface StoredMail {
  id: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  /** Every http(s) URL found in the text and HTML bodies, in order. */
  links: string[];
}

export interface SmtpSinkOptions {
  dir: string;
  smtpPort: number;
  httpPort: number;
}

export interface RunningSmtpSink {
  smtpPort: number;
  apiUrl: string;
  stop(): Promise<void>;
}

const LINK_RE = /https?:\/\/[^\s"'<>)]+/g;

export function extractLinks(...bodies: (string | null | undefined)[]): string[] {
  const seen = new Set<string>();
  for (const body of bodies) for (const m of body?.match(LINK_RE) ?? []) seen.add(m.replace(/&amp;/g, '&').replace(/[.,;:!?]+$/, ''));
  return [...seen];
}

/**
 * A real SMTP server (the `smtp-server` package) that accepts every mail, stores it as JSON under
 * `dir`, and serves the mails over a small HTTP API so tests and people can read them:
 * `GET /messages[?to=addr]` (newest first), `GET /messages/latest?to=addr`, `DELETE /messages`.
 */
export async function startSmtpSink(opts: SmtpSinkOptions): Promise<RunningSmtpSink> {
  const dir = path.resolve(opts.dir);
  await mkdir(dir, { recursive: true });

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          const html = typeof parsed.html === 'string' ? parsed.html : null;
          const mail: StoredMail = {
            id: `${Date.now().toString().padStart(15, '0')}-${randomUUID()}`,
            receivedAt: new Date().toISOString(),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html,
            links: extractLinks(parsed.text, html),
          };
          await writeFile(path.join(dir, `${mail.id}.json`), JSON.stringify(mail, null, 2));
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(opts.smtpPort, '127.0.0.1', () => resolve());
  });

  const api = http.createServer((req, res) => {
    handleApi(dir, req, res).catch((err: Error) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'internal_error', message: err.message } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    api.once('error', reject);
    api.listen(opts.httpPort, '127.0.0.1', () => resolve());
  });

  return {
    smtpPort: opts.smtpPort,
    apiUrl: `http://127.0.0.1:${opts.httpPort}`,
    stop: async () => {
      await new Promise<void>((r) => api.close(() => r()));
      await new Promise<void>((r) => smtp.close(() => r()));
    },
  };
}

export async function readMails(dir: string, to?: string): Promise<StoredMail[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json'));
  files.sort().reverse();
  const mails: StoredMail[] = [];
  for (const f of files) {
    const mail = JSON.parse(await readFile(path.join(dir, f), 'utf8')) as StoredMail;
    if (!to || mail.to.includes(to.toLowerCase())) mails.push(mail);
  }
  return mails;
}

async function handleApi(dir: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sink');
  const to = url.searchParams.get('to') ?? undefined;
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method === 'GET' && url.pathname === '/messages') return send(200, { items: await readMails(dir, to) });
  if (req.method === 'GET' && url.pathname === '/messages/latest') {
    const [latest] = await readMails(dir, to);
    return latest ? send(200, latest) : send(404, { error: { code: 'not_found', message: `no mail for ${to ?? 'anyone'}` } });
  }
  if (req.method === 'DELETE' && url.pathname === '/messages') {
    for (const f of await readdir(dir)) if (f.endsWith('.json')) await rm(path.join(dir, f), { force: true });
    return send(204, null);
  }
  send(404, { error: { code: 'not_found', message: 'unknown route' } });
}
