import { posts } from '@makapix/db';
import { MailSinkClient } from '@makapix/devstack';
import { heartbeatKey, jobIds } from '@makapix/protocol';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type JobQueues, openQueues } from '@makapix/queues';
import { type RunningWorker, startWorker } from '../src/start-worker.ts';
import { pixelArt, rawInput } from './artwork-fixtures.ts';
import { type TestEnv, createTestEnv, insertUpload, insertUser } from './helpers.ts';

let env: TestEnv;
let worker: RunningWorker;
let queues: JobQueues;
let redis: Redis;
let ownerId: number;

async function until<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const stateOf = async (postId: number) => (await env.dbHandle.db.select({ state: posts.state }).from(posts).where(eq(posts.id, postId)))[0]?.state;

beforeAll(async () => {
  env = await createTestEnv({ WORKER_SCHEDULERS: 'true', WORKER_INSTANCE_ID: 'worker-under-test' });
  ownerId = (await insertUser(env.dbHandle)).id;
  worker = await startWorker(env.config);
  queues = openQueues(env.config.redis.url);
  redis = new Redis(env.config.redis.url);
});
afterAll(async () => {
  await worker.stop();
  await queues.close();
  redis.disconnect();
  await env.close();
});

describe('startWorker (in-process)', () => {
  it('beats the heartbeat and registers the docs/product.md §6 schedules', async () => {
    await until(() => redis.exists(heartbeatKey('worker', 'worker-under-test')), 'heartbeat');
    const schedulers = await queues.queue('maintenance').getJobSchedulers();
    expect(schedulers.map((s) => [s.name, s.every ? Number(s.every) : `${s.pattern} ${s.tz}`]).sort()).toEqual([
      ['cleanup', 3_600_000],
      ['mark-stale-players-offline', 60_000],
      ['notification-digest', '0 0 * * * UTC'],
      ['renew-crl', 86_400_000],
      ['verify-vault', 21_600_000],
    ]);
    // The digest runs when a UTC day has ended, whenever the worker started.
    const digest = schedulers.find((s) => s.name === 'notification-digest');
    expect(new Date(Number(digest?.next)).toISOString()).toMatch(/T00:00:00\.000Z$/);
  });

  it('processes an enqueued artwork; a second enqueue with the same job id is a no-op', async () => {
    const { postId, storageKey } = await insertUpload(env, ownerId, await rawInput(pixelArt(32, 32, 1, 6)).png().toBuffer());
    const jobId = jobIds.processArtwork(postId, storageKey);
    await queues.add('process-artwork', { postId }, { jobId });
    await until(async () => (await stateOf(postId)) === 'ready', 'post ready');
    await queues.add('process-artwork', { postId }, { jobId });
    const job = await queues.queue('artwork').getJob(jobId);
    await until(async () => (await job?.getState()) === 'completed', 'job completed');
    expect(await queues.queue('artwork').getJobCounts('wait', 'active', 'failed')).toEqual({ wait: 0, active: 0, failed: 0 });
  });

  it('fails a corrupt upload permanently without retrying it', async () => {
    const png = await rawInput(pixelArt(16, 16, 1, 4)).png().toBuffer();
    const { postId, storageKey } = await insertUpload(env, ownerId, png.subarray(0, 60));
    const jobId = jobIds.processArtwork(postId, storageKey);
    await queues.add('process-artwork', { postId }, { jobId, attempts: 5 });
    const job = await until(async () => {
      const j = await queues.queue('artwork').getJob(jobId);
      return (await j?.getState()) === 'failed' ? j : null;
    }, 'job failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/^corrupt_image/);
    expect(await stateOf(postId)).toBe('failed');
  });

  it('sends mail through the queue', async () => {
    const user = await insertUser(env.dbHandle);
    const verifyUrl = `${env.config.mail.publicBaseUrl}/verify-email?token=q${user.id}`;
    await queues.add('send-email', { template: 'verify-email', to: user.email, userId: user.id, verifyUrl }, { jobId: jobIds.verifyEmail(user.id, 1) });
    const mail = await new MailSinkClient(inject('mailApiUrl')).waitFor(user.email);
    expect(mail.links).toEqual([verifyUrl]);
  });

  it('stop() lets the active job finish, then clears the heartbeat', async () => {
    const art = await rawInput(pixelArt(128, 128, 16, 40, true)).gif({ delay: Array(16).fill(50) }).toBuffer();
    const { postId, storageKey } = await insertUpload(env, ownerId, art);
    await queues.add('process-artwork', { postId }, { jobId: jobIds.processArtwork(postId, storageKey) });
    await until(async () => (await queues.queue('artwork').getActiveCount()) > 0, 'job active');
    await worker.stop();
    expect(await stateOf(postId)).toBe('ready');
    expect(await redis.exists(heartbeatKey('worker', 'worker-under-test'))).toBe(0);
  });
});
