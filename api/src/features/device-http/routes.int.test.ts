import { artworkViews, playerTokens, posts, reactions } from '@makapix/db';
import { URL_SAFE_CURSOR_RE } from '@makapix/protocol';
import { storageShard } from '@makapix/vault';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { insertArtwork, insertDevicePlayer, insertDeviceToken } from '../../../test/fixtures/device-plane.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

// docs/device-protocol.md §5/§7 over HTTPS and the §2 promoted feed.

let t: TestApp;
let owner: TestMember;
let artist: TestMember;

beforeAll(async () => {
  t = await createTestApp();
  owner = await createMember(t);
  artist = await createMember(t);
});
afterAll(async () => t?.close());

async function device(ownerId = owner.id) {
  const p = await insertDevicePlayer(t, ownerId);
  return { ...p, headers: await insertDeviceToken(t, p.id) };
}

const rpc = (headers: Record<string, string>, payload: unknown) => t.app.inject({ method: 'POST', url: '/api/player/rpc', headers, payload: payload as object });
const postView = (headers: Record<string, string>, payload: object) => t.app.inject({ method: 'POST', url: '/api/player/events/view', headers, payload });

describe('POST /api/player/rpc', () => {
  it('needs a device token: none, a user token or a revoked one → 401', async () => {
    expect((await rpc({}, { request_type: 'echo', echo_data: 'x' })).statusCode).toBe(401);
    expect((await rpc(owner.auth, { request_type: 'echo', echo_data: 'x' })).statusCode).toBe(401);
    const d = await device();
    expect((await rpc(d.headers, { request_type: 'echo', echo_data: 'x' })).statusCode).toBe(200);
    await t.app.db.update(playerTokens).set({ revokedAt: new Date() }).where(eq(playerTokens.playerId, d.id));
    expect((await rpc(d.headers, { request_type: 'echo', echo_data: 'x' })).statusCode).toBe(401);
  });

  it('answers like MQTT: request_id and player_key may be omitted; errors are device responses', async () => {
    const d = await device();
    const echo = await rpc(d.headers, { request_type: 'echo', echo_data: 'over https' });
    expect(echo.statusCode).toBe(200);
    expect(echo.json()).toEqual({ request_id: expect.stringMatching(/^[0-9a-f]{32}$/), success: true, echo_data: 'over https', received_at: expect.any(String) });
    const art = await insertArtwork(t, artist.id);
    const got = await rpc(d.headers, { request_id: 'r1', player_key: d.playerKey, request_type: 'get_post', post_id: art.id });
    expect(got.json()).toMatchObject({ request_id: 'r1', success: true, post: { post_id: art.id, storage_key: art.storageKey } });
    expect((await rpc(d.headers, { request_id: 'r2', request_type: 'teleport' })).json()).toEqual({
      request_id: 'r2',
      success: false,
      error: expect.any(String),
      error_code: 'unknown_request_type',
    });
    expect((await rpc(d.headers, [1, 2])).statusCode).toBe(400);
  });

  it('a body player_key of another player → 403 player_key_mismatch, nothing done', async () => {
    const d = await device();
    const other = await device();
    const art = await insertArtwork(t, artist.id);
    const res = await rpc(d.headers, { player_key: other.playerKey, request_type: 'submit_reaction', post_id: art.id, emoji: '🔥' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('player_key_mismatch');
    expect(await t.app.db.select().from(reactions).where(eq(reactions.postId, art.id))).toHaveLength(0);
  });

  it('a retried request_id gets the same answer and is not executed twice', async () => {
    const d = await device();
    const art = await insertArtwork(t, artist.id);
    const mine = () => t.app.db.select().from(reactions).where(and(eq(reactions.postId, art.id), eq(reactions.userId, owner.id)));
    const body = { request_id: 'retry-me', request_type: 'submit_reaction', post_id: art.id, emoji: '✨' };
    const first = await rpc(d.headers, body);
    expect(first.json()).toEqual({ request_id: 'retry-me', success: true, error: null });
    await rpc(d.headers, { request_type: 'revoke_reaction', post_id: art.id, emoji: '✨' });
    expect(await mine()).toHaveLength(0);
    expect((await rpc(d.headers, body)).body).toBe(first.body);
    expect(await mine()).toHaveLength(0);
  });

  it('60 reads and 30 reactions per minute per player, then 429 with Retry-After', async () => {
    const reader = await device();
    for (let i = 0; i < 60; i++) expect((await rpc(reader.headers, { request_type: 'get_playset', playset_name: 'followed_artists' })).statusCode).toBe(200);
    const limited = await rpc(reader.headers, { request_type: 'query_posts' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Reactions have their own budget.
    const art = await insertArtwork(t, artist.id);
    expect((await rpc(reader.headers, { request_type: 'revoke_reaction', post_id: art.id, emoji: 'x' })).statusCode).toBe(200);

    const reactor = await device();
    for (let i = 0; i < 30; i++) expect((await rpc(reactor.headers, { request_type: 'revoke_reaction', post_id: art.id, emoji: 'x' })).statusCode).toBe(200);
    expect((await rpc(reactor.headers, { request_type: 'submit_reaction', post_id: art.id, emoji: 'x' })).statusCode).toBe(429);
    expect((await rpc(reactor.headers, { request_type: 'get_post', post_id: art.id })).statusCode).toBe(200);
  });
});

describe('POST /api/player/events/view', () => {
  const body = (postId: number, timestamp: string, extra: object = {}) => ({ post_id: postId, timestamp, intent: 'artwork', channel: 'all', ...extra });

  it('202 recorded, 200 deduplicated, 429 within 5 s, 404 unknown post, 403 another player’s key, 400 invalid', async () => {
    const d = await device();
    const art = await insertArtwork(t, artist.id);
    const ts = new Date().toISOString();
    const first = await postView(d.headers, body(art.id, ts));
    expect(first.statusCode).toBe(202);
    expect(first.json()).toEqual({ success: true });
    const again = await postView(d.headers, body(art.id, ts));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ success: true, deduplicated: true });
    expect(await t.app.db.select().from(artworkViews).where(eq(artworkViews.postId, art.id))).toEqual([
      expect.objectContaining({ viewerKey: `u:${owner.id}` }),
    ]);
    const other = await insertArtwork(t, artist.id);
    const limited = await postView(d.headers, body(other.id, new Date(Date.now() + 1000).toISOString()));
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();

    const d2 = await device();
    expect((await postView(d2.headers, body(999_999_999, ts))).statusCode).toBe(404);
    const d3 = await device();
    const mismatch = await postView(d3.headers, body(art.id, ts, { player_key: d2.playerKey }));
    expect(mismatch.statusCode).toBe(403);
    expect(mismatch.json().error.code).toBe('player_key_mismatch');
    expect((await postView(d3.headers, body(art.id, 'not a time'))).statusCode).toBe(400);
    expect((await postView({}, body(art.id, ts))).statusCode).toBe(401);
  });
});

describe('GET /api/feed/promoted', () => {
  it('promoted visible artworks, the asked fields only, paged with a URL-safe cursor; no auth', async () => {
    const a = await insertArtwork(t, artist.id, { promoted: true });
    const b = await insertArtwork(t, artist.id, { promoted: true });
    const c = await insertArtwork(t, artist.id, { promoted: true });
    await insertArtwork(t, artist.id, { promoted: true, hiddenByMod: true });
    await insertArtwork(t, artist.id, { promoted: true, approved: false });
    await insertArtwork(t, artist.id);
    await t.app.db.update(posts).set({ artworkModifiedAt: null }).where(eq(posts.id, c.id));

    const url = '/api/feed/promoted?fields=id,storage_key,created_at,artwork_modified_at&limit=2';
    const first = await t.app.inject({ method: 'GET', url });
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.items).toEqual([
      { id: c.id, storage_key: c.storageKey, created_at: expect.any(String) },
      { id: b.id, storage_key: b.storageKey, created_at: expect.any(String), artwork_modified_at: expect.any(String) },
    ]);
    expect(page1.next_cursor).toMatch(URL_SAFE_CURSOR_RE);
    const second = (await t.app.inject({ method: 'GET', url: `${url}&cursor=${page1.next_cursor}` })).json();
    expect(second.items.map((i: { id: number }) => i.id)).toEqual([a.id]);
    expect(second.next_cursor).toBeNull();

    const all = (await t.app.inject({ method: 'GET', url: '/api/feed/promoted?limit=1' })).json();
    expect(all.items[0]).toMatchObject({
      id: c.id,
      storage_shard: storageShard(c.storageKey),
      native_format: 'png',
      art_url: `${t.config.vault.publicBaseUrl}/${storageShard(c.storageKey)}/${c.storageKey}.png`,
      owner_handle: artist.handle,
      width: 32,
    });
    expect((await t.app.inject({ method: 'GET', url: '/api/feed/promoted?cursor=zzz' })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/feed/promoted?limit=51' })).statusCode).toBe(400);
  });
});
