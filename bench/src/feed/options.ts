import { parseArgs } from 'node:util';
import { z } from 'zod';

/**
 * Command-line flags of `npm run bench:feed`. The benchmark reads no environment variables; the
 * children get their configuration as a JSON argument.
 */
export interface FeedBenchOptions {
  quick: boolean;
  posts: number;
  owners: number;
  /** `?limit=` of the feed request (docs/product.md §3 default page size). */
  limit: number;
  connections: number;
  warmupSeconds: number;
  runSeconds: number;
  /** Measured runs per side, alternating reference / contender. */
  rounds: number;
  /** Length of each diagnostic run (the ladder and the instrumented api). */
  diagnoseSeconds: number;
  diagnose: boolean;
  /** Where the section goes; null prints it only (always null with --quick). */
  out: string | null;
  /** The shared machine: wait for the 1-minute load average to fall below this before measuring. */
  maxLoad: number;
  maxWaitMinutes: number;
}

export const USAGE = `npm run bench:feed -w @makapix/bench -- [--quick] [--posts 100000] [--owners 200] [--limit 50]
  [--connections 50] [--warmup 10] [--seconds 20] [--rounds 2] [--diagnose-seconds 10] [--no-diagnose]
  [--max-load 2.5] [--max-wait-minutes 20] [--out bench/RESULTS.md]`;

const count = z.coerce.number().int().positive();
const schema = z.object({
  quick: z.boolean().default(false),
  posts: count.optional(),
  owners: count.default(200),
  limit: count.max(200).default(50),
  connections: count.default(50),
  warmup: count.optional(),
  seconds: count.optional(),
  rounds: count.default(2),
  'diagnose-seconds': count.optional(),
  'no-diagnose': z.boolean().default(false),
  'max-load': z.coerce.number().positive().default(2.5),
  'max-wait-minutes': z.coerce.number().min(0).max(60).default(20),
  out: z.string().optional(),
});

export function parseOptions(argv: string[], defaultOut: string): FeedBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      posts: { type: 'string' },
      owners: { type: 'string' },
      limit: { type: 'string' },
      connections: { type: 'string' },
      warmup: { type: 'string' },
      seconds: { type: 'string' },
      rounds: { type: 'string' },
      'diagnose-seconds': { type: 'string' },
      'no-diagnose': { type: 'boolean' },
      'max-load': { type: 'string' },
      'max-wait-minutes': { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    throw new Error(`${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\nusage: ${USAGE}`);
  }
  const v = parsed.data;
  // --quick: 10k posts and 5 s runs for development; never written to RESULTS.md, no load wait.
  const quick = v.quick;
  return {
    quick,
    posts: v.posts ?? (quick ? 10_000 : 100_000),
    owners: v.owners,
    limit: v.limit,
    connections: v.connections,
    warmupSeconds: v.warmup ?? (quick ? 3 : 10),
    runSeconds: v.seconds ?? (quick ? 5 : 20),
    rounds: v.rounds,
    diagnoseSeconds: v['diagnose-seconds'] ?? (quick ? 5 : 10),
    diagnose: !v['no-diagnose'],
    out: quick ? null : (v.out ?? defaultOut),
    maxLoad: v['max-load'],
    maxWaitMinutes: quick ? 0 : v['max-wait-minutes'],
  };
}
