import { envBool as bool, envInt, envList as list, envLogFormat, envLogLevel, envNodeEnv, envPort, parseEnv } from '@makapix/protocol/env';
import { z } from 'zod';

// Defaults make the dev command work with no .env (docs/architecture.md §3.5); production
// refuses the dev secrets below (see superRefine).
const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789abcdef';
const DEV_SERVICE_PASSWORD = 'dev-only-broker-service-password';
const DEV_KEY_ENCRYPTION_SECRET = 'dev-only-key-encryption-secret-0123456789';

const envSchema = z
  .object({
    NODE_ENV: envNodeEnv.default('development'),
    LOG_FORMAT: envLogFormat.default('json'),
    LOG_LEVEL: envLogLevel.default('info'),
    API_HOST: z.string().default('127.0.0.1'),
    API_PORT: envPort().default(3001),
    PUBLIC_BASE_URL: z.url().default('http://localhost:8080'),
    CORS_ORIGINS: list.default(['http://localhost:8080', 'http://localhost:3000']),
    DATABASE_URL: z.string().min(1).default('postgres://makapix:makapix@127.0.0.1:54329/makapix'),
    DATABASE_POOL_MAX: envInt().min(1).max(200).default(10),
    // Connections opened at start and kept open however idle (plugins/db.ts); default: all of them.
    DATABASE_POOL_MIN: envInt().min(0).max(200).optional(),
    DATABASE_MIGRATE_ON_START: bool.default(true),
    REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6390'),
    JWT_SECRET: z.string().min(32).default(DEV_JWT_SECRET),
    BROKER_INTERNAL_URL: z.string().default('mqtt://127.0.0.1:1883'),
    BROKER_SERVICE_USERNAME: z.string().default('makapix-api'),
    BROKER_SERVICE_PASSWORD: z.string().min(16).default(DEV_SERVICE_PASSWORD),
    BROKER_PUBLIC_HOST: z.string().default('localhost'),
    BROKER_PUBLIC_PORT: envPort().min(1).default(8883),
    CA_CERT_FILE: z.string().default('.data/dev/ca/ca.pem'),
    CA_KEY_FILE: z.string().default('.data/dev/ca/ca-key.pem'),
    CRL_FILE: z.string().default('.data/dev/ca/crl.pem'),
    KEY_ENCRYPTION_SECRET: z.string().min(32).default(DEV_KEY_ENCRYPTION_SECRET),
    VAULT_PUBLIC_BASE_URL: z.url().default('http://localhost:8080/vault'),
    VAULT_INCOMING_DIR: z.string().default('.data/dev/incoming'),
    VAULT_MIN_FREE_BYTES: envInt().min(0).default(256 * 1024 * 1024),
    SQIDS_ALPHABET: z.string().min(16).default('k3G7QAe51FCsPW92uEOyq4Bg6Sp8YzVTmnU0liwDdHXLajZrfxNhobJIRcMvKt'),
    TRUST_PROXY: bool.default(true),
    // docs/product.md §1: site owners, by email; such a member becomes owner on sign-up or log-in.
    OWNER_EMAILS: list.default([]),
    // docs/architecture.md §1: the device-inbox consumer (Redis Stream written by the broker).
    DEVICE_INBOX_ENABLED: bool.default(true),
    DEVICE_INBOX_CLAIM_IDLE_MS: envInt().min(100).default(30_000),
    // Visitors' public feed pages are micro-cached this long per process (features/feeds/page-cache.ts).
    FEED_CACHE_TTL_MS: envInt().min(0).max(60_000).default(1000),
  })
  .superRefine((env, ctx) => {
    if (env.DATABASE_POOL_MIN !== undefined && env.DATABASE_POOL_MIN > env.DATABASE_POOL_MAX) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_POOL_MIN'], message: 'must not exceed DATABASE_POOL_MAX' });
    }
    if (env.NODE_ENV !== 'production') return;
    const devSecrets: [keyof typeof env, string][] = [
      ['JWT_SECRET', DEV_JWT_SECRET],
      ['BROKER_SERVICE_PASSWORD', DEV_SERVICE_PASSWORD],
      ['KEY_ENCRYPTION_SECRET', DEV_KEY_ENCRYPTION_SECRET],
    ];
    for (const [key, dev] of devSecrets) {
      if (env[key] === dev) ctx.addIssue({ code: 'custom', path: [key], message: 'must be set in production' });
    }
  });

export type ApiEnv = z.input<typeof envSchema>;

/** Parses the api's configuration once; fails fast listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const e = parseEnv(envSchema, env, 'api');
  return {
    env: e.NODE_ENV,
    log: { level: e.LOG_LEVEL, pretty: e.LOG_FORMAT === 'pretty' },
    http: { host: e.API_HOST, port: e.API_PORT, publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/$/, ''), corsOrigins: e.CORS_ORIGINS, trustProxy: e.TRUST_PROXY },
    db: { url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX, poolMin: e.DATABASE_POOL_MIN ?? e.DATABASE_POOL_MAX, migrateOnStart: e.DATABASE_MIGRATE_ON_START },
    redis: { url: e.REDIS_URL },
    auth: { jwtSecret: e.JWT_SECRET, ownerEmails: e.OWNER_EMAILS.map((m) => m.toLowerCase()) },
    broker: {
      internalUrl: e.BROKER_INTERNAL_URL,
      username: e.BROKER_SERVICE_USERNAME,
      password: e.BROKER_SERVICE_PASSWORD,
      publicHost: e.BROKER_PUBLIC_HOST,
      publicPort: e.BROKER_PUBLIC_PORT,
    },
    pki: { caCertFile: e.CA_CERT_FILE, caKeyFile: e.CA_KEY_FILE, crlFile: e.CRL_FILE, keyEncryptionSecret: e.KEY_ENCRYPTION_SECRET },
    vault: { incomingDir: e.VAULT_INCOMING_DIR, publicBaseUrl: e.VAULT_PUBLIC_BASE_URL.replace(/\/$/, ''), minFreeBytes: e.VAULT_MIN_FREE_BYTES },
    sqids: { alphabet: e.SQIDS_ALPHABET },
    deviceInbox: { enabled: e.DEVICE_INBOX_ENABLED, claimIdleMs: e.DEVICE_INBOX_CLAIM_IDLE_MS },
    feeds: { visitorCacheTtlMs: e.FEED_CACHE_TTL_MS },
  };
}

export type ApiConfig = ReturnType<typeof loadConfig>;
