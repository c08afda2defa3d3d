import { posts } from '@makapix/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { recentFeedSqids } from '../../../test/fixtures/moderation.ts';
import { insertReadyPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('approval queue', () => {
  let t: TestApp;
  let mod: TestMember;
  let artist: TestMember;
  beforeAll(async () => {
    t = await createTestApp();
    mod = await createMember(t, { role: 'moderator' });
    artist = await createMember(t);
  });
  afterAll(async () => t.close());

  const queue = (who: TestMember, query = '') => t.app.inject({ method: 'GET', url: `/api/v1/mod/queue/approval${query}`, headers: who.auth });
  const sqids = (res: { json(): { items: { id: string }[] } }) => res.json().items.map((p) => p.id);

  it('lists ready unapproved posts oldest first (hidden ones too), in keyset pages', async () => {
    const a = await insertReadyPost(t, artist.id, { title: 'first' });
    await insertReadyPost(t, artist.id, { approved: true });
    const deleted = await insertReadyPost(t, artist.id);
    await t.app.db.update(posts).set({ deletedAt: new Date() }).where(eq(posts.id, deleted.id));
    const processing = await insertReadyPost(t, artist.id);
    await t.app.db.update(posts).set({ state: 'processing' }).where(eq(posts.id, processing.id));
    const b = await insertReadyPost(t, artist.id);
    await t.app.db.update(posts).set({ hiddenByModAt: new Date() }).where(eq(posts.id, b.id));
    const c = await insertReadyPost(t, artist.id);

    const all = await queue(mod);
    expect(all.statusCode).toBe(200);
    expect(sqids(all)).toEqual([a.sqid, b.sqid, c.sqid]);
    expect(all.json().items[0]).toMatchObject({
      id: a.sqid,
      title: 'first',
      state: 'ready',
      owner: { id: artist.sqid, handle: artist.handle },
      ownerTrusted: false,
      hiddenByModerator: false,
      artUrl: expect.stringContaining('.png'),
    });
    expect(all.json().items[1].hiddenByModerator).toBe(true);

    const page1 = await queue(mod, '?limit=2');
    expect(sqids(page1)).toEqual([a.sqid, b.sqid]);
    const page2 = await queue(mod, `?limit=2&cursor=${page1.json().nextCursor}`);
    expect(page2.json()).toMatchObject({ items: [{ id: c.sqid }], nextCursor: null });
  });

  it('approving takes a post out of the queue and into GET /api/v1/feeds/recent', async () => {
    const post = await insertReadyPost(t, artist.id);
    expect(sqids(await queue(mod))).toContain(post.sqid);
    expect(await recentFeedSqids(t)).not.toContain(post.sqid);

    const res = await t.app.inject({ method: 'POST', url: `/api/v1/mod/posts/${post.sqid}/approve`, headers: mod.auth });
    expect(res.statusCode).toBe(200);
    expect(sqids(await queue(mod))).not.toContain(post.sqid);
    expect(await recentFeedSqids(t)).toContain(post.sqid);
  });

  it('a hidden member’s approved posts leave GET /api/v1/feeds/recent', async () => {
    const member = await createMember(t);
    const post = await insertReadyPost(t, member.id, { approved: true });
    expect(await recentFeedSqids(t)).toContain(post.sqid);
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/mod/users/${member.sqid}/hide`, headers: mod.auth });
    expect(res.statusCode).toBe(200);
    expect(await recentFeedSqids(t)).not.toContain(post.sqid);
  });

  it('is closed to plain members (403) and rejects a bad cursor (400)', async () => {
    expect((await queue(artist)).statusCode).toBe(403);
    expect((await queue(mod, '?cursor=%%%')).statusCode).toBe(400);
  });
});
