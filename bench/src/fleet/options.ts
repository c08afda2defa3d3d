import { parseArgs } from 'node:util';
import { z } from 'zod';

const schema = z.object({
  count: z.coerce.number().int().min(1).max(20_000).default(10_000),
  minutes: z.coerce.number().positive().default(10),
  'ramp-per-sec': z.coerce.number().positive().default(100),
  'fanout-every-sec': z.coerce.number().positive().default(60),
  artworks: z.coerce.number().int().min(1).max(10_000).default(256),
  // Registrations in flight at once (each makes the api mint an RSA-2048 client certificate).
  'provision-concurrency': z.coerce.number().int().min(1).max(64).default(8),
  seed: z.coerce.number().int().default(12),
  'restart-broker': z.boolean().default(true),
  results: z.string().default('bench/RESULTS.md'),
});
export type FleetBenchOptions = z.infer<typeof schema>;

/** `npm run bench:fleet -- --count 10000 --minutes 10` (defaults: the issue 12 soak). */
export function parseOptions(argv: string[]): FleetBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      count: { type: 'string' }, minutes: { type: 'string' }, 'ramp-per-sec': { type: 'string' }, 'fanout-every-sec': { type: 'string' },
      artworks: { type: 'string' }, 'provision-concurrency': { type: 'string' }, seed: { type: 'string' }, 'restart-broker': { type: 'boolean' }, 'no-restart-broker': { type: 'boolean' }, results: { type: 'string' },
    },
  });
  const { 'no-restart-broker': noRestart, ...rest } = values;
  const parsed = schema.safeParse({ ...rest, ...(noRestart ? { 'restart-broker': false } : {}) });
  if (!parsed.success) throw new Error(`invalid options:\n${parsed.error.issues.map((i) => `  --${i.path.join('.')}: ${i.message}`).join('\n')}`);
  return parsed.data;
}
