import { reactions, users } from '@makapix/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { ask, insertArtwork, insertDevicePlayer } from '../../../test/fixtures/device-plane.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

// docs/device-protocol.md §5 query_posts: channel rules, sorts, cursors, criteria.

let t: TestApp;
let owner: TestMember;
let playerKey: string;

beforeAll(async () => {
  t = await createTestApp();
  owner = await createMember(t);
  playerKey = (await insertDevicePlayer(t, owner.id)).playerKey;
});
afterAll(async () => t?.close());

type Page = { posts: { post_id: number }[]; next_cursor: string | null; has_more: boolean };

async function query(body: Record<string, unknown>): Promise<Page & { success: boolean; error_code?: string }> {
  return (await ask(t, playerKey, { request_type: 'query_posts', ...body })) as unknown as Page & { success: boolean; error_code?: string };
}

/** Every page of a query, following next_cursor; fails on a duplicate. */
async function all(body: Record<string, unknown>): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const page = await query({ ...body, cursor });
    expect(page.success).toBe(true);
    ids.push(...page.posts.map((p) => p.post_id));
    if (!page.has_more) {
      expect(page.next_cursor).toBeNull();
      break;
    }
    cursor = page.next_cursor;
  }
  expect(new Set(ids).size).toBe(ids.length);
  return ids;
}

/** A width no other test uses, so `criteria` isolates one test's posts in the shared channels. */
let widthSeq = 40;
const nextWidth = () => ++widthSeq;
const widthIs = (w: number) => [{ field: 'width', op: 'eq', value: w }];

