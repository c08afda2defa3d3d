import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

/** The committed SQL migrations, found relative to this module so any working directory works. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../drizzle', import.meta.url));

// Arbitrary constant shared by every process migrating the same database (advisory locks are
// per database, so test databases on one server do not contend).
const MIGRATION_LOCK_KEY = 7_268_540_113_001n;

/**
 * Applies every pending migration. Safe to call from several processes at once (api and worker
 * start together): one holds a session advisory lock while the others wait, then find nothing to do.
 */
export async function migrateDb(url: string): Promise<void> {
  // One dedicated connection: a session-level advisory lock belongs to the connection that took it,
  // and drizzle's migrator runs its transaction on the same client.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Extensions and migrations print NOTICEs (e.g. "schema drizzle already exists"); they are noise here.
    client.on('notice', () => {});
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    try {
      await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
    }
  } finally {
    await client.end();
  }
}
