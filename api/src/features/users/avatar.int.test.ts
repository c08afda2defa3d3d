import { posts } from '@makapix/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember } from '../../../test/fixtures/accounts.ts';
import { insertReadyPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('avatar from one of my artworks (docs/product.md §1)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const put = (payload: object, headers: Record<string, string>) => t.app.inject({ method: 'PUT', url: '/api/v1/me/avatar', headers, payload });

  it('sets the avatar to the upscaled rendition of my ready artwork, and clears it', async () => {
    const m = await createMember(t);
    const post = await insertReadyPost(t, m.id);
    const [row] = await t.app.db.select({ storageKey: posts.storageKey }).from(posts).where(eq(posts.id, post.id));
    let res = await put({ postId: post.sqid }, m.auth);
    expect(res.statusCode).toBe(200);
    expect(res.json().avatarUrl).toMatch(new RegExp(`/${row!.storageKey}_upscaled\\.webp$`));
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/users/${m.sqid}` })).json().avatarUrl).toBe(res.json().avatarUrl);
    res = await put({ postId: null }, m.auth);
    expect(res.statusCode).toBe(200);
    expect(res.json().avatarUrl).toBeNull();
  });

  it("refuses another member's artwork, a processing or deleted one, an unknown id, and visitors", async () => {
    const m = await createMember(t);
    const other = await createMember(t);
    const theirs = await insertReadyPost(t, other.id);
    expect((await put({ postId: theirs.sqid }, m.auth)).json().error.code).toBe('not_found');
    const mine = await insertReadyPost(t, m.id);
    await t.app.db.update(posts).set({ state: 'processing' }).where(eq(posts.id, mine.id));
    expect((await put({ postId: mine.sqid }, m.auth)).statusCode).toBe(404);
    await t.app.db.update(posts).set({ state: 'ready', deletedAt: new Date() }).where(eq(posts.id, mine.id));
    expect((await put({ postId: mine.sqid }, m.auth)).statusCode).toBe(404);
    expect((await put({ postId: 'zzzzzzzz' }, m.auth)).statusCode).toBe(404);
    expect((await put({ postId: theirs.sqid, avatarUrl: 'https://evil.test/x.png' }, m.auth)).statusCode).toBe(400);
    expect((await put({ postId: null }, {})).statusCode).toBe(401);
  });
});
