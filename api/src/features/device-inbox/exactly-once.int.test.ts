import { reactions } from '@makapix/db';
import { DEVICE_INBOX_GROUP, DEVICE_INBOX_STREAM, topics } from '@makapix/protocol';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember } from '../../../test/fixtures/accounts.ts';
import { ask, createSharedStack, eventually, inboxEntry, insertArtwork, insertDevicePlayer, xaddInbox } from '../../../test/fixtures/device-plane.ts';
import { startTestBroker, type TestBroker } from '@makapix/testbed';
import type { TestApp } from '../../../test/helpers.ts';
import { CLAIM_LEASE_MS, CLAIM_PREFIX, requestCacheKey } from '../device-requests/idempotency.ts';
import { handleInboxEntry } from './service.ts';

// docs/device-protocol.md §5 (ours) across api processes: a request id is executed at most once and answered
// at least once, on `response/{id}`, however many processes consume the inbox and even when the
// process that started it dies. Responses are watched on a real broker.

let stack: Awaited<ReturnType<typeof createSharedStack>>;
let broker: TestBroker;
let watch: Awaited<ReturnType<TestBroker['watch']>>;

beforeAll(async () => {
  stack = await createSharedStack({ DEVICE_INBOX_CLAIM_IDLE_MS: '400' });
  broker = await startTestBroker(stack);
  watch = await broker.watch('makapix/player/+/response/+');
}, 120_000);
afterAll(async () => {
  await watch?.close();
  await broker?.stop();
  await stack?.close();
});

async function startApi(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await stack.start({ ...broker.apiEnv, ...env });
  await eventually(async () => t.app.mqtt.connected, 10_000, 'api connected to the broker');
  return t;
}

const rid = () => crypto.randomUUID().replace(/-/g, '');
const responsesOn = (key: string, requestId: string) => (watch.messages.get(topics.response(key, requestId)) ?? []).map((m) => JSON.parse(m) as Record<string, unknown>);
const pendingCount = async (t: TestApp) => Number(((await t.app.redis.xpending(DEVICE_INBOX_STREAM, DEVICE_INBOX_GROUP)) as unknown[])[0]);
const settle = () => new Promise((resolve) => setTimeout(resolve, 1_500));

