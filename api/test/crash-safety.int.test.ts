import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { posts } from '@makapix/db';
import { heartbeatKey } from '@makapix/protocol';
import { aliasPath, canonicalPath, upscaledAliasPath, upscaledPath } from '@makapix/vault';
import { generateArtwork } from '@makapix/devstack/demo/generate-art';
import { type JobQueues, openQueues } from '@makapix/queues';
import { count, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createArtist, uploadArtwork } from './fixtures/posting.ts';
import { createTestApp, type TestApp } from './helpers.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const UPLOADS = 50;
const HOUR = 3600_000;

let t: TestApp;
let queues: JobQueues;
let workerEnv: Record<string, string>;
const children: ChildProcess[] = [];

/** The worker as production runs it: its own process, sharing only the stores and the env with the api. */
function spawnWorker(instance: string): ChildProcess {
  const child = spawn('npx', ['tsx', 'worker/src/main.ts'], {
    cwd: REPO_ROOT,
    // Own process group, so SIGKILL reaches npx, tsx and node alike.
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...workerEnv, WORKER_INSTANCE_ID: instance },
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    const lines = chunk.toString().split('\n').filter((l) => l.trim() && !l.startsWith('npm warn'));
    for (const line of lines) process.stderr.write(`[${instance}] ${line}\n`);
  });
  children.push(child);
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<number | string | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode ?? child.signalCode);
    else child.once('exit', (code, signal) => resolve(code ?? signal));
  });

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function readyCount(): Promise<number> {
  const [row] = await t.app.db.select({ n: count() }).from(posts).where(eq(posts.state, 'ready'));
  return row?.n ?? 0;
}

async function until(probe: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${await readyCount()} ready)`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every file under a directory, relative; dot files included, so a leftover temp file cannot hide. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

beforeAll(async () => {
  const incomingDir = path.join(inject('scratchDir'), `incoming-${randomUUID()}`);
  t = await createTestApp({ VAULT_INCOMING_DIR: incomingDir });
  const caDir = inject('caDir');
  workerEnv = {
    NODE_ENV: 'test',
    DATABASE_URL: t.config.db.url,
    REDIS_URL: t.config.redis.url,
    SMTP_URL: `smtp://127.0.0.1:${inject('smtpPort')}`,
    VAULT_DIR: t.vaultDir,
    VAULT_INCOMING_DIR: incomingDir,
    VAULT_MIN_FREE_BYTES: '0',
    CA_CERT_FILE: path.join(caDir, 'ca.pem'),
    CA_KEY_FILE: path.join(caDir, 'ca-key.pem'),
    CRL_FILE: path.join(inject('scratchDir'), `crl-${randomUUID()}.pem`),
    WORKER_SCHEDULERS: 'false',
    WORKER_CONCURRENCY: '3',
    // Short locks: a killed worker's jobs count as stalled within about a second.
    WORKER_LOCK_DURATION_MS: '1500',
    WORKER_STALLED_INTERVAL_MS: '500',
    LOG_LEVEL: 'error',
  };
  queues = openQueues(t.config.redis.url);
});
afterAll(async () => {
  for (const child of children) if (child.pid && groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
  await queues.close();
  await t.close();
});

describe('crash safety (docs/product.md §6: killing a worker mid-job loses nothing)', () => {
  it('finishes all 50 uploads made through the api after the worker is SIGKILLed mid-way and restarted', { timeout: 60_000 }, async () => {
    // Veteran reputation: 64 uploads an hour (docs/product.md §2), so all 50 pass the allowance.
    const artist = await createArtist(t, { reputation: 500 });
    const images = await Promise.all(Array.from({ length: UPLOADS }, (_, i) => generateArtwork(1000 + i, { format: 'gif', width: 64, height: 64, frames: 2 })));

    const first = spawnWorker('crash-a');
    // The uploads go in while the first worker starts; it is killed with jobs still queued and active.
    const uploading = (async () => {
      for (const [i, bytes] of images.entries()) {
        const res = await uploadArtwork(t, artist, Buffer.from(bytes), { title: `crash ${i}` });
        if (res.statusCode !== 202) throw new Error(`upload ${i}: ${res.statusCode} ${res.body}`);
      }
    })();
    await until(async () => (await readyCount()) >= 8, 'the first worker to make progress', 30_000);
    await until(async () => (await queues.queue('artwork').getActiveCount()) > 0, 'an active job to interrupt', 10_000);
    process.kill(-(first.pid as number), 'SIGKILL');
    expect(await exited(first)).toBe('SIGKILL');
    expect(await readyCount()).toBeLessThan(UPLOADS);
    await uploading;

    const second = spawnWorker('crash-b');
    await until(async () => (await readyCount()) === UPLOADS, 'every post to be ready', 40_000);
    await until(async () => (await queues.queue('artwork').getCompletedCount()) === UPLOADS, 'every job to complete', 10_000);
    expect(await queues.queue('artwork').getJobCounts('failed', 'wait', 'active', 'delayed')).toEqual({ failed: 0, wait: 0, active: 0, delayed: 0 });
    const rows = await t.app.db.select({ state: posts.state, storageKey: posts.storageKey, ownerId: posts.ownerId }).from(posts);
    expect(rows).toHaveLength(UPLOADS);
    expect(rows.every((r) => r.state === 'ready' && r.ownerId === artist.id)).toBe(true);
    // Native GIF, WebP and the upscaled WebP, each at its canonical path and its device alias (docs/device-protocol.md §8).
    const expected = rows.flatMap(({ storageKey }) => {
      const key = storageKey as string;
      return [canonicalPath(key, 'gif'), aliasPath(key, 'gif'), canonicalPath(key, 'webp'), aliasPath(key, 'webp'), upscaledPath(key), upscaledAliasPath(key)];
    });

    // An hour later (docs/product.md §6 cleanup), whatever the kill left half-written is swept, nothing else.
    const vaultDir = t.vaultDir;
    const incomingDir = workerEnv.VAULT_INCOMING_DIR as string;
    const anHourAgo = new Date(Date.now() - 2 * HOUR);
    for (const f of (await filesUnder(vaultDir)).filter((f) => path.basename(f).startsWith('.'))) await utimes(path.join(vaultDir, f), anHourAgo, anHourAgo);
    for (const f of await filesUnder(incomingDir)) await utimes(path.join(incomingDir, f), anHourAgo, anHourAgo);
    const cleanup = await queues.queue('maintenance').add('cleanup', { tasks: ['retired-vault-files'] }, { jobId: 'crash-cleanup' });
    await until(async () => (await cleanup.getState()) === 'completed', 'the cleanup sweep', 10_000);
    expect(await filesUnder(vaultDir)).toEqual([...expected].sort());
    expect(await filesUnder(incomingDir)).toEqual([]);

    // SIGTERM is the graceful path: active jobs finish, then the heartbeat is removed on the way out.
    const redis = new Redis(t.config.redis.url);
    expect(await redis.exists(heartbeatKey('worker', 'crash-b'))).toBe(1);
    process.kill(-(second.pid as number), 'SIGTERM');
    await until(async () => !groupAlive(second.pid as number), 'the second worker to exit', 15_000);
    expect(await redis.exists(heartbeatKey('worker', 'crash-b'))).toBe(0);
    redis.disconnect();
  });
});
