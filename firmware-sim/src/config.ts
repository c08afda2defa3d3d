import path from 'node:path';
import { envInt, parseEnv } from '@makapix/protocol/env';
import { z } from 'zod';

const envSchema = z.object({
  SIM_API_BASE_URL: z.url().default('http://localhost:8080/api'),
  SIM_PLAYERS: envInt().min(0).max(10_000).default(3),
  SIM_OWNER_EMAIL: z.email().default('demo@makapix.club'),
  SIM_OWNER_PASSWORD: z.string().min(8).default('demo-pixels-1'),
  SIM_STATE_FILE: z.string().default('.data/dev/sim-players.json'),
  SIM_DWELL_MS: envInt().min(1_000).default(10_000),
  SIM_MQTT_VERSION: z.enum(['4', '5']).default('4'),
});

/** The simulated fleet's configuration (its one config parser). */
export function loadSimConfig(env: Record<string, string | undefined> = process.env) {
  const e = parseEnv(envSchema, env, 'firmware-sim');
  return {
    apiBaseUrl: e.SIM_API_BASE_URL.replace(/\/$/, ''),
    players: e.SIM_PLAYERS,
    owner: { email: e.SIM_OWNER_EMAIL, password: e.SIM_OWNER_PASSWORD },
    stateFile: path.resolve(e.SIM_STATE_FILE),
    dwellMs: e.SIM_DWELL_MS,
    protocolVersion: Number(e.SIM_MQTT_VERSION) as 4 | 5,
  };
}

export type SimConfig = ReturnType<typeof loadSimConfig>;
