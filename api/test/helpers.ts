import path from 'node:path';
import { createTestDatabase } from '@makapix/db/test-helpers';
import { allocateRedisDb } from '@makapix/devstack';
import { inject } from 'vitest';
import { buildApp, type App } from '../src/app.ts';
import { loadConfig, type ApiConfig } from '../src/config.ts';

export interface TestApp {
  app: App;
  config: ApiConfig;
  /** The vault root a worker run by the test writes to (the api itself only reads vault URLs). */
  vaultDir: string;
  close(): Promise<void>;
}

/**
 * The settings every test api instance shares: its own database and Redis logical database, the
 * run's CA, a private vault, and no broker unless the test starts one.
 */
export function testEnv(databaseUrl: string, redisUrl: string): Record<string, string> {
  const caDir = inject('caDir');
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    DATABASE_MIGRATE_ON_START: 'false',
    REDIS_URL: redisUrl,
    VAULT_DIR: path.join(inject('scratchDir'), `vault-${path.basename(databaseUrl)}`),
    // Uploads must not depend on how full this machine's disk is; the floor has its own test.
    VAULT_MIN_FREE_BYTES: '0',
    CA_CERT_FILE: path.join(caDir, 'ca.pem'),
    CA_KEY_FILE: path.join(caDir, 'ca-key.pem'),
    CRL_FILE: path.join(caDir, 'crl.pem'),
    // Nothing listens on port 1: tests that need a broker start their own and pass its URL, so a
    // dev stack running on this machine is never reached by accident.
    BROKER_INTERNAL_URL: 'mqtt://127.0.0.1:1',
    // Tests read a feed right after changing it; the micro-cache has its own test (feeds/page-cache).
    FEED_CACHE_TTL_MS: '0',
  };
}

/**
 * A real api instance for `inject`: its own migrated PostgreSQL database and its own Redis logical
 * database on the services started by the vitest global setup.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase(inject('databaseUrl'));
  const redis = await allocateRedisDb(inject('redisUrl'));
  const merged = { ...testEnv(database.url, redis.url), ...env };
  const config = loadConfig(merged);
  const app = await buildApp(config);
  await app.ready();
  return {
    app,
    config,
    vaultDir: merged.VAULT_DIR!,
    close: async () => {
      await app.close();
      await redis.flush();
      await database.drop();
    },
  };
}
