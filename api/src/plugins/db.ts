import { createDb, migrateDb, openConnections } from '@makapix/db';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

type DbHandle = ReturnType<typeof createDb>;

declare module 'fastify' {
  interface FastifyInstance {
    db: DbHandle['db'];
    pg: DbHandle['pool'];
  }
}

/**
 * PostgreSQL through drizzle; migrations are applied on start unless disabled (docs/product.md §7).
 *
 * `poolMin` connections are opened at start and kept open however idle. Every device message runs a
 * query, and a connection opened on demand (a PostgreSQL backend start: 100–300 ms on a busy host)
 * delays every query queued behind it: the first burst after a start, or after a quiet spell in
 * which node-postgres closed its idle connections, would otherwise pay that in its tail latency.
 */
export const dbPlugin = fp<{ url: string; poolMax: number; poolMin: number; migrate: boolean }>(async (app: FastifyInstance, opts) => {
  if (opts.migrate) await migrateDb(opts.url);
  const handle = createDb(opts.url, {
    max: opts.poolMax,
    min: opts.poolMin,
    onIdleError: (err) => app.log.warn({ err }, 'idle PostgreSQL client error'),
  });
  // Not awaited: an unreachable database must not hold up the start (queries report it instead).
  openConnections(handle.pool, opts.poolMin).catch((err: unknown) =>
    app.log.warn({ err }, 'could not open the PostgreSQL pool connections ahead of use'),
  );
  app.decorate('db', handle.db);
  app.decorate('pg', handle.pool);
  app.addHook('onClose', async () => handle.close());
});
