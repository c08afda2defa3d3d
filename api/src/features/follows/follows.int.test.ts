import { users } from '@makapix/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestMember } from '../../../test/fixtures/accounts.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('follows', () => {
  let t: TestApp;
  let artist: TestMember;
  let fans: TestMember[];

  const follow = (m: TestMember, target: string, method: 'PUT' | 'DELETE' = 'PUT') =>
    t.app.inject({ method, url: `/api/v1/users/${target}/follow`, headers: m.auth });
  const list = (sqid: string, which: 'followers' | 'following', query = '') => t.app.inject({ method: 'GET', url: `/api/v1/users/${sqid}/${which}${query}` });
  const ids = (res: { json(): { items: { member: { id: string } }[] } }) => res.json().items.map((i) => i.member.id);

  beforeAll(async () => {
    t = await createTestApp();
    [artist, ...fans] = await Promise.all([createMember(t), createMember(t), createMember(t), createMember(t)]);
  });
  afterAll(async () => t.close());

  it('follows idempotently and lists both sides newest first', async () => {
    const [a, b, c] = fans as [TestMember, TestMember, TestMember];
    const res = await follow(a, artist.sqid);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ following: true });
    expect((await follow(a, artist.sqid)).statusCode).toBe(200);
    await follow(b, artist.sqid);
    await follow(c, artist.sqid);
    await follow(a, b.sqid);

    const followers = await list(artist.sqid, 'followers');
    expect(followers.statusCode).toBe(200);
    expect(ids(followers)).toEqual([c.sqid, b.sqid, a.sqid]);
    expect(followers.json().items[0]).toMatchObject({ member: { handle: c.handle, avatarUrl: null }, followedAt: expect.any(String) });
    expect(ids(await list(a.sqid, 'following'))).toEqual([b.sqid, artist.sqid]);

    const page1 = await list(artist.sqid, 'followers', '?limit=2');
    expect(ids(page1)).toEqual([c.sqid, b.sqid]);
    const page2 = await list(artist.sqid, 'followers', `?limit=2&cursor=${page1.json().nextCursor}`);
    expect(ids(page2)).toEqual([a.sqid]);
    expect(page2.json().nextCursor).toBeNull();
  });

  it('unfollows idempotently, and only the caller\'s own follow', async () => {
    const [a, b] = fans as [TestMember, TestMember];
    // b "unfollowing" the artist removes b's follow, never a's.
    expect((await follow(b, artist.sqid, 'DELETE')).json()).toEqual({ following: false });
    expect(ids(await list(artist.sqid, 'followers'))).toContain(a.sqid);
    expect(ids(await list(artist.sqid, 'followers'))).not.toContain(b.sqid);
    expect((await follow(b, artist.sqid, 'DELETE')).statusCode).toBe(200);
  });

  it('refuses self-follows, unknown members, visitors and bad cursors', async () => {
    const self = await follow(artist, artist.sqid);
    expect(self.statusCode).toBe(400);
    expect(self.json().error.code).toBe('cannot_follow_self');
    expect((await follow(artist, 'zzzzzzzz')).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'PUT', url: `/api/v1/users/${artist.sqid}/follow` })).statusCode).toBe(401);
    expect((await list('zzzzzzzz', 'followers')).statusCode).toBe(404);
    const bad = await list(artist.sqid, 'followers', '?cursor=e30');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_error');
  });

  it('drops deleted members from the lists and refuses to follow them', async () => {
    const gone = await createMember(t);
    await follow(gone, artist.sqid);
    expect(ids(await list(artist.sqid, 'followers'))).toContain(gone.sqid);
    await t.app.db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, gone.id));
    expect(ids(await list(artist.sqid, 'followers'))).not.toContain(gone.sqid);
    expect((await follow(artist, gone.sqid)).statusCode).toBe(404);
  });
});
