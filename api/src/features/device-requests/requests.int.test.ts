import { blocks, notifications, posts, reactions, users } from '@makapix/db';
import { MAX_RESPONSE_BYTES } from '@makapix/protocol';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { ask, insertArtwork, insertDevicePlayer, insertPlaylist } from '../../../test/fixtures/device-plane.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';
import { requestCacheKey } from './idempotency.ts';

// docs/device-protocol.md §5: the shared first checks, get_post (artworks and playlists), response trimming,
// reactions and request-id idempotency.

let t: TestApp;
let owner: TestMember;
let artist: TestMember;
let playerKey: string;

beforeAll(async () => {
  t = await createTestApp();
  owner = await createMember(t);
  artist = await createMember(t);
  playerKey = (await insertDevicePlayer(t, owner.id)).playerKey;
});
afterAll(async () => t?.close());

const rid = () => crypto.randomUUID().replace(/-/g, '');
type Res = Awaited<ReturnType<typeof ask>>;

describe('first checks', () => {
  it('authentication_failed unless registered, owned, and the owner is active', async () => {
    const banned = await createMember(t);
    await t.app.db.update(users).set({ bannedUntil: new Date(Date.now() + 3_600_000) }).where(eq(users.id, banned.id));
    const deactivated = await createMember(t);
    await t.app.db.update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, deactivated.id));
    const keys = [
      (await insertDevicePlayer(t, null)).playerKey,
      (await insertDevicePlayer(t, owner.id, { registered: false })).playerKey,
      (await insertDevicePlayer(t, owner.id, { deleted: true })).playerKey,
      (await insertDevicePlayer(t, banned.id)).playerKey,
      (await insertDevicePlayer(t, deactivated.id)).playerKey,
      crypto.randomUUID(),
    ];
    for (const key of keys) {
      const id = rid();
      expect(await ask(t, key, { request_id: id, request_type: 'echo', echo_data: 'hi' })).toEqual({
        request_id: id,
        success: false,
        error: expect.any(String),
        error_code: 'authentication_failed',
      });
    }
    // A ban that is over no longer counts.
    await t.app.db.update(users).set({ bannedUntil: new Date(Date.now() - 1000) }).where(eq(users.id, banned.id));
    expect((await ask(t, keys[3]!, { request_type: 'echo', echo_data: 'hi' })).success).toBe(true);
  });

  it('invalid_request and unknown_request_type echo the request id', async () => {
    const id = rid();
    expect(await ask(t, playerKey, { request_id: id, request_type: 'fly' })).toMatchObject({ request_id: id, error_code: 'unknown_request_type' });
    expect(await ask(t, playerKey, { request_id: id + 'a' })).toMatchObject({ request_id: id + 'a', error_code: 'invalid_request' });
    expect(await ask(t, playerKey, { request_type: 'query_posts', limit: 0 })).toMatchObject({ error_code: 'invalid_request' });
    expect(await ask(t, playerKey, { request_type: 'query_posts', limit: 51 })).toMatchObject({ error_code: 'invalid_request' });
    expect(await ask(t, playerKey, { request_type: 'get_post', post_id: 'x' })).toMatchObject({ error_code: 'invalid_request' });
    expect(await ask(t, playerKey, { request_type: 'echo', echo_data: 'x'.repeat(513) })).toMatchObject({ error_code: 'invalid_request' });
  });
});

