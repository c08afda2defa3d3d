import { availableParallelism, hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envInt, envLogFormat, envLogLevel, envNodeEnv, envOptional, envPort, envPositiveInt, parseEnv } from '@makapix/protocol/env';
import { z } from 'zod';

// Defaults make the dev command work with no .env (docs/architecture.md §3.5): the dev CA lives
// in `.data/dev/ca` at the repository root (this file is broker/src/config.ts).
const DEV_CA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../.data/dev/ca');
const DEV_SERVICE_PASSWORD = 'dev-only-broker-service-password';

const port = envPort();
const positiveInt = envPositiveInt();
const optionalPort = envOptional(port);
// `auto` = one Aedes process per core (cluster workers sharing the listeners).
const processCount = z.union([z.literal('auto'), envInt().min(1).max(256)]);

const envSchema = z
  .object({
    NODE_ENV: envNodeEnv.default('development'),
    LOG_LEVEL: envLogLevel.default('info'),
    LOG_FORMAT: envLogFormat.default('json'),
    BROKER_INSTANCE_ID: z.string().min(1).default(`${hostname()}-${process.pid}`),
    BROKER_PROCESSES: processCount.default(1),
    // Where sessions, subscriptions, retained messages and wills live: `memory` (one process, the
    // fastest), `redis` (shared by every broker process and machine on REDIS_URL), `auto` = redis as
    // soon as there is more than one process.
    BROKER_SHARED_STATE: z.enum(['auto', 'memory', 'redis']).default('auto'),
    // docs/device-protocol.md §1: the mTLS listener for players.
    BROKER_MTLS_HOST: z.string().min(1).default('0.0.0.0'),
    BROKER_MTLS_PORT: port.default(8883),
    BROKER_CERT_FILE: z.string().min(1).default(path.join(DEV_CA_DIR, 'broker.pem')),
    BROKER_KEY_FILE: z.string().min(1).default(path.join(DEV_CA_DIR, 'broker-key.pem')),
    CA_CERT_FILE: z.string().min(1).default(path.join(DEV_CA_DIR, 'ca.pem')),
    CRL_FILE: z.string().min(1).default(path.join(DEV_CA_DIR, 'crl.pem')),
    // docs/device-protocol.md §2.7: a new CRL is picked up without restart; polled at most every second.
    BROKER_CRL_POLL_MS: envInt().min(50).max(1000).default(1000),
    BROKER_TLS_HANDSHAKE_TIMEOUT_MS: positiveInt.default(10_000),
    // docs/device-protocol.md §1: the internal listener for platform services, loopback / private network only.
    BROKER_INTERNAL_HOST: z.string().min(1).default('127.0.0.1'),
    BROKER_INTERNAL_PORT: port.default(1883),
    BROKER_SERVICE_USERNAME: z.string().min(1).default('makapix-api'),
    BROKER_SERVICE_PASSWORD: z.string().min(16).default(DEV_SERVICE_PASSWORD),
    // docs/device-protocol.md §1 conformance mode (ours): off unless a port is given; never in production.
    BROKER_CONFORMANCE_PORT: optionalPort,
    DATABASE_URL: z.string().min(1).default('postgres://makapix:makapix@127.0.0.1:54329/makapix'),
    DATABASE_POOL_MAX: envInt().min(1).max(100).default(5),
    REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6390'),
    // docs/device-protocol.md §3: device → server payloads up to 256 KiB; larger packets close the connection.
    BROKER_MAX_PAYLOAD_BYTES: positiveInt.default(256 * 1024),
    // Our deepest topic has 5 levels (makapix/player/{key}/request/{id}).
    BROKER_MAX_TOPIC_LEVELS: envInt().min(5).max(100).default(16),
    BROKER_MAX_CONNECTIONS_PER_IP_PER_MINUTE: positiveInt.default(120),
    BROKER_MAX_CONNECTIONS: positiveInt.default(10_000),
    BROKER_CONNECT_TIMEOUT_MS: positiveInt.default(10_000),
    // MQTT 5 clients asking for keepalive 0 or more than this are told this in CONNACK (Server Keep Alive).
    BROKER_SERVER_KEEP_ALIVE_S: envInt().min(1).max(65_535).default(300),
    // A subscriber whose socket stays full this long is dropped (slow consumer).
    BROKER_DRAIN_TIMEOUT_MS: positiveInt.default(30_000),
    BROKER_QUEUE_LIMIT: positiveInt.default(42),
  })
  .superRefine((env, ctx) => {
    const processes = env.BROKER_PROCESSES === 'auto' ? availableParallelism() : env.BROKER_PROCESSES;
    if (processes > 1 && env.BROKER_SHARED_STATE === 'memory') {
      ctx.addIssue({ code: 'custom', path: ['BROKER_SHARED_STATE'], message: 'memory state cannot be shared by several broker processes' });
    }
    if (processes > 1 && env.BROKER_CONFORMANCE_PORT !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['BROKER_CONFORMANCE_PORT'], message: 'conformance mode runs in a single broker process' });
    }
    if (env.NODE_ENV !== 'production') return;
    if (env.BROKER_SERVICE_PASSWORD === DEV_SERVICE_PASSWORD) {
      ctx.addIssue({ code: 'custom', path: ['BROKER_SERVICE_PASSWORD'], message: 'must be set in production' });
    }
    if (env.BROKER_CONFORMANCE_PORT !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['BROKER_CONFORMANCE_PORT'], message: 'conformance mode is never enabled in production' });
    }
  });