describe('request ids across api processes', () => {
  it('a claim left by a crashed process lapses after its lease; the reclaimed entry runs and is answered once', async () => {
    const seed = await startApi({ DEVICE_INBOX_ENABLED: 'false' });
    const owner = await createMember(seed);
    const p = await insertDevicePlayer(seed, owner.id);
    const requestId = rid();
    // The group as the first consumer creates it (none has run on this Redis yet).
    await seed.app.redis.xgroup('CREATE', DEVICE_INBOX_STREAM, DEVICE_INBOX_GROUP, '0', 'MKSTREAM');
    await xaddInbox(seed, topics.request(p.playerKey, requestId), { request_id: requestId, request_type: 'echo', player_key: p.playerKey, echo_data: 'still there?' });
    // A process read the entry, claimed the id and died: the entry stays pending, the claim stays
    // in Redis exactly as a live holder leaves it until it stops renewing.
    const took = (await seed.app.redis.xreadgroup('GROUP', DEVICE_INBOX_GROUP, 'crashed-api', 'COUNT', 10, 'STREAMS', DEVICE_INBOX_STREAM, '>')) as [string, unknown[]][] | null;
    expect(took?.[0]?.[1]).toHaveLength(1);
    const claimedAt = Date.now();
    await seed.app.redis.set(requestCacheKey(p.playerKey, requestId), `${CLAIM_PREFIX}crashed-api`, 'PX', CLAIM_LEASE_MS);

    const live = await startApi();
    await eventually(async () => responsesOn(p.playerKey, requestId).length > 0, CLAIM_LEASE_MS + 10_000, 'the answer');
    // The live claim was respected (nothing ran before it lapsed), then the request ran.
    expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(CLAIM_LEASE_MS - 200);
    await settle();
    expect(responsesOn(p.playerKey, requestId)).toEqual([
      { request_id: requestId, success: true, echo_data: 'still there?', received_at: expect.any(String) },
    ]);
    await eventually(async () => (await pendingCount(seed)) === 0, 5_000, 'entry acknowledged');
    await live.close();
    await seed.close();
  }, 40_000);

  it('two processes on one stream answer each of 100 requests exactly once', async () => {
    const a = await startApi();
    const b = await startApi();
    const owner = await createMember(a);
    const artist = await createMember(a);
    const arts = await Promise.all(Array.from({ length: 25 }, () => insertArtwork(a, artist.id)));
    const devices = await Promise.all(Array.from({ length: 25 }, () => insertDevicePlayer(a, owner.id)));
    const sent: { key: string; requestId: string; type: string }[] = [];
    for (const [i, d] of devices.entries()) {
      const art = arts[i]!;
      const bodies = [
        { request_type: 'echo', echo_data: `hi ${i}` },
        { request_type: 'get_post', post_id: art.id },
        { request_type: 'get_post', post_id: arts[(i + 1) % arts.length]!.id },
        { request_type: 'submit_reaction', post_id: art.id, emoji: '🔥' },
      ];
      for (const body of bodies) {
        const requestId = rid();
        sent.push({ key: d.playerKey, requestId, type: body.request_type });
        await xaddInbox(i % 2 ? a : b, topics.request(d.playerKey, requestId), { request_id: requestId, player_key: d.playerKey, ...body });
      }
    }
    expect(sent).toHaveLength(100);
    await eventually(async () => sent.every((s) => responsesOn(s.key, s.requestId).length > 0), 30_000, '100 responses');
    await settle();
    for (const s of sent) {
      const got = responsesOn(s.key, s.requestId);
      expect(got, `${s.type} ${s.requestId}`).toHaveLength(1);
      expect(got[0]).toMatchObject({ request_id: s.requestId, success: true });
    }
    expect(await pendingCount(a)).toBe(0);
    // Each reaction once, as the owner, on its own artwork.
    const mine = await a.app.db.select({ postId: reactions.postId }).from(reactions).where(and(eq(reactions.userId, owner.id), eq(reactions.emoji, '🔥')));
    expect(mine.map((r) => r.postId).sort((x, y) => x - y)).toEqual(arts.map((art) => art.id).sort((x, y) => x - y));
    const consumers = (await a.app.redis.xinfo('CONSUMERS', DEVICE_INBOX_STREAM, DEVICE_INBOX_GROUP)) as unknown[];
    expect(consumers.length).toBeGreaterThanOrEqual(2);
    await a.close();
    await b.close();
  }, 60_000);

  it('the same request id delivered to two processes at once runs once; both deliveries publish the same answer', async () => {
    // Deliveries are handed to the handlers directly, so both really run at the same time.
    const a = await startApi({ DEVICE_INBOX_ENABLED: 'false' });
    const b = await startApi({ DEVICE_INBOX_ENABLED: 'false' });
    const owner = await createMember(a);
    const artist = await createMember(a);
    const art = await insertArtwork(a, artist.id);
    const p = await insertDevicePlayer(a, owner.id);
    const settings = { vaultBaseUrl: a.config.vault.publicBaseUrl };
    const deliverTwice = async (requestId: string, body: Record<string, unknown>) => {
      const entry = inboxEntry(topics.request(p.playerKey, requestId), { request_id: requestId, player_key: p.playerKey, ...body });
      await Promise.all([handleInboxEntry(a.app, entry, '1-1', settings), handleInboxEntry(b.app, entry, '1-2', settings)]);
      await eventually(async () => responsesOn(p.playerKey, requestId).length >= 2, 10_000, 'both answers');
      await settle();
      return responsesOn(p.playerKey, requestId);
    };

    const echoId = rid();
    const echoes = await deliverTwice(echoId, { request_type: 'echo', echo_data: 'once' });
    expect(echoes).toHaveLength(2);
    expect(echoes[1]).toEqual(echoes[0]);
    expect(echoes[0]).toMatchObject({ request_id: echoId, success: true, echo_data: 'once' });
    // echo is limited to 10 per minute per player (§5): one execution leaves exactly 9 more.
    for (let i = 0; i < 9; i++) expect((await ask(a, p.playerKey, { request_type: 'echo', echo_data: `n${i}` })).success).toBe(true);
    expect(await ask(a, p.playerKey, { request_type: 'echo', echo_data: 'over' })).toMatchObject({ error_code: 'rate_limit_exceeded' });

    const reactId = rid();
    const reacted = await deliverTwice(reactId, { request_type: 'submit_reaction', post_id: art.id, emoji: '🎉' });
    expect(reacted).toEqual([
      { request_id: reactId, success: true, error: null },
      { request_id: reactId, success: true, error: null },
    ]);
    expect(await a.app.db.select().from(reactions).where(and(eq(reactions.postId, art.id), eq(reactions.userId, owner.id)))).toHaveLength(1);
    await a.close();
    await b.close();
  }, 60_000);
});
