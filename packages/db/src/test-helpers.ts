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
  } catch (error) {
    await testDatabase.drop();
    throw error;
  }
  return testDatabase;
}
