import { randomUUID } from 'node:crypto';
import { createDb, type DbHandle, players, users } from '@makapix/db';
import { createTestDatabase, type TestDatabase } from '@makapix/db/test-helpers';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { prepareAccessQuery } from '../src/player-access.ts';

// Issue 14: the CONNECT check runs for every device connection, so PostgreSQL must keep its plan
// (a generic plan after five executions) instead of planning each connect. pg_prepared_statements
// is per session: one pooled connection.

let database: TestDatabase;
let handle: DbHandle;

beforeAll(async () => {
  database = await createTestDatabase(inject('databaseUrl'));
  handle = createDb(database.url, { max: 1 });
});

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

it('keeps a generic plan for the CONNECT check', async () => {
  const [owner] = await handle.db.insert(users).values({ email: 'plan@example.test', handle: 'planowner', handleCanonical: 'planowner' }).returning();
  const playerKey = randomUUID();
  await handle.db.insert(players).values({ playerKey, ownerId: owner!.id, name: 'Plan player', registeredAt: new Date(), certSerial: 'ab01' });
  const query = prepareAccessQuery(handle);
  for (let i = 0; i < 8; i++) {
    const [row] = await query.execute({ playerKey, serial: 'ab01' });
    expect(row?.certSerial).toBe('ab01');
  }
  const { rows } = await handle.db.execute<{ generic_plans: string; custom_plans: string }>(
    sql`select generic_plans, custom_plans from pg_prepared_statements where name = 'broker_player_access'`,
  );
  expect(rows).toHaveLength(1);
  expect(Number(rows[0]!.custom_plans)).toBeLessThanOrEqual(5);
  expect(Number(rows[0]!.generic_plans)).toBeGreaterThanOrEqual(3);
});