/** Parses the broker's configuration once; fails fast listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const e = parseEnv(envSchema, env, 'broker');
  const processes = e.BROKER_PROCESSES === 'auto' ? availableParallelism() : e.BROKER_PROCESSES;
  const sharedState = e.BROKER_SHARED_STATE === 'auto' ? (processes > 1 ? 'redis' : 'memory') : e.BROKER_SHARED_STATE;
  return {
    env: e.NODE_ENV,
    instanceId: e.BROKER_INSTANCE_ID,
    processes,
    sharedState,
    log: { level: e.LOG_LEVEL, pretty: e.LOG_FORMAT === 'pretty' },
    mtls: {
      host: e.BROKER_MTLS_HOST,
      port: e.BROKER_MTLS_PORT,
      certFile: e.BROKER_CERT_FILE,
      keyFile: e.BROKER_KEY_FILE,
      caFile: e.CA_CERT_FILE,
      crlFile: e.CRL_FILE,
      crlPollMs: e.BROKER_CRL_POLL_MS,
      handshakeTimeoutMs: e.BROKER_TLS_HANDSHAKE_TIMEOUT_MS,
    },
    internal: {
      host: e.BROKER_INTERNAL_HOST,
      port: e.BROKER_INTERNAL_PORT,
      username: e.BROKER_SERVICE_USERNAME,
      password: e.BROKER_SERVICE_PASSWORD,
    },
    conformance: e.BROKER_CONFORMANCE_PORT === undefined ? null : { host: '127.0.0.1', port: e.BROKER_CONFORMANCE_PORT },
    db: { url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX },
    redis: { url: e.REDIS_URL },
    limits: {
      maxPayloadBytes: e.BROKER_MAX_PAYLOAD_BYTES,
      maxTopicLevels: e.BROKER_MAX_TOPIC_LEVELS,
      connectionsPerIpPerMinute: e.BROKER_MAX_CONNECTIONS_PER_IP_PER_MINUTE,
      maxConnections: e.BROKER_MAX_CONNECTIONS,
      connectTimeoutMs: e.BROKER_CONNECT_TIMEOUT_MS,
      serverKeepAliveS: e.BROKER_SERVER_KEEP_ALIVE_S,
      drainTimeoutMs: e.BROKER_DRAIN_TIMEOUT_MS,
      queueLimit: e.BROKER_QUEUE_LIMIT,
    },
  };
}

export type BrokerConfig = ReturnType<typeof loadConfig>;