describe('channel rules', () => {
  it('all / artwork: only visible, approved, conformant, ready posts; monitored tags by the owner’s opt-ins', async () => {
    const artist = await createMember(t);
    const width = nextWidth();
    const a = (o: Parameters<typeof insertArtwork>[2] = {}) => insertArtwork(t, artist.id, { width, ...o });
    const visible = await a();
    const excluded = await Promise.all([
      a({ approved: false }),
      a({ hiddenByMod: true }),
      a({ hiddenByOwner: true }),
      a({ deleted: true }),
      a({ nonConformant: true }),
      a({ state: 'processing' }),
      a({ hashtags: ['politics'] }),
    ]);
    const nsfw = await a({ hashtags: ['nsfw'] });
    expect(await all({ channel: 'all', criteria: widthIs(width) })).toEqual([visible.id]);
    expect(await all({ channel: 'artwork', criteria: widthIs(width) })).toEqual([visible.id]);
    // Without criteria too: the visible post is in the channel, the excluded ones are not.
    const everything = await all({ channel: 'all' });
    expect(everything).toContain(visible.id);
    for (const p of excluded) expect(everything).not.toContain(p.id);

    await t.app.db.update(users).set({ monitoredHashtags: ['nsfw'] }).where(eq(users.id, owner.id));
    try {
      expect(await all({ channel: 'all', criteria: widthIs(width) })).toEqual([nsfw.id, visible.id]);
    } finally {
      await t.app.db.update(users).set({ monitoredHashtags: [] }).where(eq(users.id, owner.id));
    }
  });

  it('promoted: promoted visible posts only', async () => {
    const artist = await createMember(t);
    const width = nextWidth();
    const promoted = await insertArtwork(t, artist.id, { width, promoted: true });
    await insertArtwork(t, artist.id, { width });
    await insertArtwork(t, artist.id, { width, promoted: true, hiddenByMod: true });
    expect(await all({ channel: 'promoted', criteria: widthIs(width) })).toEqual([promoted.id]);
  });

  it('user: the owner’s own posts, unapproved and hidden ones included, deleted and others’ not', async () => {
    const other = await createMember(t);
    const width = nextWidth();
    const approved = await insertArtwork(t, owner.id, { width });
    const unapproved = await insertArtwork(t, owner.id, { width, approved: false });
    const hidden = await insertArtwork(t, owner.id, { width, hiddenByOwner: true });
    await insertArtwork(t, owner.id, { width, deleted: true });
    await insertArtwork(t, other.id, { width });
    expect(await all({ channel: 'user', criteria: widthIs(width) })).toEqual([hidden.id, unapproved.id, approved.id]);
  });

  it('by_user: the artist’s public posts, found by sqid or by handle (case and @ ignored)', async () => {
    const artist = await createMember(t);
    const p1 = await insertArtwork(t, artist.id);
    const p2 = await insertArtwork(t, artist.id);
    await insertArtwork(t, artist.id, { approved: false });
    expect(await all({ channel: 'by_user', user_sqid: artist.sqid })).toEqual([p2.id, p1.id]);
    expect(await all({ channel: 'by_user', user_handle: `@${artist.handle.toUpperCase()}` })).toEqual([p2.id, p1.id]);
  });

  it('by_user / reactions: missing_user_identifier and user_not_found', async () => {
    for (const channel of ['by_user', 'reactions']) {
      expect((await query({ channel })).error_code).toBe('missing_user_identifier');
      expect((await query({ channel, user_handle: 'nobody_here_at_all' })).error_code).toBe('user_not_found');
      expect((await query({ channel, user_sqid: 'not-a-sqid!' })).error_code).toBe('user_not_found');
    }
  });

  it('hashtag: lower-case tag match; missing_hashtag and invalid_hashtag', async () => {
    const artist = await createMember(t);
    const tagged = await insertArtwork(t, artist.id, { hashtags: ['pixelfox'] });
    await insertArtwork(t, artist.id, { hashtags: ['pixelfox'], approved: false });
    await insertArtwork(t, artist.id, { hashtags: ['other'] });
    expect(await all({ channel: 'hashtag', hashtag: '#PixelFox' })).toEqual([tagged.id]);
    expect((await query({ channel: 'hashtag' })).error_code).toBe('missing_hashtag');
    expect((await query({ channel: 'hashtag', hashtag: '  ' })).error_code).toBe('missing_hashtag');
    expect((await query({ channel: 'hashtag', hashtag: 'two words' })).error_code).toBe('invalid_hashtag');
  });

  it('reactions: posts the user reacted to, newest reaction first, the owner’s own unapproved included', async () => {
    const fan = await createMember(t);
    const artist = await createMember(t);
    const a = await insertArtwork(t, artist.id);
    const b = await insertArtwork(t, artist.id);
    const ownUnapproved = await insertArtwork(t, owner.id, { approved: false });
    const othersUnapproved = await insertArtwork(t, artist.id, { approved: false });
    const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s));
    await t.app.db.insert(reactions).values([
      { userId: fan.id, postId: b.id, emoji: '🔥', createdAt: at(1) },
      { userId: fan.id, postId: a.id, emoji: '🔥', createdAt: at(2) },
      { userId: fan.id, postId: ownUnapproved.id, emoji: '🔥', createdAt: at(3) },
      { userId: fan.id, postId: othersUnapproved.id, emoji: '🔥', createdAt: at(4) },
      // A second emoji on b later: b's reaction time is its newest one.
      { userId: fan.id, postId: b.id, emoji: '💜', createdAt: at(5) },
    ]);
    const expected = [b.id, ownUnapproved.id, a.id];
    expect(await all({ channel: 'reactions', user_sqid: fan.sqid })).toEqual(expected);
    expect(await all({ channel: 'reactions', user_sqid: fan.sqid, sort: 'reacted_at', limit: 1 })).toEqual(expected);
    expect(await all({ channel: 'reactions', user_handle: fan.handle, sort: 'server_order', limit: 2 })).toEqual(expected);
  });
});

const CREATED_SECONDS = [5, 1, 4, 1, 3, 2, 6, 0, 9, 7];

