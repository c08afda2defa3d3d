import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Database = NodePgDatabase<Schema>;
/** A database handle or an open transaction: repos accept either, so callers choose the boundary. */
export type DbOrTx = Database | Parameters<Parameters<Database['transaction']>[0]>[0];

export interface DbHandle {
  db: Database;
  pool: pg.Pool;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** Pool size; node-postgres defaults to 10. */
  max?: number;
  /**
   * Connections kept open however idle (node-postgres closes the others after 10 s idle); see
   * `openConnections` for opening them up front.
   */
  min?: number;
  /** Told about errors of idle pooled connections (server restart, dropped database). */
  onIdleError?: (err: Error) => void;
}

/** Opens a connection pool and a drizzle instance over the whole schema. */
export function createDb(url: string, options: CreateDbOptions = {}): DbHandle {
  const pool = new pg.Pool({
    connectionString: url,
    ...(options.max === undefined ? {} : { max: options.max }),
    ...(options.min === undefined ? {} : { min: options.min }),
  });
  // An idle client whose connection dies makes the pool emit 'error'; unhandled, that would crash
  // the process. The pool already discards the client, so reporting it is all that is left to do.
  pool.on('error', (err) => options.onIdleError?.(err));
  const db = drizzle({ client: pool, schema });
  let closing: Promise<void> | undefined;
  return {
    db,
    pool,
    close() {
      closing ??= pool.end();
      return closing;
    },
  };
}

/**
 * Opens `count` pooled connections now (they go back to the pool idle). Opening one costs a backend
 * start, authentication and a cold catalog cache in PostgreSQL: tens of milliseconds, hundreds on a
 * busy host, paid by the queries waiting for it. A process that serves latency-sensitive traffic
 * right after start pays it at start instead.
 */
export async function openConnections(pool: pg.Pool, count: number): Promise<void> {
  // All `connect` calls are made at once, so each one opens a connection of its own (up to the pool
  // size) even though each is released as soon as it is open, for queries already waiting.
  await Promise.all(Array.from({ length: count }, async () => (await pool.connect()).release()));
}
