import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { buildApp } from '@makapix/api/app';
import { loadConfig } from '@makapix/api/config';
import { z } from 'zod';
import { serveChild } from './children.ts';
import { runDeviceLoad } from './device-load.ts';
import { instrumentApp } from './instrument.ts';
import { createProfiler } from './profile.ts';

/**
 * The contender: the real api (`buildApp` over `loadConfig`, as api/src/server.ts builds it) in its
 * own process, listening on a free loopback port. Production mode with silent logs; no broker
 * (nothing listens on port 1, as in the api tests) and no device-inbox consumer, since only HTTP
 * is measured. `feedCacheTtlMs: 0` turns the visitors' micro-cache off (features/feeds/page-cache.ts),
 * which is what every member's request costs. `instrument` adds the diagnostic timers of instrument.ts and the profiler of
 * profile.ts.
 */

const argsSchema = z.object({
  databaseUrl: z.string(),
  redisUrl: z.string(),
  runDir: z.string(),
  instrument: z.boolean(),
  /** FEED_CACHE_TTL_MS; omitted = the api's default (the visitors' micro-cache on). */
  feedCacheTtlMs: z.number().int().min(0).optional(),
  /** The seeded member (member contender) and their player (device round trip). */
  member: z.object({ userId: z.int().positive(), playerKey: z.string() }),
  /** The device round trip's closed loop (device-load.ts). */
  device: z.object({ concurrency: z.int().positive(), seconds: z.number().positive() }),
});
const args = argsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));

const secret = () => randomBytes(32).toString('hex');
const config = loadConfig({
  NODE_ENV: 'production',
  LOG_LEVEL: 'silent',
  API_HOST: '127.0.0.1',
  API_PORT: '0',
  DATABASE_URL: args.databaseUrl,
  DATABASE_MIGRATE_ON_START: 'false',
  REDIS_URL: args.redisUrl,
  BROKER_INTERNAL_URL: 'mqtt://127.0.0.1:1',
  DEVICE_INBOX_ENABLED: 'false',
  JWT_SECRET: secret(),
  BROKER_SERVICE_PASSWORD: secret(),
  KEY_ENCRYPTION_SECRET: secret(),
  VAULT_INCOMING_DIR: path.join(args.runDir, 'incoming'),
  CA_CERT_FILE: path.join(args.runDir, 'ca', 'ca.pem'),
  CA_KEY_FILE: path.join(args.runDir, 'ca', 'ca-key.pem'),
  CRL_FILE: path.join(args.runDir, 'ca', 'crl.pem'),
  ...(args.feedCacheTtlMs === undefined ? {} : { FEED_CACHE_TTL_MS: String(args.feedCacheTtlMs) }),
});

const app = await buildApp(config);
const timings = args.instrument ? instrumentApp(app, app.pg) : null;
const profiler = args.instrument ? createProfiler() : null;
await app.listen({ host: config.http.host, port: config.http.port });
const address = app.server.address();
if (!address || typeof address !== 'object') throw new Error('the api is not listening on a TCP port');

serveChild(
  address.port,
  {
    reset: () => timings?.reset(),
    timings: () => timings?.read() ?? null,
    profileStart: () => profiler?.start(),
    profileStop: () => profiler?.stop() ?? null,
    // A fresh 15-minute access token per member run: the whole benchmark may outlast one.
    memberToken: () => app.signAccessToken({ id: args.member.userId, role: 'member' }),
    deviceQueryPosts: () => runDeviceLoad(app, args.member.playerKey, config.vault.publicBaseUrl, args.device.concurrency, args.device.seconds),
  },
  () => app.close(),
);
