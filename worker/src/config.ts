import { hostname } from 'node:os';
import { assertRelPath } from '@makapix/vault';
import {
  envBool as bool,
  envInt,
  envLogFormat,
  envLogLevel,
  envNodeEnv,
  envOptional as optional,
  envPositiveInt,
  envUrl,
  parseEnv,
} from '@makapix/protocol/env';
import { z } from 'zod';

const positiveInt = envPositiveInt();

function isVaultPrefix(value: string): boolean {
  try {
    assertRelPath(value.replace(/^\/+|\/+$/g, ''), { allowEmpty: true });
    return true;
  } catch {
    return false;
  }
}

// Defaults make the dev command work with no .env (docs/architecture.md §3.5); they match the
// api's, since both processes share the database, Redis, the vault and the CA files.
const envSchema = z.object({
  NODE_ENV: envNodeEnv.default('development'),
  LOG_LEVEL: envLogLevel.default('info'),
  LOG_FORMAT: envLogFormat.default('json'),
  REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6390'),
  DATABASE_URL: z.string().min(1).default('postgres://makapix:makapix@127.0.0.1:54329/makapix'),
  DATABASE_POOL_MAX: positiveInt.max(200).default(5),
  SMTP_URL: envUrl(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').default('smtp://127.0.0.1:2525'),
  MAIL_FROM: z.string().min(3).default('Makapix Club <no-reply@makapix.localhost>'),
  PUBLIC_BASE_URL: z.url().default('http://localhost:8080'),
  VAULT_DIR: z.string().min(1).default('.data/dev/vault'),
  VAULT_MIN_FREE_BYTES: envInt().min(0).default(256 * 1024 * 1024),
  VAULT_INCOMING_DIR: z.string().min(1).default('.data/dev/incoming'),
  // docs/product.md §2/§7: an S3-compatible bucket replaces VAULT_DIR when a bucket is named.
  VAULT_S3_BUCKET: optional(z.string()),
  VAULT_S3_ENDPOINT: optional(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })),
  VAULT_S3_REGION: z.string().min(1).default('us-east-1'),
  VAULT_S3_ACCESS_KEY_ID: optional(z.string()),
  VAULT_S3_SECRET_ACCESS_KEY: optional(z.string()),
  VAULT_S3_FORCE_PATH_STYLE: bool.default(false),
  VAULT_S3_PREFIX: z.string().default('').refine(isVaultPrefix, 'must be slash-separated names of letters, digits, ".", "_" or "-"'),
  CA_CERT_FILE: z.string().min(1).default('.data/dev/ca/ca.pem'),
  CA_KEY_FILE: z.string().min(1).default('.data/dev/ca/ca-key.pem'),
  CRL_FILE: z.string().min(1).default('.data/dev/ca/crl.pem'),
  WORKER_INSTANCE_ID: z.string().min(1).default(`${hostname()}-${process.pid}`),
  /** Parallel process-artwork jobs per worker process (image work is CPU-bound). */
  WORKER_CONCURRENCY: positiveInt.max(64).default(2),
  /** BullMQ stalled-job recovery: a job whose lock lapses (its worker died) is retried. */
  WORKER_LOCK_DURATION_MS: positiveInt.default(30_000),
  WORKER_STALLED_INTERVAL_MS: positiveInt.default(30_000),
  WORKER_MAX_STALLED_COUNT: positiveInt.default(3),
  /** Register the docs/product.md §6 repeatable jobs at start (off only for focused tests). */
  WORKER_SCHEDULERS: bool.default(true),
}).superRefine((env, ctx) => {
  // Half a key pair would silently fall back to the SDK's ambient credentials; a bucket setting
  // without a bucket would silently keep the vault on local disk.
  if (Boolean(env.VAULT_S3_ACCESS_KEY_ID) !== Boolean(env.VAULT_S3_SECRET_ACCESS_KEY)) {
    const missing = env.VAULT_S3_ACCESS_KEY_ID ? 'VAULT_S3_SECRET_ACCESS_KEY' : 'VAULT_S3_ACCESS_KEY_ID';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'set both VAULT_S3_ACCESS_KEY_ID and VAULT_S3_SECRET_ACCESS_KEY, or neither' });
  }
  if (!env.VAULT_S3_BUCKET && (env.VAULT_S3_ENDPOINT || env.VAULT_S3_ACCESS_KEY_ID || env.VAULT_S3_PREFIX)) {
    ctx.addIssue({ code: 'custom', path: ['VAULT_S3_BUCKET'], message: 'required when other VAULT_S3_* settings are given' });
  }
});

export type WorkerEnv = z.input<typeof envSchema>;

/** Parses the worker's configuration once; fails fast listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const e = parseEnv(envSchema, env, 'worker');
  return {
    env: e.NODE_ENV,
    log: { level: e.LOG_LEVEL, pretty: e.LOG_FORMAT === 'pretty' },
    redis: { url: e.REDIS_URL },
    db: { url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, '') },
    vault: {
      dir: e.VAULT_DIR,
      minFreeBytes: e.VAULT_MIN_FREE_BYTES,
      incomingDir: e.VAULT_INCOMING_DIR,
      s3: e.VAULT_S3_BUCKET
        ? {
            bucket: e.VAULT_S3_BUCKET,
            endpoint: e.VAULT_S3_ENDPOINT,
            region: e.VAULT_S3_REGION,
            accessKeyId: e.VAULT_S3_ACCESS_KEY_ID,
            secretAccessKey: e.VAULT_S3_SECRET_ACCESS_KEY,
            forcePathStyle: e.VAULT_S3_FORCE_PATH_STYLE,
            prefix: e.VAULT_S3_PREFIX.replace(/^\/+|\/+$/g, ''),
          }
        : null,
    },
    pki: { caCertFile: e.CA_CERT_FILE, caKeyFile: e.CA_KEY_FILE, crlFile: e.CRL_FILE },
    worker: {
      instanceId: e.WORKER_INSTANCE_ID,
      concurrency: e.WORKER_CONCURRENCY,
      lockDurationMs: e.WORKER_LOCK_DURATION_MS,
      stalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: e.WORKER_MAX_STALLED_COUNT,
      schedulers: e.WORKER_SCHEDULERS,
    },
  };
}

export type WorkerConfig = ReturnType<typeof loadConfig>;