describe('sorts and cursors', () => {
  let artist: TestMember;
  let ids: number[];
  beforeAll(async () => {
    artist = await createMember(t);
    ids = [];
    // Created out of id order, two at the same instant (ties are broken by id).
    for (const s of CREATED_SECONDS) ids.push((await insertArtwork(t, artist.id, { createdAt: new Date(Date.UTC(2024, 5, 1, 12, 0, s)) })).id);
  });

  it('server_order pages by id, newest first, without duplicates or gaps', async () => {
    expect(await all({ channel: 'by_user', user_sqid: artist.sqid, limit: 3 })).toEqual([...ids].sort((x, y) => y - x));
  });

  it('created_at pages newest first, ties by id', async () => {
    const got = await all({ channel: 'by_user', user_sqid: artist.sqid, sort: 'created_at', limit: 4 });
    const expected = ids.map((id, i) => ({ id, s: CREATED_SECONDS[i]! })).sort((x, y) => y.s - x.s || y.id - x.id).map((x) => x.id);
    expect(got).toEqual(expected);
  });

  it('random is stable for a seed, differs between seeds, and pages through everything once', async () => {
    const run = (seed: number, limit: number) => all({ channel: 'by_user', user_sqid: artist.sqid, sort: 'random', random_seed: seed, limit });
    const first = await run(42, 3);
    expect(await run(42, 10)).toEqual(first);
    expect([...first].sort()).toEqual([...ids].sort());
    expect(await run(7, 10)).not.toEqual(first);
    // Without a seed the cursor carries one, so the pages still make up one order.
    expect([...(await all({ channel: 'by_user', user_sqid: artist.sqid, sort: 'random', limit: 3 }))].sort()).toEqual([...ids].sort());
  });

  it('a cursor from another sort, another seed or of garbage is invalid_request', async () => {
    const page = await query({ channel: 'by_user', user_sqid: artist.sqid, limit: 2 });
    expect((await query({ channel: 'by_user', user_sqid: artist.sqid, sort: 'created_at', cursor: page.next_cursor })).error_code).toBe('invalid_request');
    const random = await query({ channel: 'by_user', user_sqid: artist.sqid, sort: 'random', random_seed: 1, limit: 2 });
    expect((await query({ channel: 'by_user', user_sqid: artist.sqid, sort: 'random', random_seed: 2, cursor: random.next_cursor })).error_code).toBe('invalid_request');
    expect((await query({ channel: 'by_user', user_sqid: artist.sqid, cursor: 'bm90IGEgY3Vyc29y' })).error_code).toBe('invalid_request');
  });

  it('reacted_at outside the reactions channel falls back to server order', async () => {
    expect(await all({ channel: 'by_user', user_sqid: artist.sqid, sort: 'reacted_at' })).toEqual([...ids].sort((x, y) => y - x));
  });
});

describe('criteria', () => {
  it('become SQL conditions, AND-ed', async () => {
    const artist = await createMember(t);
    const big = await insertArtwork(t, artist.id, { width: 64, height: 64, frameCount: 1 });
    const gif = await insertArtwork(t, artist.id, { width: 64, height: 32, nativeFormat: 'gif', frameCount: 12, uniqueColors: null });
    const small = await insertArtwork(t, artist.id, { width: 16, height: 16, transparencyActual: true, fileBytes: 100 });
    const q = (criteria: unknown[]) => all({ channel: 'by_user', user_sqid: artist.sqid, criteria });
    expect(await q([{ field: 'width', op: 'eq', value: 64 }])).toEqual([gif.id, big.id]);
    expect(await q([{ field: 'width', op: 'eq', value: 64 }, { field: 'height', op: 'lt', value: 64 }])).toEqual([gif.id]);
    expect(await q([{ field: 'frame_count', op: 'gt', value: 1 }])).toEqual([gif.id]);
    expect(await q([{ field: 'native_file_format', op: 'in', value: ['gif', 'webp'] }])).toEqual([gif.id]);
    expect(await q([{ field: 'file_format', op: 'not_in', value: ['gif'] }])).toEqual([small.id, big.id]);
    expect(await q([{ field: 'unique_colors', op: 'is_null' }])).toEqual([gif.id]);
    expect(await q([{ field: 'transparency_actual', op: 'eq', value: true }])).toEqual([small.id]);
    expect(await q([{ field: 'file_bytes', op: 'lte', value: 100 }])).toEqual([small.id]);
    expect(await q([{ field: 'kind', op: 'eq', value: 'playlist' }])).toEqual([]);
  });

  it('invalid criteria → invalid_criteria', async () => {
    for (const criteria of [
      [{ field: 'width', op: 'is_null' }],
      [{ field: 'nope', op: 'eq', value: 1 }],
      [{ field: 'kind', op: 'eq', value: 'video' }],
      [{ field: 'width', op: 'in', value: [] }],
      Array.from({ length: 65 }, () => ({ field: 'width', op: 'gt', value: 1 })),
    ]) {
      const res = await query({ channel: 'all', criteria });
      expect(res).toMatchObject({ success: false, error_code: 'invalid_criteria' });
    }
  });
});
