import { randomUUID } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type DbHandle, createDb, posts, users } from '@makapix/db';
import { createTestDatabase } from '@makapix/db/test-helpers';
import { allocateRedisDb } from '@makapix/devstack';
import { createVaultStore, incomingPath } from '@makapix/vault';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { sha256Hex } from '../src/artwork/pipeline.ts';
import { type WorkerConfig, loadConfig } from '../src/config.ts';
import type { JobContext, WorkerServices } from '../src/context.ts';
import { createLogger } from '../src/logger.ts';
import { createMailer } from '../src/mail/mailer.ts';

/** One isolated environment per test file: its own database, Redis db and vault/incoming dirs. */
export interface TestEnv {
  config: WorkerConfig;
  env: Record<string, string>;
  dbHandle: DbHandle;
  services: WorkerServices;
  close(): Promise<void>;
}

export async function createTestEnv(extra: Record<string, string> = {}): Promise<TestEnv> {
  const database = await createTestDatabase(inject('databaseUrl'));
  const redis = await allocateRedisDb(inject('redisUrl'));
  const root = path.join(inject('scratchDir'), `worker-${randomUUID()}`);
  await mkdir(root, { recursive: true });
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    SMTP_URL: `smtp://127.0.0.1:${inject('smtpPort')}`,
    PUBLIC_BASE_URL: 'http://makapix.test:8080',
    VAULT_DIR: path.join(root, 'vault'),
    VAULT_INCOMING_DIR: path.join(root, 'incoming'),
    VAULT_MIN_FREE_BYTES: '0',
    CA_CERT_FILE: path.join(inject('caDir'), 'ca.pem'),
    CA_KEY_FILE: path.join(inject('caDir'), 'ca-key.pem'),
    CRL_FILE: path.join(root, 'crl.pem'),
    LOG_LEVEL: 'error',
    WORKER_SCHEDULERS: 'false',
    ...extra,
  };
  await mkdir(env.VAULT_INCOMING_DIR, { recursive: true });
  const config = loadConfig(env);
  const dbHandle = createDb(config.db.url, { max: 4 });
  const services: WorkerServices = {
    config,
    db: dbHandle.db,
    // As the worker builds it: local disk here (VAULT_MIN_FREE_BYTES 0), a bucket when `extra` names one.
    vault: await createVaultStore(config.vault),
    mailer: createMailer(config.mail),
    logger: createLogger(config.log),
    redis: new Redis(config.redis.url, { maxRetriesPerRequest: 2 }),
  };
  return {
    config,
    env,
    dbHandle,
    services,
    async close() {
      services.mailer.close();
      services.redis.disconnect();
      await services.vault.close?.();
      await dbHandle.close();
      await redis.flush();
      await database.drop();
    },
  };
}

/** A handler's context for one direct call (the BullMQ job fields the handlers read). */
export function jobContext(services: WorkerServices, data: Record<string, unknown> = {}, attempt = { made: 0, of: 5 }): JobContext & { data: Record<string, unknown> } {
  const holder = { data };
  return {
    ...services,
    data: holder.data,
    job: {
      id: 'test',
      name: 'test',
      attemptsMade: attempt.made,
      opts: { attempts: attempt.of },
      async updateData(next: Record<string, unknown>) {
        Object.assign(holder.data, next);
      },
    } as JobContext['job'],
    log: services.logger,
    lastAttempt: attempt.made + 1 >= attempt.of,
  };
}

let userCounter = 0;

export async function insertUser(handle: DbHandle): Promise<{ id: number; email: string }> {
  userCounter++;
  const name = `artist${userCounter}${randomUUID().slice(0, 6)}`;
  const email = `${name}@example.test`;
  const [row] = await handle.db.insert(users).values({ email, handle: name, handleCanonical: name }).returning({ id: users.id });
  return { id: (row as { id: number }).id, email };
}

/** What the api does on upload (docs/product.md §2): the bytes in the incoming dir, a `processing` post. */
export async function insertUpload(env: TestEnv, ownerId: number, bytes: Uint8Array, title = 'test art'): Promise<{ postId: number; storageKey: string }> {
  const storageKey = randomUUID();
  await writeFile(incomingPath(env.config.vault.incomingDir, storageKey), bytes);
  const [row] = await env.dbHandle.db
    .insert(posts)
    .values({ kind: 'artwork', ownerId, title, storageKey, sha256: sha256Hex(bytes), state: 'processing' })
    .returning({ id: posts.id });
  return { postId: (row as { id: number }).id, storageKey };
}

/** Every file under a directory, relative, sorted (dot-files included: nothing may hide). */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}
