import net from 'node:net';
import path from 'node:path';
import { MailSinkClient } from '@makapix/devstack';
import { DeviceHttp, ownerSession, SimPlayer } from '@makapix/firmware-sim';
import { aliasPath } from '@makapix/vault';
import { generateArtwork } from '@makapix/devstack/demo/generate-art';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freeStackPorts, RunningStack, type StackPorts } from './stack.ts';

// The whole platform on loopback through the README's run command (docs/architecture.md §5: e2e):
// sign up, verify by the mail in the SMTP sink, upload, a simulated player provisioned by code
// receives a command and reports a view; then Ctrl-C and a second start on the same data.
const STARTUP_MS = 300_000;
let ports: StackPorts;
let dataDir: string;
let stack: RunningStack;
let origin: string;
const member = { email: `e2e-${Date.now()}@example.test`, password: 'e2e-pixels-9', handle: `e2e${Date.now() % 100000}` };
let postSqid = '';

async function api<T>(method: string, url: string, opts: { token?: string; json?: unknown; form?: FormData } = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${origin}${url}`, { method, headers, body: opts.form ?? (opts.json === undefined ? undefined : JSON.stringify(opts.json)) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

const portIsClosed = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => (s.destroy(), resolve(false)));
    s.on('error', () => resolve(true));
  });

describe('the platform, end to end', { timeout: STARTUP_MS * 2 }, () => {
  beforeAll(async () => {
    ports = await freeStackPorts();
    dataDir = path.join(inject('scratchDir'), `e2e-${process.pid}`);
    origin = `http://localhost:${ports.http}`;
    stack = RunningStack.start(dataDir, ports, { MAKAPIX_SIM_PLAYERS: '1', MAKAPIX_SEED_ARTWORKS: '8' });
    await stack.waitFor('Makapix Club is running', STARTUP_MS);
    await stack.waitFor('simulated players online', 60_000);
  }, STARTUP_MS + 60_000);

  afterAll(async () => {
    await stack?.interrupt();
  });

  it('answers health 200 through Caddy with every component up', async () => {
    const { status, body } = await api<{ status: string; components: Record<string, { status: string }> }>('GET', '/api/health');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    for (const c of ['db', 'redis', 'worker', 'broker']) expect(body.components[c]?.status).toBe('up');
  });

  it('signs up, verifies by the mail in the sink, uploads, and serves the files from the vault', async () => {
    expect((await api('POST', '/api/v1/auth/register', { json: member })).status).toBe(201);
    const mail = await new MailSinkClient(`http://127.0.0.1:${ports.mailApi}`).waitFor(member.email, () => true, 30_000);
    const token = new URL(mail.links.find((l) => l.includes('token='))!).searchParams.get('token');
    expect((await api('POST', '/api/v1/auth/verify-email', { json: { token } })).status).toBe(200);
    const login = await api<{ accessToken: string }>('POST', '/api/v1/auth/login', { json: member });
    expect(login.status).toBe(200);

    const form = new FormData();
    form.set('title', 'End to end sprite');
    form.append('hashtags', 'e2e');
    form.set('file', new Blob([await generateArtwork(4242, { format: 'png', width: 32, height: 32 })], { type: 'image/png' }), 'sprite.png');
    const upload = await api<{ id: string; state: string }>('POST', '/api/v1/posts', { token: login.body.accessToken, form });
    expect(upload.status).toBe(202);
    expect(upload.body.state).toBe('processing');
    postSqid = upload.body.id;

    let post: { state: string; artUrl?: string; files?: unknown } = { state: 'processing' };
    for (let i = 0; i < 240 && post.state === 'processing'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      post = (await api<typeof post>('GET', `/api/v1/posts/${postSqid}`, { token: login.body.accessToken })).body;
    }
    expect(post.state).toBe('ready');
    const artUrl = JSON.stringify(post).match(/http:\/\/[^"]+\/vault\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{2}\/([0-9a-f-]{36})\.png/);
    expect(artUrl).not.toBeNull();
    const file = await fetch(artUrl![0]);
    expect(file.status).toBe(200);
    expect(file.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(file.headers.get('access-control-allow-origin')).toBe('*');
    // The p3a firmware's own 2-level path answers too (docs/device-protocol.md §8).
    const alias = await fetch(`${origin}/vault/${aliasPath(artUrl![1]!, 'png')}`);
    expect(alias.status).toBe(200);
    expect(Buffer.from(await alias.arrayBuffer()).equals(Buffer.from(await file.arrayBuffer()))).toBe(true);
  });

  it('provisions a player by code; it receives a command and reports a counted view', async () => {
    const device = new DeviceHttp(`${origin}/api`);
    const { register, accessToken } = await ownerSession(`${origin}/api`, member.email, member.password);
    const provisioned = await device.provision('p3a', 'e2e-1.0');
    expect(provisioned.registration_code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/);
    await register(provisioned.registration_code.toLowerCase(), 'E2E player');
    const creds = await device.waitForCredentials(provisioned.player_key, 200, 30_000);
    expect(creds.api_token).toMatch(/^mpx_live_/);
    const player = new SimPlayer({
      playerKey: provisioned.player_key, caPem: creds.ca_pem, certPem: creds.cert_pem, keyPem: creds.key_pem,
      brokerHost: creds.broker.host, brokerPort: creds.broker.port,
    });
    await player.connect();
    try {
      const received = new Promise((resolve) => player.once('command', resolve));
      const sent = await api('POST', `/api/v1/players/${provisioned.player_key}/commands`, {
        token: accessToken, json: { commandType: 'show_artwork', payload: { postId: postSqid } },
      });
      expect(sent.status).toBe(202);
      expect(await Promise.race([received, new Promise((r) => setTimeout(() => r('timeout'), 10_000))])).toMatchObject({ command_type: 'show_artwork' });

      const page = await player.request('query_posts', { channel: 'promoted', limit: 5 });
      expect(page.success).toBe(true);
      const target = (page.posts as { post_id: number }[])[0]!;
      const acked = new Promise<Record<string, unknown>>((resolve) => player.once('viewAck', resolve));
      await player.sendView(target.post_id, 'artwork', 'promoted', true);
      expect(await acked).toMatchObject({ success: true });
      const db = new pg.Client({ connectionString: `postgres://makapix:makapix@127.0.0.1:${ports.postgres}/makapix` });
      await db.connect();
      const { rows } = await db.query<{ n: number }>('select count(*)::int as n from artwork_views where post_id = $1', [target.post_id]);
      await db.end();
      expect(rows[0]?.n).toBe(1);

      const status = await api<{ status: string }>('GET', `/api/v1/players/${provisioned.player_key}`, { token: accessToken });
      expect(status.body.status).toBe('online');
    } finally {
      await player.disconnect();
    }
  });

  it('stops cleanly on Ctrl-C, and a second start reuses the data', async () => {
    expect(await stack.interrupt()).toBe(0);
    expect(stack.log).toContain('data kept in');
    for (const port of [ports.http, ports.api, ports.postgres, ports.redis, ports.mqtts]) expect(await portIsClosed(port)).toBe(true);

    stack = RunningStack.start(dataDir, ports, { MAKAPIX_SIM_PLAYERS: '1', MAKAPIX_SEED_ARTWORKS: '8' });
    await stack.waitFor('Makapix Club is running', STARTUP_MS);
    expect(stack.log).toContain('demo data already present');
    const login = await api<{ accessToken: string }>('POST', '/api/v1/auth/login', { json: member });
    expect(login.status).toBe(200);
    expect((await api<{ state: string }>('GET', `/api/v1/posts/${postSqid}`)).body.state).toBe('ready');
    await stack.waitFor('1/1 simulated players online', 60_000);
  });
});
