import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { ContenderName } from './contenders.ts';

/**
 * The benchmark's configuration: command-line flags of `npm run bench:broker`. The environment is
 * not configuration here; it is only handed on to the child processes (PATH, HOME, …).
 */
export function inheritedEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return { ...process.env, ...extra };
}

/** Command-line flags of `npm run bench:broker`. */
export interface BenchOptions {
  quick: boolean;
  players: number[];
  contenders: ContenderName[];
  /** Client processes holding the fleet. */
  processes: number;
  /** Target connects per second over the whole pool, and TLS handshakes in flight per process. */
  connectRate: number;
  connectWindow: number;
  /** Unacknowledged commands the publisher keeps in flight in the burst round. */
  fanoutWindow: number;
  /** Commands per second in the paced round. */
  fanoutRate: number;
  rrRate: number;
  rrSeconds: number;
  /** Idle time after the last connect before the RSS is read. */
  settleMs: number;
  /** Where the markdown report goes (null: print only). */
  out: string | null;
  /** Diagnostic: V8 CPU profiles of our broker and api processes are written here. */
  profileDir: string | null;
}

const count = z.coerce.number().int().positive();
const schema = z.object({
  quick: z.boolean().default(false),
  players: z.string().regex(/^\d+(,\d+)*$/, 'a comma-separated list of fleet sizes').optional(),
  contenders: z
    .string()
    .regex(/^(ours|ours-redis|ours-x2|aedes|mosquitto)(,(ours|ours-redis|ours-x2|aedes|mosquitto))*$/)
    .default('ours,ours-redis,ours-x2,aedes,mosquitto'),
  processes: count.default(4),
  'connect-rate': count.optional(),
  'connect-window': count.default(32),
  'fanout-window': count.default(200),
  'fanout-rate': count.optional(),
  'rr-rate': count.optional(),
  'rr-seconds': count.optional(),
  'settle-ms': z.coerce.number().int().min(0).default(5_000),
  out: z.string().optional(),
  profile: z.string().optional(),
});

export const USAGE = `npm run bench:broker -w @makapix/bench -- [--quick] [--players 2000,10000] [--contenders ours,ours-redis,ours-x2,aedes,mosquitto]
  [--processes 4] [--connect-rate 500] [--connect-window 32] [--fanout-window 200] [--fanout-rate 1000]
  [--rr-rate 200] [--rr-seconds 20] [--settle-ms 5000] [--out bench/RESULTS.md] [--profile DIR]`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      players: { type: 'string' },
      contenders: { type: 'string' },
      processes: { type: 'string' },
      'connect-rate': { type: 'string' },
      'connect-window': { type: 'string' },
      'fanout-window': { type: 'string' },
      'fanout-rate': { type: 'string' },
      'rr-rate': { type: 'string' },
      'rr-seconds': { type: 'string' },
      'settle-ms': { type: 'string' },
      out: { type: 'string' },
      profile: { type: 'string' },
    },
    strict: true,
  });
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    throw new Error(`${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\nusage: ${USAGE}`);
  }
  const v = parsed.data;
  // --quick: a small fleet and short phases, for development on a shared machine.
  const quick = v.quick;
  return {
    quick,
    players: (v.players ?? (quick ? '200' : '2000,10000')).split(',').map(Number),
    contenders: [...new Set(v.contenders.split(','))] as ContenderName[],
    processes: v.processes,
    connectRate: v['connect-rate'] ?? (quick ? 200 : 500),
    connectWindow: v['connect-window'],
    fanoutWindow: v['fanout-window'],
    fanoutRate: v['fanout-rate'] ?? (quick ? 500 : 1000),
    rrRate: v['rr-rate'] ?? (quick ? 50 : 200),
    rrSeconds: v['rr-seconds'] ?? (quick ? 5 : 20),
    settleMs: quick ? Math.min(v['settle-ms'], 2_000) : v['settle-ms'],
    out: v.out ?? null,
    profileDir: v.profile ?? null,
  };
}