describe('get_post', () => {
  it('answers the artwork object; include_fields adds fields and null ones are omitted', async () => {
    const art = await insertArtwork(t, artist.id, { width: 64, height: 32, frameCount: 3 });
    await t.app.db.update(posts).set({ artworkModifiedAt: null }).where(eq(posts.id, art.id));
    const res = (await ask(t, playerKey, { request_type: 'get_post', post_id: art.id })) as Res & { post: Record<string, unknown> };
    expect(res.success).toBe(true);
    const { storageShard } = await import('@makapix/vault');
    expect(res.post).toEqual({
      post_id: art.id,
      kind: 'artwork',
      created_at: expect.stringMatching(/Z$/),
      storage_key: art.storageKey,
      art_url: `${t.config.vault.publicBaseUrl}/${storageShard(art.storageKey)}/${art.storageKey}.png`,
      storage_shard: storageShard(art.storageKey),
      native_format: 'png',
    });
    const full = (await ask(t, playerKey, {
      request_type: 'get_post',
      post_id: art.id,
      include_fields: ['owner_handle', 'width', 'height', 'frame_count', 'dwell_time_ms', 'artwork_modified_at', 'alpha_actual', 'bogus'],
    })) as Res & { post: Record<string, unknown> };
    expect(full.post).toMatchObject({ owner_handle: artist.handle, width: 64, height: 32, frame_count: 3, dwell_time_ms: 30_000, alpha_actual: false });
    expect(full.post).not.toHaveProperty('artwork_modified_at');
    expect(full.post).not.toHaveProperty('bogus');
  });

  it('not_found, deleted, not_visible; an unapproved post by link and the owner’s own hidden post are fine', async () => {
    const deleted = await insertArtwork(t, artist.id, { deleted: true });
    const hidden = await insertArtwork(t, artist.id, { hiddenByMod: true });
    const unapproved = await insertArtwork(t, artist.id, { approved: false });
    const ownHidden = await insertArtwork(t, owner.id, { hiddenByOwner: true });
    const get = (postId: number) => ask(t, playerKey, { request_type: 'get_post', post_id: postId });
    expect(await get(999_999_999)).toMatchObject({ success: false, error_code: 'not_found' });
    expect(await get(deleted.id)).toMatchObject({ success: false, error_code: 'deleted' });
    expect(await get(hidden.id)).toMatchObject({ success: false, error_code: 'not_visible' });
    expect(await get(unapproved.id)).toMatchObject({ success: true });
    expect(await get(ownHidden.id)).toMatchObject({ success: true });
  });

  it('a playlist carries artworks[] in order with their dwell times, only visible ones counted', async () => {
    const a = await insertArtwork(t, artist.id);
    const b = await insertArtwork(t, artist.id);
    const hidden = await insertArtwork(t, artist.id, { hiddenByMod: true });
    const playlist = await insertPlaylist(t, artist.id, [
      { artworkId: b.id, dwellTimeMs: 5_000 },
      { artworkId: hidden.id },
      { artworkId: a.id, dwellTimeMs: 12_000 },
    ]);
    const res = (await ask(t, playerKey, { request_type: 'get_post', post_id: playlist })) as Res & { post: Record<string, unknown> };
    expect(res.post).toMatchObject({ post_id: playlist, kind: 'playlist', owner_handle: artist.handle, total_artworks: 2, dwell_time_ms: 30_000 });
    expect(res.post.artworks).toEqual([
      expect.objectContaining({ post_id: b.id, kind: 'artwork', dwell_time_ms: 5_000 }),
      expect.objectContaining({ post_id: a.id, kind: 'artwork', dwell_time_ms: 12_000 }),
    ]);
  });
});

describe('query_posts response size', () => {
  it('a page of large posts is trimmed to 131,072 bytes; has_more and the cursor continue at the first dropped post', async () => {
    const curator = await createMember(t);
    const items: { artworkId: number }[] = [];
    for (let i = 0; i < 100; i++) items.push({ artworkId: (await insertArtwork(t, artist.id)).id });
    const playlists: number[] = [];
    for (let i = 0; i < 6; i++) playlists.push(await insertPlaylist(t, curator.id, items));
    const newestFirst = [...playlists].reverse();
    const include_fields = ['owner_handle', 'metadata_modified_at', 'artwork_modified_at', 'width', 'height', 'frame_count', 'dwell_time_ms', 'transparency_actual', 'alpha_actual'];
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = (await ask(t, playerKey, { request_type: 'query_posts', channel: 'by_user', user_sqid: curator.sqid, limit: 6, include_fields, cursor })) as Res & {
        posts: { post_id: number }[];
        next_cursor: string | null;
        has_more: boolean;
      };
      expect(Buffer.byteLength(JSON.stringify(res))).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
      expect(res.posts.length).toBeGreaterThan(0);
      expect(res.posts.length).toBeLessThan(6);
      seen.push(...res.posts.map((p) => p.post_id));
      expect(res.has_more).toBe(seen.length < 6);
      cursor = res.next_cursor;
      pages++;
    } while (cursor !== null && pages < 10);
    // Nothing skipped, nothing repeated, in server order.
    expect(seen).toEqual(newestFirst);
    expect(pages).toBeGreaterThan(1);
  });
});

