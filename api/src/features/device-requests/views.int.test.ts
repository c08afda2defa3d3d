import { artworkImpressions, artworkViews, deviceViewEvents, users } from '@makapix/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { insertArtwork, insertDevicePlayer } from '../../../test/fixtures/device-plane.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';
import { recordMqttView } from './views.ts';

// docs/device-protocol.md §7: the view pipeline, branch by branch (MQTT entry point; HTTPS shares recordView).

let t: TestApp;
let owner: TestMember;
let artist: TestMember;

beforeAll(async () => {
  t = await createTestApp();
  owner = await createMember(t);
  artist = await createMember(t);
});
afterAll(async () => t?.close());

let second = 0;
/** A fresh device timestamp per call, so only deliberate repeats are duplicates. */
const stamp = () => new Date(Date.UTC(2025, 2, 1, 10, 0, 0) + ++second * 1000).toISOString();

function view(playerKey: string, postId: number, extra: Record<string, unknown> = {}) {
  return {
    post_id: postId,
    timestamp: stamp(),
    timezone: '',
    intent: 'artwork',
    play_order: 0,
    channel: 'all',
    player_key: playerKey,
    request_ack: true,
    ...extra,
  };
}

const send = (key: string, body: unknown) => recordMqttView(t.app, key, typeof body === 'string' ? body : JSON.stringify(body));
const viewsOf = (postId: number) => t.app.db.select().from(artworkViews).where(eq(artworkViews.postId, postId));
const eventsOf = (postId: number) => t.app.db.select().from(deviceViewEvents).where(eq(deviceViewEvents.postId, postId));
const impressionsOf = async (postId: number) =>
  (await t.app.db.select().from(artworkImpressions).where(eq(artworkImpressions.postId, postId))).reduce((n, r) => n + r.count, 0);
const newPlayer = async (ownerId = owner.id) => (await insertDevicePlayer(t, ownerId)).playerKey;

