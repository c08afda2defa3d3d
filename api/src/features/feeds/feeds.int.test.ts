import { blocks, follows, posts, users } from '@makapix/db';
import { encodeCursor } from '@makapix/protocol';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestMember } from '../../../test/fixtures/accounts.ts';
import { createArtist } from '../../../test/fixtures/posting.ts';
import { insertReadyPost, type SeededPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('feeds', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const list = async (url: string, who: TestMember | null = null): Promise<{ status: number; ids: string[]; body: any }> => {
    const res = await t.app.inject({ method: 'GET', url, headers: who ? who.auth : {} });
    const body = res.json();
    return { status: res.statusCode, ids: res.statusCode === 200 ? body.items.map((i: { id: string }) => i.id) : [], body };
  };
  const recent = (who: TestMember | null = null) => list('/api/v1/feeds/recent?limit=200', who);
  const profile = (owner: TestMember, who: TestMember | null = null) => list(`/api/v1/users/${owner.sqid}/posts?limit=200`, who);
  const byLink = async (p: SeededPost, who: TestMember | null = null) =>
    (await t.app.inject({ method: 'GET', url: `/api/v1/posts/${p.sqid}`, headers: who ? who.auth : {} })).statusCode;

  it('lists approved posts newest first with owner and vault URLs', async () => {
    const artist = await createArtist(t);
    const a = await insertReadyPost(t, artist.id, { approved: true, title: 'first' });
    const b = await insertReadyPost(t, artist.id, { approved: true, title: 'second' });
    const res = await recent();
    expect(res.status).toBe(200);
    expect(res.ids.indexOf(b.sqid)).toBeLessThan(res.ids.indexOf(a.sqid));
    const item = res.body.items.find((i: { id: string }) => i.id === b.sqid);
    expect(item).toMatchObject({ title: 'second', state: 'ready', owner: { id: artist.sqid, handle: artist.handle }, nativeFormat: 'png' });
    expect(item.artUrl).toMatch(new RegExp(`^${t.config.vault.publicBaseUrl}/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f-]{36}\\.png$`));
    expect(item.upscaledUrl).toMatch(/_upscaled\.webp$/);
  });

  it('keeps an unapproved post out of public feeds but on the profile and by direct link', async () => {
    const newcomer = await createArtist(t);
    const post = await insertReadyPost(t, newcomer.id, { approved: false, hashtags: ['fresh'] });
    expect((await recent()).ids).not.toContain(post.sqid);
    expect((await list('/api/v1/feeds/hashtags/fresh')).ids).not.toContain(post.sqid);
    expect((await profile(newcomer)).ids).toContain(post.sqid);
    expect(await byLink(post)).toBe(200);
  });

  it('shows a monitored-hashtag post only to members who opted in', async () => {
    const artist = await createArtist(t);
    const viewer = await createArtist(t);
    const post = await insertReadyPost(t, artist.id, { approved: true, hashtags: ['nsfw', 'figure'] });
    expect((await recent()).ids).not.toContain(post.sqid);
    expect((await recent(viewer)).ids).not.toContain(post.sqid);
    expect((await profile(artist)).ids).not.toContain(post.sqid);
    expect((await list('/api/v1/feeds/hashtags/figure', viewer)).ids).not.toContain(post.sqid);
    expect(await byLink(post)).toBe(404);
    expect(await byLink(post, viewer)).toBe(404);

    await t.app.db.update(users).set({ monitoredHashtags: ['nsfw'] }).where(eq(users.id, viewer.id));
    expect((await recent(viewer)).ids).toContain(post.sqid);
    expect((await list('/api/v1/feeds/hashtags/figure', viewer)).ids).toContain(post.sqid);
    expect(await byLink(post, viewer)).toBe(200);
    expect((await recent()).ids).not.toContain(post.sqid);
  });

  it('lists neither hidden nor deleted posts', async () => {
    const artist = await createArtist(t);
    const hidden = await insertReadyPost(t, artist.id, { approved: true });
    const modHidden = await insertReadyPost(t, artist.id, { approved: true });
    const deleted = await insertReadyPost(t, artist.id, { approved: true });
    const processing = await insertReadyPost(t, artist.id, { approved: true });
    await t.app.db.update(posts).set({ hiddenByOwnerAt: new Date() }).where(eq(posts.id, hidden.id));
    await t.app.db.update(posts).set({ hiddenByModAt: new Date() }).where(eq(posts.id, modHidden.id));
    await t.app.db.update(posts).set({ deletedAt: new Date() }).where(eq(posts.id, deleted.id));
    await t.app.db.update(posts).set({ state: 'processing' }).where(eq(posts.id, processing.id));
    const gone = [hidden.sqid, modHidden.sqid, deleted.sqid, processing.sqid];
    for (const ids of [(await recent()).ids, (await profile(artist)).ids]) for (const g of gone) expect(ids).not.toContain(g);
    // The artist sees their own hidden and processing posts on their profile, never deleted ones.
    const own = (await profile(artist, artist)).ids;
    expect(own).toEqual(expect.arrayContaining([hidden.sqid, modHidden.sqid, processing.sqid]));
    expect(own).not.toContain(deleted.sqid);
  });

  it("hides a blocked member's posts from the blocker", async () => {
    const blocked = await createArtist(t);
    const blocker = await createArtist(t);
    const post = await insertReadyPost(t, blocked.id, { approved: true });
    expect((await recent(blocker)).ids).toContain(post.sqid);
    await t.app.db.insert(blocks).values({ blockerId: blocker.id, blockedId: blocked.id });
    expect((await recent(blocker)).ids).not.toContain(post.sqid);
    expect((await profile(blocked, blocker)).ids).not.toContain(post.sqid);
    expect(await byLink(post, blocker)).toBe(404);
    expect((await recent()).ids).toContain(post.sqid);
  });

  it('pages with stable keyset cursors', async () => {
    const artist = await createArtist(t);
    const mine: string[] = [];
    for (let i = 0; i < 7; i++) mine.unshift((await insertReadyPost(t, artist.id, { approved: true })).sqid);
    const url = (cursor?: string) => `/api/v1/users/${artist.sqid}/posts?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
    const first = await list(url());
    expect(first.ids).toEqual(mine.slice(0, 3));
    // A newer post arriving between pages shifts nothing on the following pages.
    await insertReadyPost(t, artist.id, { approved: true });
    const second = await list(url(first.body.nextCursor));
    expect(second.ids).toEqual(mine.slice(3, 6));
    const third = await list(url(second.body.nextCursor));
    expect(third.ids).toEqual(mine.slice(6));
    expect(third.body.nextCursor).toBeNull();
    expect((await list(url(first.body.nextCursor))).ids).toEqual(second.ids);

    for (const bad of ['%%%', encodeCursor({ id: 'x' }), encodeCursor({ id: -1 })]) {
      const res = await list(`/api/v1/feeds/recent?cursor=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
    }
    expect((await list('/api/v1/feeds/recent?limit=201')).status).toBe(400);
    expect((await list('/api/v1/feeds/recent?limit=0')).status).toBe(400);
  });

  it('defaults to 50 items per page', async () => {
    const artist = await createArtist(t);
    for (let i = 0; i < 52; i++) await insertReadyPost(t, artist.id, { approved: true });
    const page = await list('/api/v1/feeds/recent');
    expect(page.ids).toHaveLength(50);
    expect(page.body.nextCursor).toEqual(expect.any(String));
  });

  it('answers the recent feed with one query, owners joined in (no N+1)', async () => {
    const handles = new Map<string, string>();
    for (let i = 0; i < 5; i++) {
      const artist = await createArtist(t);
      await insertReadyPost(t, artist.id, { approved: true });
      handles.set(artist.sqid, artist.handle);
    }
    const original = t.app.pg.query.bind(t.app.pg);
    let queries = 0;
    t.app.pg.query = ((...args: Parameters<typeof original>) => {
      queries++;
      return original(...args);
    }) as typeof t.app.pg.query;
    try {
      const res = await list('/api/v1/feeds/recent?limit=100');
      expect(new Set(res.body.items.map((i: { owner: { id: string } }) => i.owner.id)).size).toBeGreaterThanOrEqual(5);
      // Each item names its own owner's handle.
      const ours = (res.body.items as { owner: { id: string; handle: string } }[]).filter((i) => handles.has(i.owner.id));
      expect(ours).toHaveLength(5);
      for (const item of ours) expect(item.owner.handle).toBe(handles.get(item.owner.id));
    } finally {
      t.app.pg.query = original;
    }
    expect(queries).toBe(1);
  });

  it('promoted feed lists promoted posts only', async () => {
    const artist = await createArtist(t);
    const promoted = await insertReadyPost(t, artist.id, { approved: true, promoted: true });
    const plain = await insertReadyPost(t, artist.id, { approved: true });
    const res = await list('/api/v1/feeds/promoted');
    expect(res.ids).toContain(promoted.sqid);
    expect(res.ids).not.toContain(plain.sqid);
  });

  it('hashtag feed matches the normalized tag', async () => {
    const artist = await createArtist(t);
    const tagged = await insertReadyPost(t, artist.id, { approved: true, hashtags: ['retro'] });
    const other = await insertReadyPost(t, artist.id, { approved: true, hashtags: ['modern'] });
    const res = await list('/api/v1/feeds/hashtags/%23RETRO');
    expect(res.ids).toContain(tagged.sqid);
    expect(res.ids).not.toContain(other.sqid);
    expect((await list('/api/v1/feeds/hashtags/%23')).status).toBe(400);
  });

  it('following feed: public posts of followees only, members only', async () => {
    const follower = await createArtist(t);
    const followee = await createArtist(t);
    const stranger = await createArtist(t);
    const followed = await insertReadyPost(t, followee.id, { approved: true });
    const unapproved = await insertReadyPost(t, followee.id, { approved: false });
    const notFollowed = await insertReadyPost(t, stranger.id, { approved: true });
    await t.app.db.insert(follows).values({ followerId: follower.id, followeeId: followee.id });
    const res = await list('/api/v1/feeds/following', follower);
    expect(res.ids).toEqual([followed.sqid]);
    expect(res.ids).not.toContain(unapproved.sqid);
    expect(res.ids).not.toContain(notFollowed.sqid);
    expect((await list('/api/v1/feeds/following')).status).toBe(401);
  });

  it('profile of an unknown or deleted member is 404', async () => {
    expect((await list('/api/v1/users/nope/posts')).status).toBe(404);
    const gone = await createArtist(t);
    await t.app.db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, gone.id));
    expect((await list(`/api/v1/users/${gone.sqid}/posts`)).status).toBe(404);
  });
});