describe('submit_reaction / revoke_reaction', () => {
  it('react as the owner, idempotently; revoke; a retried request id is answered again and not executed twice', async () => {
    const art = await insertArtwork(t, artist.id);
    const mine = () => t.app.db.select().from(reactions).where(and(eq(reactions.postId, art.id), eq(reactions.userId, owner.id)));
    const notified = async () =>
      (await t.app.db.select().from(notifications).where(and(eq(notifications.postId, art.id), eq(notifications.recipientId, artist.id)))).length;
    const id = rid();
    const first = await ask(t, playerKey, { request_id: id, request_type: 'submit_reaction', post_id: art.id, emoji: '🔥' });
    expect(first).toEqual({ request_id: id, success: true, error: null });
    expect(await mine()).toHaveLength(1);
    expect(await notified()).toBe(1);
    // Same emoji under a new id: idempotent.
    expect((await ask(t, playerKey, { request_type: 'submit_reaction', post_id: art.id, emoji: '🔥' })).success).toBe(true);
    expect(await mine()).toHaveLength(1);

    expect(await ask(t, playerKey, { request_type: 'revoke_reaction', post_id: art.id, emoji: '🔥' })).toMatchObject({ success: true, error: null });
    expect(await mine()).toHaveLength(0);
    // The device retries the first request id: same answer, and the reaction is NOT added again.
    expect(await ask(t, playerKey, { request_id: id, request_type: 'submit_reaction', post_id: art.id, emoji: '🔥' })).toEqual(first);
    expect(await mine()).toHaveLength(0);
    expect(await notified()).toBe(1);
    expect(await t.app.redis.ttl(requestCacheKey(playerKey, id))).toBeGreaterThan(0);
    expect((await ask(t, playerKey, { request_type: 'revoke_reaction', post_id: art.id, emoji: '🔥' })).success).toBe(true);
  });

  it('reaction_limit_exceeded at the 6th distinct emoji; invalid_emoji; not_found / not_visible', async () => {
    const art = await insertArtwork(t, artist.id);
    for (const emoji of ['1', '2', '3', '4', '5']) {
      expect((await ask(t, playerKey, { request_type: 'submit_reaction', post_id: art.id, emoji })).success).toBe(true);
    }
    expect(await ask(t, playerKey, { request_type: 'submit_reaction', post_id: art.id, emoji: '6' })).toMatchObject({ error_code: 'reaction_limit_exceeded' });
    for (const emoji of ['', 'x'.repeat(21), 7]) {
      expect(await ask(t, playerKey, { request_type: 'submit_reaction', post_id: art.id, emoji })).toMatchObject({ error_code: 'invalid_emoji' });
    }
    expect(await ask(t, playerKey, { request_type: 'revoke_reaction', post_id: art.id, emoji: 'x'.repeat(21) })).toMatchObject({ error_code: 'invalid_emoji' });
    expect(await ask(t, playerKey, { request_type: 'submit_reaction', post_id: 999_999_998, emoji: '🔥' })).toMatchObject({ error_code: 'not_found' });
    const hidden = await insertArtwork(t, artist.id, { hiddenByMod: true });
    expect(await ask(t, playerKey, { request_type: 'submit_reaction', post_id: hidden.id, emoji: '🔥' })).toMatchObject({ error_code: 'not_visible' });
    // The artist blocked the owner: the social service refuses, the device hears not_visible.
    const blocker = await createMember(t);
    const blockersArt = await insertArtwork(t, blocker.id);
    await t.app.db.insert(blocks).values({ blockerId: blocker.id, blockedId: owner.id });
    expect(await ask(t, playerKey, { request_type: 'submit_reaction', post_id: blockersArt.id, emoji: '🔥' })).toMatchObject({ error_code: 'not_visible' });
  });
});
