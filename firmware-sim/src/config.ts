import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { MQTT_FLAVOURS } from './mqtt-options.ts';

// The simulator's one configuration parser (docs/architecture.md §3.5): the environment for the
// dev command's demo players, command-line flags for `player` and `fleet`.
const envSchema = z.object({
  SIM_API_BASE_URL: z.url().default('http://localhost:8080/api'),
  SIM_PLAYERS: z.coerce.number().int().min(0).max(10_000).default(3),
  SIM_OWNER_EMAIL: z.email().default('demo@makapix.club'),
  SIM_OWNER_PASSWORD: z.string().min(8).default('demo-pixels-1'),
  SIM_STATE_FILE: z.string().default('.data/dev/sim-players.json'),
  SIM_DWELL_MS: z.coerce.number().int().min(1_000).default(10_000),
  // 3.1 like the shipping p3a; "4"/"5" are the older spelling of 3.1.1 and 5.
  SIM_MQTT_VERSION: z.enum(['3.1', '3.1.1', '5', '4']).default('3.1'),
});

const flavour = z.enum(MQTT_FLAVOURS);
const count = z.coerce.number().int().min(1).max(100_000);

const playerFlags = z.object({
  api: z.url().default('http://localhost:8080/api'),
  'state-dir': z.string().default('.data/sim/player'),
  mqtt: flavour.default('3.1'),
  snapshot: z.string().optional(),
  'max-side': z.coerce.number().int().min(8).max(512).default(64),
  'dwell-ms': z.coerce.number().int().min(1_000).optional(),
  'unsynced-clock': z.boolean().default(false),
  new: z.boolean().default(false),
  seed: z.coerce.number().int().default(1),
});

const fleetFlags = z.object({
  api: z.url().default('http://localhost:8080/api'),
  count: count.default(10),
  owner: z.array(z.string().min(3)).min(1),
  password: z.string().min(8),
  'mqtt-host': z.string().optional(),
  'mqtt-port': z.coerce.number().int().min(1).max(65535).optional(),
  mqtt: flavour.default('3.1'),
  seed: z.coerce.number().int().default(1),
  'ramp-per-sec': z.coerce.number().positive().default(50),
  'state-dir': z.string().default('.data/sim/fleet'),
  'dwell-ms': z.coerce.number().int().min(1_000).optional(),
  minutes: z.coerce.number().positive().optional(),
  'fanout-every-sec': z.coerce.number().min(0).default(60),
  'spread-ips': z.boolean().default(true),
  json: z.string().optional(),
});

function parseOrExplain<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new Error(`invalid ${what}:\n${parsed.error.issues.map((i) => `  ${i.path.join('.') || '(flags)'}: ${i.message}`).join('\n')}`);
  return parsed.data;
}

/**
 * `--owner` may name one account per 128 players, or a pattern with `{n}` (`fleet{n}@example.test`)
 * that expands to as many numbered accounts as the fleet needs.
 */
export function expandOwners(owners: readonly string[], players: number, perOwner = 128): string[] {
  const needed = Math.ceil(players / perOwner);
  if (owners.length === 1 && owners[0]!.includes('{n}')) return Array.from({ length: needed }, (_, i) => owners[0]!.replace('{n}', String(i + 1)));
  return [...owners];
}

export type CliConfig =
  | { mode: 'demo'; demo: ReturnType<typeof demoConfig> }
  | { mode: 'player'; player: z.infer<typeof playerFlags> & { stateDir: string } }
  | { mode: 'fleet'; fleet: z.infer<typeof fleetFlags> & { owners: string[]; stateDir: string } };

function demoConfig(env: Record<string, string | undefined>) {
  const e = parseOrExplain(envSchema, env, 'firmware-sim configuration');
  const stateFile = path.resolve(e.SIM_STATE_FILE);
  return {
    apiBaseUrl: e.SIM_API_BASE_URL.replace(/\/$/, ''),
    players: e.SIM_PLAYERS,
    owner: { email: e.SIM_OWNER_EMAIL, password: e.SIM_OWNER_PASSWORD },
    /** The first simulator's single file, migrated once into the state directory beside it. */
    legacyStateFile: stateFile,
    stateDir: stateFile.replace(/\.json$/, ''),
    dwellMs: e.SIM_DWELL_MS,
    mqtt: e.SIM_MQTT_VERSION === '4' ? ('3.1.1' as const) : e.SIM_MQTT_VERSION,
  };
}

/** Parses `cli.ts [player|fleet] [flags]`; no sub-command = the dev command's demo players (env). */
export function loadCliConfig(argv: readonly string[], env: Record<string, string | undefined> = process.env): CliConfig {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'demo') return { mode: 'demo', demo: demoConfig(env) };
  if (command === 'player') {
    const { values } = parseArgs({
      args: rest,
      options: {
        api: { type: 'string' }, 'state-dir': { type: 'string' }, mqtt: { type: 'string' }, snapshot: { type: 'string' },
        'max-side': { type: 'string' }, 'dwell-ms': { type: 'string' }, 'unsynced-clock': { type: 'boolean' }, new: { type: 'boolean' }, seed: { type: 'string' },
      },
    });
    const player = parseOrExplain(playerFlags, values, 'player flags');
    return { mode: 'player', player: { ...player, stateDir: path.resolve(player['state-dir']) } };
  }
  if (command === 'fleet') {
    const { values } = parseArgs({
      args: rest,
      options: {
        api: { type: 'string' }, count: { type: 'string' }, owner: { type: 'string', multiple: true }, password: { type: 'string' },
        'mqtt-host': { type: 'string' }, 'mqtt-port': { type: 'string' }, mqtt: { type: 'string' }, seed: { type: 'string' },
        'ramp-per-sec': { type: 'string' }, 'state-dir': { type: 'string' }, 'dwell-ms': { type: 'string' }, minutes: { type: 'string' },
        'fanout-every-sec': { type: 'string' }, 'spread-ips': { type: 'boolean' }, 'no-spread-ips': { type: 'boolean' }, json: { type: 'string' },
      },
    });
    const { 'no-spread-ips': noSpread, ...flags } = values;
    const fleet = parseOrExplain(fleetFlags, { ...flags, ...(noSpread ? { 'spread-ips': false } : {}) }, 'fleet flags');
    return { mode: 'fleet', fleet: { ...fleet, owners: expandOwners(fleet.owner, fleet.count), stateDir: path.resolve(fleet['state-dir']) } };
  }
  throw new Error(`unknown command "${command}"; use: player | fleet (no command: the dev command's demo players)`);
}
