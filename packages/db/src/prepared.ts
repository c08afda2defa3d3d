import { type Placeholder, sql } from 'drizzle-orm';
import type { Database } from './client.ts';

/**
 * Helpers for the hot statements that run as named prepared statements (`.prepare(name)`).
 *
 * PostgreSQL plans a prepared statement five times with its parameter values (custom plans), then
 * keeps one generic plan if that plan is not costlier than the custom ones. A generic plan knows
 * nothing of the parameters, so anything the planner must see to pick the right plan has to be in
 * the SQL text itself:
 * - constants that select a partial index (`state = 'ready'`, `non_conformant = false`) — written
 *   as literals, never bound (drizzle's `eq(column, value)` binds its value);
 * - the LIMIT — a parameter makes the planner assume a tenth of the table, and with it a sort or a
 *   hash join instead of an index walk that stops early. drizzle binds `.limit(n)` as a parameter.
 */

/** Page sizes each prepared list statement exists for (1 ≤ limit ≤ 200, docs/product.md §3): at most five plans each. */
export const LIMIT_BUCKETS = [10, 20, 50, 100, 200] as const;
export type LimitBucket = (typeof LIMIT_BUCKETS)[number];

/** The smallest bucket that holds `rows` rows (a statement then fetches its bucket and the caller slices). */
export function limitBucket(rows: number): LimitBucket {
  for (const b of LIMIT_BUCKETS) if (rows <= b) return b;
  throw new RangeError(`no prepared statement fetches ${rows} rows (at most ${LIMIT_BUCKETS[LIMIT_BUCKETS.length - 1]})`);
}

/**
 * `.limit(literalLimit(n))` renders `limit n` in the SQL text instead of `limit $k`. drizzle's
 * `limit()` renders whatever SQL chunk it gets in place (pg-core dialect `buildSelectQuery`), and is
 * typed for a number or a placeholder only; the chunk is a raw integer, so nothing is injected.
 */
export function literalLimit(n: number): Placeholder {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`a LIMIT is a non-negative integer, not ${n}`);
  return sql.raw(String(n)) as unknown as Placeholder;
}

/**
 * One set of prepared statements per database handle, built on first use: statement objects are
 * built once by drizzle, and PostgreSQL prepares each by name once per pooled connection.
 */
export function preparedPerDb<T>(build: (db: Database) => T): (db: Database) => T {
  const cache = new WeakMap<Database, T>();
  return (db) => {
    let prepared = cache.get(db);
    if (prepared === undefined) {
      prepared = build(db);
      cache.set(db, prepared);
    }
    return prepared;
  };
}
