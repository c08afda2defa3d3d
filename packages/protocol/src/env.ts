import { z } from 'zod';

/**
 * The building blocks every process's config parser (`config.ts`, the only reader of
 * `process.env`) shares, so a boolean, a port or a list reads the same in every service and a bad
 * environment fails the same way: at start, listing every problem at once.
 */

/** `true`/`false`/`1`/`0`; anything else is refused rather than guessed. */
export const envBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** A comma-separated list; blanks around and between commas are dropped. */
export const envList = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

/** An integer (counts, byte sizes, durations in ms); chain `.min()`/`.max()` for its range. */
export const envInt = () => z.coerce.number().int();

/** An integer above zero (timeouts, intervals, limits). */
export const envPositiveInt = () => z.coerce.number().int().positive();

/** A TCP port; 0 asks the OS for a free one (tests), chain `.min(1)` where that makes no sense. */
export const envPort = () => z.coerce.number().int().min(0).max(65535);

/** Empty counts as unset: deployment files often pass `VAR=` through for optional settings. */
export const envOptional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** A URL string whose scheme matches, e.g. `envUrl(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')`. */
export const envUrl = (schemes: RegExp, hint: string) => z.string().regex(schemes, hint);

export const envNodeEnv = z.enum(['development', 'test', 'production']);
export const envLogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
export const envLogFormat = z.enum(['json', 'pretty']);

/**
 * Parses a process's environment with its schema; on failure throws one error naming the process
 * and listing every problem, one `  VAR: message` line each.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>, processName: string): z.output<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
  throw new Error(`invalid ${processName} configuration:\n${problems}`);
}
