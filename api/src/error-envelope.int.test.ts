import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { getFreePort, repoRoot, waitForPort } from '@makapix/devstack';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMember, type TestMember } from '../test/fixtures/accounts.ts';
import { createTestApp, type TestApp } from '../test/helpers.ts';

// Issue 11 §2: every answer ≥ 400 is `{"error":{"code","message"}}` with a stable snake_case code,
// whatever refused the request — Fastify's router, its body parsers, Node's HTTP parser — and an
// oversize JSON body through Caddy is always a 413 in the envelope, never an empty 502.

let t: TestApp;
let apiPort: number;
let caddyPort: number;
let caddy: ChildProcess;
let member: TestMember;

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One request written byte for byte on a socket, so no client library repairs what we send. */
function raw(port: number, head: string, body: Buffer | string = ''): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => undefined); // a reset after the answer is the client's business
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      let rest = text.slice(split + 4);
      if (headers['transfer-encoding'] === 'chunked') rest = dechunk(rest);
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body: Buffer.from(rest, 'latin1').toString('utf8') });
    });
    socket.write(head.includes('\r\nConnection:') ? head : head.replace(/\r\n\r\n$/, '\r\nConnection: close\r\n\r\n'));
    if (body.length > 0) socket.write(body);
  });
}

function dechunk(s: string): string {
  let out = '';
  for (let i = 0; ; ) {
    const eol = s.indexOf('\r\n', i);
    const size = Number.parseInt(s.slice(i, eol), 16);
    if (!size) return out;
    out += s.slice(eol + 2, eol + 2 + size);
    i = eol + 2 + size + 2;
  }
}

