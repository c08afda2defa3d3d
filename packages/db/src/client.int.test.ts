import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, type DbHandle, openConnections } from './client.ts';
import { createTestDatabase, type TestDatabase } from './test-helpers.ts';

// Provided by the root global setup (see schema.int.test.ts).
declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

describe('openConnections', () => {
  let database: TestDatabase;
  let handle: DbHandle;

  beforeAll(async () => {
    database = await createTestDatabase(inject('databaseUrl'));
    handle = createDb(database.url, { max: 5, min: 3 });
  });

  afterAll(async () => {
    await handle.close();
    await database.drop();
  });

  it('opens that many connections up front and leaves them idle in the pool', async () => {
    expect(handle.pool.totalCount).toBe(0);
    await openConnections(handle.pool, 3);
    expect(handle.pool.totalCount).toBe(3);
    expect(handle.pool.idleCount).toBe(3);
    // Queries use the open connections instead of opening new ones.
    await Promise.all([1, 2, 3].map((n) => handle.pool.query('select $1::int as n', [n])));
    expect(handle.pool.totalCount).toBe(3);
  });
});