describe('device views', () => {
  it('invalid payloads are dropped: no ack unless asked for, nothing stored', async () => {
    const key = await newPlayer();
    const art = await insertArtwork(t, artist.id);
    expect(await send(key, '{not json')).toBeNull();
    expect(await send(key, { ...view(key, art.id), intent: 'stare' })).toEqual({ success: false, error: expect.any(String), error_code: 'invalid_request' });
    expect(await send(key, { ...view(key, art.id), timestamp: 'yesterday', request_ack: false })).toBeNull();
    expect(await eventsOf(art.id)).toHaveLength(0);
  });

  it('player_key must equal the topic key', async () => {
    const key = await newPlayer();
    const other = await newPlayer();
    const art = await insertArtwork(t, artist.id);
    expect(await send(key, view(other, art.id))).toMatchObject({ success: false, error_code: 'player_key_mismatch' });
    expect(await eventsOf(art.id)).toHaveLength(0);
  });

  it('the player must be registered and owned, its owner active', async () => {
    const art = await insertArtwork(t, artist.id);
    const unregistered = (await insertDevicePlayer(t, null)).playerKey;
    expect(await send(unregistered, view(unregistered, art.id))).toMatchObject({ success: false, error_code: 'authentication_failed' });
    const banned = await createMember(t);
    await t.app.db.update(users).set({ bannedUntil: new Date(Date.now() + 60_000) }).where(eq(users.id, banned.id));
    const bannedKey = await newPlayer(banned.id);
    expect(await send(bannedKey, view(bannedKey, art.id))).toMatchObject({ success: false, error_code: 'authentication_failed' });
    expect(await viewsOf(art.id)).toHaveLength(0);
  });

  it('intent artwork counts one Artwork View per owner per post per UTC day, for the owner', async () => {
    const art = await insertArtwork(t, artist.id);
    const key = await newPlayer();
    expect(await send(key, view(key, art.id))).toEqual({ success: true });
    const today = new Date().toISOString().slice(0, 10);
    expect(await viewsOf(art.id)).toEqual([expect.objectContaining({ viewerKey: `u:${owner.id}`, day: today })]);
    // The owner's second player, same day: accepted, not counted again.
    const key2 = await newPlayer();
    expect(await send(key2, view(key2, art.id))).toEqual({ success: true });
    expect(await viewsOf(art.id)).toHaveLength(1);
    expect(await eventsOf(art.id)).toHaveLength(2);
    expect(await impressionsOf(art.id)).toBe(0);
  });

  it('intent channel counts an impression each time', async () => {
    const art = await insertArtwork(t, artist.id);
    for (let i = 0; i < 3; i++) {
      const key = await newPlayer();
      expect(await send(key, view(key, art.id, { intent: 'channel', channel_user_sqid: null }))).toEqual({ success: true });
    }
    expect(await impressionsOf(art.id)).toBe(3);
    expect(await viewsOf(art.id)).toHaveLength(0);
  });

  it('the same player + post + timestamp is deduplicated, before the rate limit', async () => {
    const art = await insertArtwork(t, artist.id);
    const key = await newPlayer();
    const body = view(key, art.id, { intent: 'channel' });
    expect(await send(key, body)).toEqual({ success: true });
    expect(await send(key, body)).toEqual({ success: true, deduplicated: true });
    expect(await impressionsOf(art.id)).toBe(1);
    // Past the 60 s window (and the 5 s rate window) the stored event still identifies the duplicate.
    const seen = await t.app.redis.keys('makapix:device-view:*');
    expect(seen.length).toBeGreaterThan(0);
    seen.push(...(await t.app.redis.keys('makapix:rl:deviceView*')));
    await t.app.redis.del(...seen);
    expect(await send(key, body)).toEqual({ success: true, deduplicated: true });
    expect(await impressionsOf(art.id)).toBe(1);
  });

  it('an unsynced clock (every view stamped 1970-01-01T00:00:00Z) is deduplicated within the 60 s window only', async () => {
    const art = await insertArtwork(t, artist.id);
    const key = await newPlayer();
    const body = view(key, art.id, { intent: 'channel', timestamp: '1970-01-01T00:00:00Z' });
    expect(await send(key, body)).toEqual({ success: true });
    expect(await send(key, body)).toEqual({ success: true, deduplicated: true });
    // 30 s later the firmware reports the same artwork again with the same stamp: a new view.
    await t.app.redis.del(...(await t.app.redis.keys('makapix:device-view:*')), ...(await t.app.redis.keys('makapix:rl:deviceView*')));
    expect(await send(key, body)).toEqual({ success: true });
    expect(await impressionsOf(art.id)).toBe(2);
    expect((await eventsOf(art.id)).map((e) => e.deviceTimestamp.toISOString())).toEqual(['1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z']);
  });

  it('one view per 5 s per player: the next is rate_limited and not counted', async () => {
    const a = await insertArtwork(t, artist.id);
    const b = await insertArtwork(t, artist.id);
    const key = await newPlayer();
    expect(await send(key, view(key, a.id))).toEqual({ success: true });
    expect(await send(key, view(key, b.id))).toMatchObject({ success: false, error_code: 'rate_limited' });
    expect(await viewsOf(b.id)).toHaveLength(0);
  });

  it('an unknown or deleted post is not_found', async () => {
    const key = await newPlayer();
    expect(await send(key, view(key, 999_999_999))).toMatchObject({ success: false, error_code: 'not_found' });
    const gone = await insertArtwork(t, artist.id, { deleted: true });
    const key2 = await newPlayer();
    expect(await send(key2, view(key2, gone.id))).toMatchObject({ success: false, error_code: 'not_found' });
  });

  it('the owner viewing their own work is accepted and not counted', async () => {
    const own = await insertArtwork(t, owner.id);
    const key = await newPlayer();
    expect(await send(key, view(key, own.id))).toEqual({ success: true });
    const key2 = await newPlayer();
    expect(await send(key2, view(key2, own.id, { intent: 'channel' }))).toEqual({ success: true });
    expect(await viewsOf(own.id)).toHaveLength(0);
    expect(await impressionsOf(own.id)).toBe(0);
  });

  it('without request_ack there is no ack, and the view still counts', async () => {
    const art = await insertArtwork(t, artist.id);
    const key = await newPlayer();
    expect(await send(key, view(key, art.id, { request_ack: false }))).toBeNull();
    const mismatched = await newPlayer();
    expect(await send(mismatched, view(key, art.id, { request_ack: false }))).toBeNull();
    expect(await viewsOf(art.id)).toHaveLength(1);
  });
});
