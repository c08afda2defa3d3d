import { playerCommands, players, users } from '@makapix/db';
import { DEVICE_INBOX_GROUP, DEVICE_INBOX_STREAM, parsePlayerEvent, type PlayerEvent, playerEventsChannel, topics } from '@makapix/protocol';
import { eq, sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalHandle } from '@makapix/protocol';
import { createSharedStack, eventually, insertDevicePlayer, xaddInbox } from '../../../test/fixtures/device-plane.ts';
import type { TestApp } from '../../../test/helpers.ts';

// docs/architecture.md §1: every inbox entry is handled exactly once however many api processes
// consume the group, and none is lost when a consumer dies or a handler fails.

type Stack = Awaited<ReturnType<typeof createSharedStack>>;
let stack: Stack;

beforeAll(async () => {
  stack = await createSharedStack({ DEVICE_INBOX_CLAIM_IDLE_MS: '400' });
});
afterAll(async () => stack?.close());

async function newOwner(t: TestApp): Promise<number> {
  const handle = `o${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const [row] = await t.app.db
    .insert(users)
    .values({ email: `${handle}@example.test`, handle, handleCanonical: canonicalHandle(handle) })
    .returning({ id: users.id });
  return row!.id;
}

/** Counts the owner's live events of one type: one per handled message, so a duplicate shows. */
async function countEvents(t: TestApp, ownerId: number, type: PlayerEvent['type'] = 'status'): Promise<{ count: () => number; stop: () => Promise<void> }> {
  const sub: Redis = t.app.redis.duplicate();
  let n = 0;
  sub.on('message', (_c: string, raw: string) => {
    if (parsePlayerEvent(raw)?.type === type) n++;
  });
  await sub.subscribe(playerEventsChannel(ownerId));
  return { count: () => n, stop: async () => void (await sub.quit()) };
}

const pendingCount = async (t: TestApp) => Number(((await t.app.redis.xpending(DEVICE_INBOX_STREAM, DEVICE_INBOX_GROUP)) as unknown[])[0]);
/** Entries not yet delivered to any consumer of the group. */
async function streamLag(t: TestApp): Promise<number> {
  const groups = (await t.app.redis.xinfo('GROUPS', DEVICE_INBOX_STREAM)) as unknown[][];
  const group = groups.find((g) => g[g.indexOf('name') + 1] === DEVICE_INBOX_GROUP)!;
  return Number(group[group.indexOf('lag') + 1]);
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 1_500));

describe('device inbox consumer group', () => {
  it('two api instances on one Redis and database handle each of 200 messages exactly once', async () => {
    const a = await stack.start();
    const b = await stack.start();
    const ownerId = await newOwner(a);
    const devices = await Promise.all(Array.from({ length: 20 }, () => insertDevicePlayer(a, ownerId)));
    // Every ack of a logged command tells the owner once: the live events count the handlings.
    const commands = devices.flatMap((p) => Array.from({ length: 10 }, () => ({ commandId: crypto.randomUUID(), playerId: p.id, commandType: 'swap_next' as const })));
    await a.app.db.insert(playerCommands).values(commands);
    const keyOf = new Map(devices.map((p) => [p.id, p.playerKey]));
    const events = await countEvents(a, ownerId, 'command_ack');
    try {
      for (const [i, c] of commands.entries()) {
        await xaddInbox(i % 2 ? a : b, topics.commandAck(keyOf.get(c.playerId)!), { command_id: c.commandId, status: 'ok', error: null });
      }
      await eventually(async () => events.count() >= 200, 20_000, '200 command_ack events');
      await settle();
      expect(events.count()).toBe(200);
      expect(await pendingCount(a)).toBe(0);
      const acked = await a.app.db.select({ ackStatus: playerCommands.ackStatus }).from(playerCommands);
      expect(acked.filter((r) => r.ackStatus === 'ok')).toHaveLength(200);
      // A consumer appears in the group once it has read an entry: both instances did work.
      const consumers = (await a.app.redis.xinfo('CONSUMERS', DEVICE_INBOX_STREAM, DEVICE_INBOX_GROUP)) as unknown[];
      expect(consumers).toHaveLength(2);
    } finally {
      await events.stop();
    }

    // Snapshots of one player may be handled by either instance; the newest (in stream order) wins.
    for (let i = 0; i < 100; i++) {
      await xaddInbox(a, topics.status(devices[i % 10]!.playerKey), { status: 'online', firmware_version: `fw-${i}` });
    }
    await eventually(async () => (await pendingCount(a)) === 0 && (await streamLag(a)) === 0, 20_000, 'status messages handled');
    for (const [j, p] of devices.slice(0, 10).entries()) {
      const [row] = await a.app.db.select({ fw: players.firmwareVersion }).from(players).where(eq(players.id, p.id));
      expect(row?.fw).toBe(`fw-${90 + j}`);
    }
    await a.close();
    await b.close();
  });

  it('entries a dead consumer had taken are reclaimed by a live one and handled once', async () => {
    // The inbox is off in this instance: it only seeds rows and stream entries.
    const seed = await stack.start({ DEVICE_INBOX_ENABLED: 'false' });
    const ownerId = await newOwner(seed);
    const p = await insertDevicePlayer(seed, ownerId);
    for (let i = 0; i < 30; i++) await xaddInbox(seed, topics.status(p.playerKey), { status: 'online', firmware_version: `dead-${i}` });
    // A consumer reads everything and dies before acknowledging anything.
    const took = (await seed.app.redis.xreadgroup('GROUP', DEVICE_INBOX_GROUP, 'crashed-api', 'COUNT', 1000, 'STREAMS', DEVICE_INBOX_STREAM, '>')) as [string, unknown[]][] | null;
    expect(took?.[0]?.[1].length).toBe(30);
    const events = await countEvents(seed, ownerId);
    try {
      const live = await stack.start();
      await eventually(async () => events.count() >= 30, 20_000, 'reclaimed entries handled');
      await settle();
      expect(events.count()).toBe(30);
      expect(await pendingCount(seed)).toBe(0);
      const [row] = await seed.app.db.select({ fw: players.firmwareVersion }).from(players).where(eq(players.id, p.id));
      expect(row?.fw).toBe('dead-29');
      await live.close();
    } finally {
      await events.stop();
      await seed.close();
    }
  });

  it('a failing handler leaves the entry pending; it is retried and handled once the failure is over', async () => {
    const t = await stack.start();
    const ownerId = await newOwner(t);
    const p = await insertDevicePlayer(t, ownerId);
    const events = await countEvents(t, ownerId);
    try {
      await t.app.db.execute(sql`alter table players rename to players_away`);
      try {
        await xaddInbox(t, topics.status(p.playerKey), { status: 'online', firmware_version: 'retry' });
        await eventually(async () => (await pendingCount(t)) === 1, 10_000, 'entry pending after a failure');
        // Long enough for a retry or two (claim idle 400 ms), short of the 5 deliveries that drop it.
        await new Promise((resolve) => setTimeout(resolve, 700));
        expect(events.count()).toBe(0);
      } finally {
        await t.app.db.execute(sql`alter table players_away rename to players`);
      }
      await eventually(async () => events.count() === 1, 20_000, 'retried entry handled');
      expect(await pendingCount(t)).toBe(0);
    } finally {
      await events.stop();
      await t.close();
    }
  });

  it('malformed entries and invalid JSON never stop the consumer', async () => {
    const t = await stack.start();
    const ownerId = await newOwner(t);
    const p = await insertDevicePlayer(t, ownerId);
    const events = await countEvents(t, ownerId);
    try {
      await t.app.redis.xadd(DEVICE_INBOX_STREAM, '*', 'topic', 'makapix/player/nope/status', 'payload', '{}');
      await t.app.redis.xadd(DEVICE_INBOX_STREAM, '*', 'garbage', 'only');
      for (const payload of ['', '{', 'null', '[]', '"online"', '{"status":"online","current_post_id":"x"}']) {
        await xaddInbox(t, topics.status(p.playerKey), payload);
        await xaddInbox(t, topics.capabilities(p.playerKey), payload);
        await xaddInbox(t, topics.state(p.playerKey), payload);
        await xaddInbox(t, topics.commandAck(p.playerKey), payload);
        await xaddInbox(t, topics.view(p.playerKey), payload);
      }
      await xaddInbox(t, topics.status(p.playerKey), { status: 'online' });
      await eventually(async () => events.count() === 1, 10_000, 'valid message after garbage');
      await eventually(async () => (await pendingCount(t)) === 0);
    } finally {
      await events.stop();
      await t.close();
    }
  });

  it('DEVICE_INBOX_ENABLED=false starts no consumer; a consumer that closes leaves the group', async () => {
    const off = await stack.start({ DEVICE_INBOX_ENABLED: 'false' });
    const redis = off.app.redis;
    await redis.xgroup('CREATE', DEVICE_INBOX_STREAM, DEVICE_INBOX_GROUP, '0', 'MKSTREAM').catch(() => undefined);
    const consumers = async () => ((await redis.xinfo('CONSUMERS', DEVICE_INBOX_STREAM, DEVICE_INBOX_GROUP)) as unknown[]).length;
    const lastDelivered = async () => {
      const groups = (await redis.xinfo('GROUPS', DEVICE_INBOX_STREAM)) as unknown[][];
      const group = groups.find((g) => g[g.indexOf('name') + 1] === DEVICE_INBOX_GROUP)!;
      return String(group[group.indexOf('last-delivered-id') + 1]);
    };
    const before = await consumers();
    const id = await xaddInbox(off, topics.status(crypto.randomUUID()), { status: 'online' });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await lastDelivered()).not.toBe(id);

    const on = await stack.start();
    await eventually(async () => (await lastDelivered()) === id && (await pendingCount(off)) === 0, 10_000, 'entry handled');
    expect(await consumers()).toBe(before + 1);
    await on.close();
    expect(await consumers()).toBe(before);
    await off.close();
  });
});
