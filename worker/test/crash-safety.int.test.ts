import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { posts } from '@makapix/db';
import { heartbeatKey, jobIds } from '@makapix/protocol';
import { count, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateArtwork } from '../src/demo/generate-art.ts';
import { type JobQueues, openQueues } from '../src/queues.ts';
import { type TestEnv, createTestEnv, insertUpload, insertUser, listFiles } from './helpers.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const JOBS = 50;

let env: TestEnv;
let queues: JobQueues;
const children: ChildProcess[] = [];

/** The worker as production runs it: its own process, configured only through the environment. */
function spawnWorker(instance: string): ChildProcess {
  const child = spawn('npx', ['tsx', 'worker/src/main.ts'], {
    cwd: REPO_ROOT,
    // Own process group, so SIGKILL reaches npx, tsx and node alike.
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      ...env.env,
      WORKER_INSTANCE_ID: instance,
      WORKER_CONCURRENCY: '2',
      // Short locks: a killed worker's jobs count as stalled within about a second.
      WORKER_LOCK_DURATION_MS: '1500',
      WORKER_STALLED_INTERVAL_MS: '500',
      LOG_LEVEL: 'error',
    },
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
  const [row] = await env.dbHandle.db.select({ n: count() }).from(posts).where(eq(posts.state, 'ready'));
  return row?.n ?? 0;
}

async function until(probe: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${await readyCount()} ready)`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  env = await createTestEnv();
  queues = openQueues(env.config.redis.url);
});
afterAll(async () => {
  for (const child of children) if (child.pid && groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
  await queues.close();
  await env.close();
});

describe('crash safety (SPEC.md §6: killing a worker mid-job loses nothing)', () => {
  it('finishes all 50 artworks after the first worker is SIGKILLed mid-way', { timeout: 80_000 }, async () => {
    const ownerId = (await insertUser(env.dbHandle)).id;
    const uploads = [];
    for (let i = 0; i < JOBS; i++) {
      const bytes = await generateArtwork(1000 + i, { format: 'gif', width: 64, height: 64, frames: 2 });
      uploads.push(await insertUpload(env, ownerId, bytes, `crash ${i}`));
    }
    for (const { postId, storageKey } of uploads) await queues.add('process-artwork', { postId }, { jobId: jobIds.processArtwork(postId, storageKey) });

    const first = spawnWorker('crash-a');
    await until(async () => (await readyCount()) >= 8, 'the first worker to make progress', 40_000);
    await until(async () => (await queues.queue('artwork').getActiveCount()) > 0, 'an active job to interrupt', 10_000);
    process.kill(-(first.pid as number), 'SIGKILL');
    expect(await exited(first)).toBe('SIGKILL');
    const atKill = await readyCount();
    expect(atKill).toBeLessThan(JOBS);

    const second = spawnWorker('crash-b');
    await until(async () => (await readyCount()) === JOBS, 'every post to be ready', 60_000);
    await until(async () => (await queues.queue('artwork').getCompletedCount()) === JOBS, 'every job to complete', 10_000);
    const counts = await queues.queue('artwork').getJobCounts('completed', 'failed', 'wait', 'active');
    expect(counts).toMatchObject({ failed: 0, wait: 0, active: 0 });
    const states = await env.dbHandle.db.select({ state: posts.state, n: count() }).from(posts).groupBy(posts.state);
    expect(states).toEqual([{ state: 'ready', n: JOBS }]);
    // Every post has its 3 files (native GIF, WebP, upscaled WebP) at both layouts.
    const files = (await listFiles(env.config.vault.dir)).filter((f) => !path.basename(f).startsWith('.'));
    expect(files).toHaveLength(JOBS * 6);

    // SIGTERM is the graceful path: active jobs finish, then the heartbeat is removed on the way out.
    const redis = new Redis(env.config.redis.url);
    expect(await redis.exists(heartbeatKey('worker', 'crash-b'))).toBe(1);
    process.kill(-(second.pid as number), 'SIGTERM');
    await until(async () => !groupAlive(second.pid as number), 'the second worker to exit', 15_000);
    expect(await redis.exists(heartbeatKey('worker', 'crash-b'))).toBe(0);
    redis.disconnect();
  });
});