function expectEnvelope(answer: RawAnswer, status: number, code: string): void {
  expect({ status: answer.status, type: answer.headers['content-type'] }).toEqual({ status, type: expect.stringContaining('application/json') });
  const parsed = JSON.parse(answer.body) as { error: { code: string; message: string } };
  expect(parsed.error.code).toBe(code);
  expect(parsed.error.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  expect(typeof parsed.error.message).toBe('string');
  expect(parsed.error.message.length).toBeGreaterThan(0);
}

const json = (method: string, url: string, body: string, extra = '') =>
  `${method} ${url} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n`;

beforeAll(async () => {
  t = await createTestApp();
  member = await createMember(t);
  apiPort = await getFreePort();
  await t.app.listen({ host: '127.0.0.1', port: apiPort });
  caddyPort = await getFreePort();
  const vaultDir = path.join(inject('scratchDir'), `caddy-vault-${process.pid}`);
  await mkdir(vaultDir, { recursive: true });
  // The dev front door exactly as the run command starts it, pointed at this api.
  caddy = spawn('caddy', ['run', '--config', 'caddy/Caddyfile.dev', '--adapter', 'caddyfile'], {
    cwd: repoRoot,
    env: { ...process.env, CADDY_PORT: String(caddyPort), API_UPSTREAM: `127.0.0.1:${apiPort}`, WEB_UPSTREAM: '127.0.0.1:1', VAULT_DIR: vaultDir, HOME: vaultDir },
    stdio: 'ignore',
  });
  await waitForPort(caddyPort, '127.0.0.1', 20_000);
});

afterAll(async () => {
  caddy?.kill('SIGTERM');
  await t?.close();
});

describe("Fastify's and Node's own refusals leave in the envelope (issue 11 §2)", () => {
  const cases: [string, () => Promise<RawAnswer>, number, string][] = [
    ['bad percent-encoding in a path parameter', () => raw(apiPort, 'GET /api/v1/users/by-handle/%E0%A4%A HTTP/1.1\r\nHost: localhost\r\n\r\n'), 400, 'bad_url'],
    ['a lone % in the path', () => raw(apiPort, 'GET /api/v1/feeds/hashtags/%zz HTTP/1.1\r\nHost: localhost\r\n\r\n'), 400, 'bad_url'],
    ['an over-long path parameter', () => raw(apiPort, `GET /api/v1/users/by-handle/${'a'.repeat(500)} HTTP/1.1\r\nHost: localhost\r\n\r\n`), 414, 'uri_too_long'],
    ['an unknown route', () => raw(apiPort, 'GET /api/v1/no-such-thing HTTP/1.1\r\nHost: localhost\r\n\r\n'), 404, 'not_found'],
    ['a method the route does not have', () => raw(apiPort, 'DELETE /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n'), 404, 'not_found'],
    ['malformed JSON', () => raw(apiPort, json('POST', '/api/v1/auth/login', '{"email":'), '{"email":'), 400, 'invalid_json'],
    ['an empty JSON body', () => raw(apiPort, json('POST', '/api/v1/auth/login', '')), 400, 'invalid_json'],
    [
      'an unsupported content type',
      () => raw(apiPort, 'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: 4\r\n\r\n', '<a/>'),
      415,
      'unsupported_media_type',
    ],
    [
      'a body over the limit (Content-Length)',
      () => raw(apiPort, json('POST', '/api/v1/auth/login', ' '.repeat(1536 * 1024)), ' '.repeat(1536 * 1024)),
      413,
      'payload_too_large',
    ],
    [
      'a body over the limit (chunked)',
      () => {
        const body = ' '.repeat(1536 * 1024);
        const head = 'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
        return raw(apiPort, head, `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
      },
      413,
      'payload_too_large',
    ],
    ['a schema violation', () => raw(apiPort, json('POST', '/api/v1/auth/login', '{"email":1}'), '{"email":1}'), 400, 'validation_error'],
    ['no credentials', () => raw(apiPort, 'GET /api/v1/me HTTP/1.1\r\nHost: localhost\r\n\r\n'), 401, 'unauthorized'],
    ['a malformed request line', () => raw(apiPort, 'GET /a b c HTTP/1.1\r\nHost: localhost\r\n\r\n'), 400, 'bad_request'],
    ['a malformed header', () => raw(apiPort, 'GET /api/health HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n'), 400, 'bad_request'],
    ['headers too large', () => raw(apiPort, `GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`), 431, 'headers_too_large'],
    [
      'a Content-Length the body does not match',
      () => raw(apiPort, 'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n'),
      400,
      'bad_request',
    ],
  ];
  it.each(cases)('%s', async (_name, send, status, code) => {
    expectEnvelope(await send(), status, code);
  });

  it('a member gets the envelope too (over-long parameter and oversize body with a token)', async () => {
    const auth = `Authorization: ${member.auth.authorization}\r\n`;
    expectEnvelope(await raw(apiPort, `GET /api/v1/playsets/${'p'.repeat(300)} HTTP/1.1\r\nHost: localhost\r\n${auth}\r\n`), 414, 'uri_too_long');
    const body = `{"name":"${'x'.repeat(1536 * 1024)}"}`;
    expectEnvelope(await raw(apiPort, json('POST', '/api/v1/playlists', body, auth), body), 413, 'payload_too_large');
  });
});

describe('an oversize JSON body through Caddy is always 413 in the envelope (issue 11 §2)', () => {
  const routes = ['/api/v1/mod/posts/abc/hide', '/api/v1/mod/users/abc/ban', '/api/v1/players/commands', '/api/v1/playlists'];
  const body = `{"reason":"${'x'.repeat(1536 * 1024)}"}`;

  it('50 times in a row, over the routes the issue names, with and without a token', async () => {
    const answers: RawAnswer[] = [];
    for (let i = 0; i < 50; i++) {
      const auth = i % 2 === 0 ? `Authorization: ${member.auth.authorization}\r\n` : '';
      answers.push(await raw(caddyPort, json('POST', routes[i % routes.length]!, body, auth), body));
    }
    for (const answer of answers) expectEnvelope(answer, 413, 'payload_too_large');
  });

  it('several at once through Caddy answer 413 too', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => raw(caddyPort, json('POST', routes[i % routes.length]!, body), body).catch((e: Error) => e)));
    for (const answer of answers) {
      if (answer instanceof Error) throw answer;
      expectEnvelope(answer, 413, 'payload_too_large');
    }
  });
});
