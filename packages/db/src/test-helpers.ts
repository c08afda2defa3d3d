import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateDb } from './migrate.ts';

export interface TestDatabase {
  /** Connection URL of the fresh, migrated database. */
  url: string;
  /** Drops the database, disconnecting any client still attached. */
  drop(): Promise<void>;
}

async function withAdmin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a uniquely named database on the server behind `adminUrl` and migrates it, so every
 * integration test file works on its own isolated schema and data.
 */
export async function createTestDatabase(adminUrl: string): Promise<TestDatabase> {
  // The `t_` prefix is what the vitest global setup sweeps up after a killed run.
  const name = `t_${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
  // Identifier built only from [a-z0-9_], so quoting it is enough.
  await withAdmin(adminUrl, (client) => client.query(`create database "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const testDatabase: TestDatabase = {
    url: url.toString(),
    async drop() {
      await withAdmin(adminUrl, (client) => client.query(`drop database if exists "${name}" with (force)`));
    },
  };
  try {
    await migrateDb(testDatabase.url);
    await offsetIdentities(testDatabase.url);
  } catch (error) {
    await testDatabase.drop();
    throw error;
  }
  return testDatabase;
}

/**
 * Starts every identity sequence of a test database at its own random offset. Test files run in
 * parallel against one Redis server, whose pub/sub channels (notifications, player events) are
 * keyed by user id and shared across logical databases: without offsets, user 1 of one file would
 * receive the events of user 1 of another.
 */
async function offsetIdentities(url: string): Promise<void> {
  const offset = (1 + Math.floor(Math.random() * 4000)) * 100_000;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `select setval(c.oid, $1) from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'S' and n.nspname = 'public'`,
      [offset],
    );
  } finally {
    await client.end();
  }
}
