import { createDb, migrateDb } from '@makapix/db';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

type DbHandle = ReturnType<typeof createDb>;

declare module 'fastify' {
  interface FastifyInstance {
    db: DbHandle['db'];
    pg: DbHandle['pool'];
  }
}

/** PostgreSQL through drizzle; migrations are applied on start unless disabled (SPEC.md §7). */
export const dbPlugin = fp<{ url: string; poolMax: number; migrate: boolean }>(async (app: FastifyInstance, opts) => {
  if (opts.migrate) await migrateDb(opts.url);
  const handle = createDb(opts.url, { max: opts.poolMax, onIdleError: (err) => app.log.warn({ err }, 'idle PostgreSQL client error') });
  app.decorate('db', handle.db);
  app.decorate('pg', handle.pool);
  app.addHook('onClose', async () => handle.close());
});
