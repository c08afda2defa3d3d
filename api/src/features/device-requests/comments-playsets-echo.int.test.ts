import { blocks, comments, follows, playsets } from '@makapix/db';
import { MAX_RESPONSE_BYTES } from '@makapix/protocol';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { ask, insertArtwork, insertDevicePlayer } from '../../../test/fixtures/device-plane.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

// docs/device-protocol.md §5: get_comments, get_playset, echo, and internal_error (not cached).

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

describe('get_comments', () => {
  it('pages the thread; deleted and hidden comments keep their place without body or author', async () => {
    const art = await insertArtwork(t, artist.id);
    const add = async (body: string, extra: Partial<typeof comments.$inferInsert> = {}) =>
      (await t.app.db.insert(comments).values({ postId: art.id, authorId: artist.id, body, ...extra }).returning({ id: comments.id }))[0]!.id;
    const root = await add('first!');
    const reply = await add('thanks', { parentId: root, depth: 1 });
    const gone = await add('oops', { deletedAt: new Date() });
    const hidden = await add('spam', { hiddenAt: new Date() });
    const troll = await createMember(t);
    await t.app.db.insert(blocks).values({ blockerId: owner.id, blockedId: troll.id });
    const last = await add('lovely', { authorId: troll.id });
    const got: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const res = (await ask(t, playerKey, { request_type: 'get_comments', post_id: art.id, limit: 2, cursor })) as Res & {
        comments: Record<string, unknown>[];
        next_cursor: string | null;
        has_more: boolean;
      };
      expect(res.success).toBe(true);
      expect(res.comments.length).toBeLessThanOrEqual(2);
      got.push(...res.comments);
      cursor = res.next_cursor;
    } while (cursor);
    expect(got.map((c) => c.comment_id)).toEqual([root, reply, gone, hidden, last]);
    expect(got[1]).toEqual({
      comment_id: reply,
      post_id: art.id,
      author_handle: artist.handle,
      body: 'thanks',
      depth: 1,
      parent_id: root,
      created_at: expect.stringMatching(/Z$/),
      deleted: false,
    });
    expect(got[2]).toMatchObject({ deleted: true, body: '', author_handle: null });
    expect(got[3]).toMatchObject({ deleted: true, body: '', author_handle: null });
    // The owner blocked its author: the owner's player no longer shows their words.
    expect(got[4]).toMatchObject({ deleted: true, body: '', author_handle: null });
  });

  it('long threads are trimmed to fit, continuing at the first dropped comment; errors for hidden posts', async () => {
    const art = await insertArtwork(t, artist.id);
    const values = Array.from({ length: 120 }, (_, i) => ({ postId: art.id, authorId: artist.id, body: `${i} ${'é'.repeat(1000)}` }));
    const ids = (await t.app.db.insert(comments).values(values).returning({ id: comments.id })).map((r) => r.id);
    const first = (await ask(t, playerKey, { request_type: 'get_comments', post_id: art.id, limit: 200 })) as Res & {
      comments: { comment_id: number }[];
      next_cursor: string;
      has_more: boolean;
    };
    expect(Buffer.byteLength(JSON.stringify(first))).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(first.has_more).toBe(true);
    const n = first.comments.length;
    expect(n).toBeLessThan(120);
    const second = (await ask(t, playerKey, { request_type: 'get_comments', post_id: art.id, limit: 200, cursor: first.next_cursor })) as Res & {
      comments: { comment_id: number }[];
    };
    expect(second.comments[0]?.comment_id).toBe(ids[n]);

    const hidden = await insertArtwork(t, artist.id, { hiddenByMod: true });
    expect(await ask(t, playerKey, { request_type: 'get_comments', post_id: hidden.id })).toMatchObject({ error_code: 'not_visible' });
    expect(await ask(t, playerKey, { request_type: 'get_comments', post_id: 999_999_997 })).toMatchObject({ error_code: 'not_found' });
  });
});

describe('get_playset', () => {
  it('followed_artists: one user channel per followed artist; saved playsets by name; playset_not_found', async () => {
    const follower = await createMember(t);
    const key = (await insertDevicePlayer(t, follower.id)).playerKey;
    const a = await createMember(t);
    const b = await createMember(t);
    await t.app.db.insert(follows).values([
      { followerId: follower.id, followeeId: a.id, createdAt: new Date('2025-01-01T00:00:00Z') },
      { followerId: follower.id, followeeId: b.id, createdAt: new Date('2025-02-01T00:00:00Z') },
    ]);
    expect(await ask(t, key, { request_type: 'get_playset', playset_name: 'followed_artists' })).toMatchObject({
      success: true,
      playset_name: 'followed_artists',
      channels: [
        { type: 'user', identifier: b.sqid, display_name: `@${b.handle}` },
        { type: 'user', identifier: a.sqid, display_name: `@${a.handle}` },
      ],
      exposure_mode: 'equal',
      pick_mode: 'recency',
    });
    const channels = [{ type: 'named', name: 'promoted', weight: 3 }, { type: 'hashtag', identifier: 'cats', display_name: '#cats' }];
    await t.app.db.insert(playsets).values({ ownerId: follower.id, name: 'Evening', channels, exposureMode: 'manual', pickMode: 'random' });
    expect(await ask(t, key, { request_type: 'get_playset', playset_name: 'Evening' })).toMatchObject({
      success: true,
      playset_name: 'Evening',
      channels,
      exposure_mode: 'manual',
      pick_mode: 'random',
    });
    // Another member's playset of that name is not this owner's.
    expect(await ask(t, playerKey, { request_type: 'get_playset', playset_name: 'Evening' })).toMatchObject({ error_code: 'playset_not_found' });
  });
});

describe('echo', () => {
  it('echoes with received_at; the 11th within a minute is rate_limit_exceeded; a retried id replays', async () => {
    const key = (await insertDevicePlayer(t, owner.id)).playerKey;
    const id = rid();
    const first = await ask(t, key, { request_id: id, request_type: 'echo', echo_data: 'ping ✓' });
    expect(first).toEqual({ request_id: id, success: true, echo_data: 'ping ✓', received_at: expect.any(String) });
    await new Promise((resolve) => setTimeout(resolve, 5));
    // The retry neither spends a point nor gets a new timestamp.
    expect(await ask(t, key, { request_id: id, request_type: 'echo', echo_data: 'ping ✓' })).toEqual(first);
    for (let i = 0; i < 9; i++) expect((await ask(t, key, { request_type: 'echo', echo_data: String(i) })).success).toBe(true);
    expect(await ask(t, key, { request_type: 'echo', echo_data: 'one too many' })).toMatchObject({ success: false, error_code: 'rate_limit_exceeded' });
  });
});

describe('internal_error', () => {
  it('is answered when the handler fails, and is not cached: the retried id runs again', async () => {
    const id = rid();
    await t.app.db.execute(sql`alter table playsets rename to playsets_gone`);
    let res: Res;
    try {
      res = await ask(t, playerKey, { request_id: id, request_type: 'get_playset', playset_name: 'x' });
    } finally {
      await t.app.db.execute(sql`alter table playsets_gone rename to playsets`);
    }
    expect(res).toEqual({ request_id: id, success: false, error: 'the request could not be completed', error_code: 'internal_error' });
    expect(await ask(t, playerKey, { request_id: id, request_type: 'get_playset', playset_name: 'x' })).toMatchObject({ error_code: 'playset_not_found' });
  });
});
