import { players } from '@makapix/db';
import { type JobContext, markStalePlayersOfflineJob } from '@makapix/testbed/worker';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { createPlayerTestApp, type PlayerTestApp, waitFor } from '../../../test/fixtures/players.ts';
import { openEventStream } from '../../../test/fixtures/sse.ts';

// docs/product.md §5 / docs/device-protocol.md §4: a player silent for 3 minutes is offline, and its owner sees it go
// offline live. The worker's sweep runs in-process here (its real handler, on this app's database
// and Redis) while the owner's browser holds `GET /api/v1/players/events` open.

describe('stale players going offline, as the owner sees it', () => {
  let t: PlayerTestApp;
  let base: string;
  let owner: TestMember;
  beforeAll(async () => {
    t = await createPlayerTestApp();
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    owner = await createMember(t);
  });
  afterAll(async () => t?.close());

  it('the worker’s sweep shows on the owner’s live stream as a status offline event', async () => {
    const key = crypto.randomUUID();
    await t.app.db.insert(players).values({
      playerKey: key,
      ownerId: owner.id,
      name: 'Attic',
      registeredAt: new Date(),
      status: 'online',
      firmwareVersion: '2.1.0',
      lastSeenAt: sql`now() - interval '4 minutes'`,
    });
    const stream = openEventStream(`${base}/api/v1/players/events`, owner.auth);
    expect((await stream.response).status).toBe(200);
    await waitFor(() => stream.events.some((e) => e.event === 'ready'), 3000, 'ready');
    try {
      const ctx = { db: t.app.db, redis: t.app.redis, log: t.app.log, logger: t.app.log } as unknown as JobContext;
      expect(await markStalePlayersOfflineJob.handle({ staleAfterMs: 180_000 }, ctx)).toMatchObject({ markedOffline: 1, announced: 1 });
      const got = await waitFor(() => stream.events.find((e) => e.event === 'status'), 2000, 'the status event');
      expect(JSON.parse(got.data)).toMatchObject({ playerId: key, data: { status: 'offline', firmwareVersion: '2.1.0', currentPostId: null } });
      const owned = await t.app.inject({ method: 'GET', url: `/api/v1/players/${key}`, headers: owner.auth });
      expect(owned.json().status).toBe('offline');
    } finally {
      stream.close();
    }
  });
});
