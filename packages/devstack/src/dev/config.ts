import path from 'node:path';
import { envInt, envOptional, envPort, envUrl, parseEnv } from '@makapix/protocol/env';
import { z } from 'zod';
import { devDataDir } from '../paths.ts';

const port = envPort().min(1);
// An empty value counts as unset, so `DATABASE_URL= npm start` still starts the embedded service.
const externalUrl = (schemes: RegExp, hint: string) => envOptional(envUrl(schemes, hint));

// Project ports sit away from the system defaults so a Debian-installed PostgreSQL, Redis or
// Mosquitto on this machine never collides with the dev stack.
const envSchema = z.object({
  MAKAPIX_DATA_DIR: z.string().default(devDataDir),
  MAKAPIX_HTTP_PORT: port.default(8080),
  MAKAPIX_PUBLIC_HOST: z.string().default('localhost'),
  MAKAPIX_API_PORT: port.default(3001),
  MAKAPIX_WEB_PORT: port.default(3000),
  MAKAPIX_PG_PORT: port.default(54329),
  MAKAPIX_REDIS_PORT: port.default(6390),
  MAKAPIX_SMTP_PORT: port.default(2525),
  MAKAPIX_MAIL_API_PORT: port.default(8025),
  MAKAPIX_MQTTS_PORT: port.default(8883),
  MAKAPIX_MQTT_INTERNAL_PORT: port.default(1883),
  MAKAPIX_BROKER_SANS: z.string().default(''),
  // BROKER_PROCESSES for the dev broker: 2 runs two Aedes processes sharing sessions through Redis.
  MAKAPIX_BROKER_PROCESSES: z.union([z.literal('auto'), envInt().min(1).max(16)]).default(1),
  MAKAPIX_SIM_PLAYERS: envInt().min(0).max(50).default(3),
  MAKAPIX_SEED_ARTWORKS: envInt().min(1).max(500).default(55),
  // docs/product.md §7: the same variables the services read point the dev command at external services;
  // each one given replaces the embedded PostgreSQL, redis-server or SMTP sink.
  DATABASE_URL: externalUrl(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'),
  REDIS_URL: externalUrl(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
  SMTP_URL: externalUrl(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL'),
});

/** The dev command's configuration (its one config parser); every value has a working default. */
export function loadDevConfig(env: Record<string, string | undefined> = process.env) {
  const e = parseEnv(envSchema, env, 'dev');
  const dataDir = path.resolve(e.MAKAPIX_DATA_DIR);
  return {
    dataDir,
    publicHost: e.MAKAPIX_PUBLIC_HOST,
    ports: {
      http: e.MAKAPIX_HTTP_PORT,
      api: e.MAKAPIX_API_PORT,
      web: e.MAKAPIX_WEB_PORT,
      postgres: e.MAKAPIX_PG_PORT,
      redis: e.MAKAPIX_REDIS_PORT,
      smtp: e.MAKAPIX_SMTP_PORT,
      mailApi: e.MAKAPIX_MAIL_API_PORT,
      mqtts: e.MAKAPIX_MQTTS_PORT,
      mqttInternal: e.MAKAPIX_MQTT_INTERNAL_PORT,
    },
    external: { databaseUrl: e.DATABASE_URL, redisUrl: e.REDIS_URL, smtpUrl: e.SMTP_URL },
    brokerProcesses: String(e.MAKAPIX_BROKER_PROCESSES),
    brokerSans: e.MAKAPIX_BROKER_SANS.split(',').map((s) => s.trim()).filter(Boolean),
    simPlayers: e.MAKAPIX_SIM_PLAYERS,
    seedArtworks: e.MAKAPIX_SEED_ARTWORKS,
    dirs: {
      postgres: path.join(dataDir, 'postgres'),
      redis: path.join(dataDir, 'redis'),
      mail: path.join(dataDir, 'mail'),
      ca: path.join(dataDir, 'ca'),
      vault: path.join(dataDir, 'vault'),
    },
  };
}

export type DevConfig = ReturnType<typeof loadDevConfig>;
