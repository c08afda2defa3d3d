import { allocateRedisDb } from '@makapix/devstack';
import { DEVICE_INBOX_STREAM, type DeviceInboxEntry, encodeDeviceInboxEntry, topics } from '@makapix/protocol';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DeviceInboxConsumer } from './consumer.ts';

// The consumer on its own (real Redis, handlers stubbed): entries are handled concurrently with a
// bound, one player's entries in stream order, and a slow entry never holds up other players'
// entries, not even ones that arrive after it (no head-of-line blocking).

let redis: Redis;
let flush: () => Promise<void>;

beforeAll(async () => {
  const db = await allocateRedisDb(inject('redisUrl'));
  flush = db.flush;
  redis = new Redis(db.url);
});
afterAll(async () => {
  redis?.disconnect();
  await flush?.();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function append(playerKey: string, n: number): Promise<void> {
  const fields = encodeDeviceInboxEntry({
    topic: topics.status(playerKey),
    payload: JSON.stringify({ status: 'online', firmware_version: String(n) }),
    source: 'publish',
    retain: false,
    qos: 1,
    clientId: `p3a-${playerKey}`,
    certSerial: 'abcdef01',
    brokerId: 'test-broker',
    receivedAt: new Date(),
  });
  await redis.xadd(DEVICE_INBOX_STREAM, '*', ...fields!);
}

describe('DeviceInboxConsumer concurrency', () => {
  it('keeps serving other players while one entry is slow; one player in order; never over the bound', async () => {
    const slowKey = crypto.randomUUID();
    const others = Array.from({ length: 8 }, () => crypto.randomUUID());
    const handled: { key: string; n: number; at: number }[] = [];
    const running = new Map<string, number>();
    let inFlight = 0;
    let maxInFlight = 0;
    let maxPerPlayer = 0;
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
    const consumer = new DeviceInboxConsumer({
      redis,
      consumerName: 'concurrency-test',
      claimIdleMs: 30_000,
      concurrency: 6,
      blockMs: 100,
      log: pino({ level: 'silent' }),
      handle: async (entry: DeviceInboxEntry) => {
        const n = Number(JSON.parse(entry.payload).firmware_version);
        inFlight++;
        running.set(entry.player_key, (running.get(entry.player_key) ?? 0) + 1);
        maxInFlight = Math.max(maxInFlight, inFlight);
        maxPerPlayer = Math.max(maxPerPlayer, running.get(entry.player_key)!);
        if (entry.player_key === slowKey && n === 0) await slowGate;
        else await sleep(5);
        running.set(entry.player_key, running.get(entry.player_key)! - 1);
        inFlight--;
        handled.push({ key: entry.player_key, n, at: Date.now() });
      },
    });
    await consumer.start();
    try {
      // The slow entry first, then its player's next entries, then (later) everyone else's.
      await append(slowKey, 0);
      await append(slowKey, 1);
      await append(slowKey, 2);
      await sleep(200);
      const sentAt = Date.now();
      for (let round = 0; round < 5; round++) for (const key of others) await append(key, round);
      const deadline = Date.now() + 5_000;
      while (handled.filter((h) => h.key !== slowKey).length < 40 && Date.now() < deadline) await sleep(10);

      // 40 entries of other players went through the 3 free slots while the slow player's 3 entries
      // (one running, two waiting their turn) held the others.
      expect(handled.filter((h) => h.key !== slowKey)).toHaveLength(40);
      expect(Math.max(...handled.map((h) => h.at)) - sentAt).toBeLessThan(3_000);
      // The slow player's later entries wait for it (stream order per player).
      expect(handled.filter((h) => h.key === slowKey)).toEqual([]);
      releaseSlow();
      while (handled.filter((h) => h.key === slowKey).length < 3 && Date.now() < deadline + 5_000) await sleep(10);
      expect(handled.filter((h) => h.key === slowKey).map((h) => h.n)).toEqual([0, 1, 2]);
      for (const key of others) expect(handled.filter((h) => h.key === key).map((h) => h.n)).toEqual([0, 1, 2, 3, 4]);
      expect(maxInFlight).toBeLessThanOrEqual(6);
      expect(maxInFlight).toBeGreaterThan(1);
      expect(maxPerPlayer).toBe(1);
    } finally {
      releaseSlow();
      await consumer.stop();
    }
  });
});
