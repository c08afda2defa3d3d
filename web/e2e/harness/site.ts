import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dataRoot, MailSinkClient } from '@makapix/devstack';
import { freeStackPorts, RunningStack, type StackPorts } from '@makapix/e2e/stack.ts';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.ts';

export interface Member {
  email: string;
  password: string;
  handle: string;
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

const STARTUP_MS = 420_000;

/**
 * One whole platform (the README's run command on free ports and a private data directory, web
 * app included) and one Chromium, shared by every journey of the browser test file.
 */
export class WebSite {
  stack!: RunningStack;
  ports!: StackPorts;
  origin = '';
  mail!: MailSinkClient;
  browser!: Browser;
  readonly startupMs = STARTUP_MS;

  constructor(readonly dataDir: string) {}

  async start(): Promise<void> {
    this.ports = await freeStackPorts();
    this.origin = `http://localhost:${this.ports.http}`;
    this.mail = new MailSinkClient(`http://127.0.0.1:${this.ports.mailApi}`);
    // A small demo seed and one simulated player (with 0 the players process exits at once, which the
    // run command takes for a crash): the journeys need a live feed, not a busy machine.
    this.stack = RunningStack.start(path.join(this.dataDir, 'stack'), this.ports, { MAKAPIX_SEED_ARTWORKS: '8', MAKAPIX_SIM_PLAYERS: '1' });
    const [browser] = await Promise.all([launchChromium(), this.stack.waitFor('Makapix Club is running', STARTUP_MS)]);
    this.browser = browser;
  }

  /** Stops both; the stack's log stays in .data/web-e2e-stack.log to read after a failure. */
  async stop(): Promise<void> {
    await this.browser?.close();
    await this.stack?.interrupt();
    await mkdir(dataRoot, { recursive: true });
    await writeFile(path.join(dataRoot, 'web-e2e-stack.log'), this.stack?.log ?? '');
  }

  url(route: string): string {
    return `${this.origin}${route}`;
  }

  async api<T>(method: string, route: string, opts: { token?: string; json?: unknown; form?: FormData } = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.url(`/api/v1${route}`), { method, headers, body: opts.form ?? (opts.json === undefined ? undefined : JSON.stringify(opts.json)) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  /** The first link in the newest mail to `email` that contains `linkPart` (the worker sends mail asynchronously). */
  async mailedLink(email: string, linkPart: string, notBefore = 0): Promise<string> {
    const mail = await this.mail.waitFor(email, (m) => Date.parse(m.receivedAt) >= notBefore && m.links.some((l) => l.includes(linkPart)), 30_000);
    return mail.links.find((l) => l.includes(linkPart))!;
  }

  /** A verified member made through the api (for the journeys that are not about signing up). */
  async member(handle: string): Promise<Member & { token: string }> {
    const m: Member = { email: `${handle}@example.test`, password: `${handle}-pixels-9`, handle };
    const reg = await this.api('POST', '/auth/register', { json: m });
    if (reg.status !== 201) throw new Error(`register ${handle}: ${reg.status} ${JSON.stringify(reg.body)}`);
    const token = new URL(await this.mailedLink(m.email, '/verify-email?token=')).searchParams.get('token');
    const verified = await this.api('POST', '/auth/verify-email', { json: { token } });
    if (verified.status !== 200) throw new Error(`verify ${handle}: ${verified.status}`);
    return { ...m, token: await this.login(m) };
  }

  async login(m: Member): Promise<string> {
    const login = await this.api<{ accessToken: string }>('POST', '/auth/login', { json: { email: m.email, password: m.password } });
    if (login.status !== 200) throw new Error(`login ${m.handle}: ${login.status}`);
    return login.body.accessToken;
  }

  /** Uploads through the api and waits until the worker made the post ready; returns its sqid. */
  async uploadReady(token: string, file: { bytes: Uint8Array; name: string; type: string }, title: string, hashtags: string[] = []): Promise<string> {
    const form = new FormData();
    form.set('title', title);
    for (const tag of hashtags) form.append('hashtags', tag);
    form.set('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    const up = await this.api<{ id: string }>('POST', '/posts', { token, form });
    if (up.status !== 202) throw new Error(`upload ${title}: ${up.status} ${JSON.stringify(up.body)}`);
    for (let i = 0; i < 240; i++) {
      const post = await this.api<{ state: string }>('GET', `/posts/${up.body.id}`, { token });
      if (post.body.state === 'ready') return up.body.id;
      if (post.body.state !== 'processing') throw new Error(`upload ${title} ended ${post.body.state}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`upload ${title} still processing after 60 s`);
  }
}
