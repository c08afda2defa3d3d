import { artworkViews, posts, reactions } from '@makapix/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestMember } from '../../../test/fixtures/accounts.ts';
import { createArtist } from '../../../test/fixtures/posting.ts';
import { insertReadyPost, type SeededPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';
import { utcDay } from '../posts/service.ts';

describe('views and impressions (docs/product.md §4)', () => {
  let t: TestApp;
  let artist: TestMember;
  let fan: TestMember;
  beforeAll(async () => {
    t = await createTestApp();
    artist = await createArtist(t);
    fan = await createArtist(t);
  });
  afterAll(async () => t.close());

  const report = async (post: SeededPost, body: object, who: TestMember | null = null, client = { ip: '203.0.113.7', ua: 'pixel-browser/1' }) => {
    const headers = { 'x-forwarded-for': client.ip, 'user-agent': client.ua, ...(who ? who.auth : {}) };
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/posts/${post.sqid}/view`, headers, payload: body });
    return { status: res.statusCode, body: res.json() };
  };
  const viewCount = async (post: SeededPost) =>
    (await t.app.inject({ method: 'GET', url: `/api/v1/posts/${post.sqid}` })).json().counts.views as number;
  const stats = async (post: SeededPost, who: TestMember, query = '') =>
    t.app.inject({ method: 'GET', url: `/api/v1/posts/${post.sqid}/stats${query}`, headers: who.auth });

  it('counts a member view once per UTC day, only after 2 s', async () => {
    const post = await insertReadyPost(t, artist.id, { approved: true });
    expect(await report(post, { kind: 'view', dwellMs: 1999 }, fan)).toEqual({ status: 202, body: { counted: false, reason: 'too_short' } });
    expect(await report(post, { kind: 'view' }, fan)).toEqual({ status: 202, body: { counted: false, reason: 'too_short' } });
    expect(await report(post, { kind: 'view', dwellMs: 2000 }, fan)).toEqual({ status: 202, body: { counted: true, reason: null } });
    expect(await report(post, { kind: 'view', dwellMs: 60_000 }, fan)).toEqual({ status: 202, body: { counted: false, reason: 'already_counted' } });
    // The same member from another device is still the same viewer.
    expect((await report(post, { kind: 'view', dwellMs: 5000 }, fan, { ip: '198.51.100.1', ua: 'other' })).body.counted).toBe(false);
    expect(await viewCount(post)).toBe(1);
  });

  it("a view from another day does not block today's", async () => {
    const post = await insertReadyPost(t, artist.id, { approved: true });
    const yesterday = utcDay(new Date(Date.now() - 24 * 3600 * 1000));
    await t.app.db.insert(artworkViews).values({ postId: post.id, viewerKey: `u:${fan.id}`, day: yesterday });
    expect((await report(post, { kind: 'view', dwellMs: 3000 }, fan)).body.counted).toBe(true);
    const rows = await t.app.db.select({ day: artworkViews.day }).from(artworkViews).where(eq(artworkViews.postId, post.id));
    expect(rows.map((r) => r.day).sort()).toEqual([yesterday, utcDay()]);
  });

  it('counts visitors by IP and user agent, without storing either', async () => {
    const post = await insertReadyPost(t, artist.id, { approved: true });
    const a = { ip: '192.0.2.10', ua: 'browser-a' };
    expect((await report(post, { kind: 'view', dwellMs: 2500 }, null, a)).body.counted).toBe(true);
    expect((await report(post, { kind: 'view', dwellMs: 2500 }, null, a)).body.counted).toBe(false);
    expect((await report(post, { kind: 'view', dwellMs: 2500 }, null, { ...a, ua: 'browser-b' })).body.counted).toBe(true);
    expect((await report(post, { kind: 'view', dwellMs: 2500 }, null, { ...a, ip: '192.0.2.11' })).body.counted).toBe(true);
    const keys = (await t.app.db.select({ key: artworkViews.viewerKey }).from(artworkViews).where(eq(artworkViews.postId, post.id))).map((r) => r.key);
    expect(keys).toHaveLength(3);
    for (const key of keys) {
      expect(key).toMatch(/^v:[0-9a-f]{64}$/);
      expect(key).not.toContain('192.0.2');
    }
  });

  it("never counts the artist's own views or impressions", async () => {
    const post = await insertReadyPost(t, artist.id, { approved: true });
    expect(await report(post, { kind: 'view', dwellMs: 10_000 }, artist)).toEqual({ status: 202, body: { counted: false, reason: 'own_post' } });
    expect((await report(post, { kind: 'impression' }, artist)).body).toEqual({ counted: false, reason: 'own_post' });
    const s = (await stats(post, artist)).json();
    expect(s.totals).toMatchObject({ views: 0, impressions: 0 });
  });

  it('counts impressions separately, every time', async () => {
    const post = await insertReadyPost(t, artist.id, { approved: true });
    for (let i = 0; i < 3; i++) expect((await report(post, { kind: 'impression' }, fan)).body.counted).toBe(true);
    expect((await report(post, { kind: 'impression' })).body.counted).toBe(true);
    expect(await viewCount(post)).toBe(0);
    const s = (await stats(post, artist)).json();
    expect(s.totals).toEqual({ views: 0, viewsToday: 0, impressions: 4, reactions: 0 });
  });

  it('404 for posts the viewer cannot see; 400 for a bad body', async () => {
    const hidden = await insertReadyPost(t, artist.id, { approved: true });
    await t.app.db.update(posts).set({ hiddenByOwnerAt: new Date() }).where(eq(posts.id, hidden.id));
    expect((await report(hidden, { kind: 'view', dwellMs: 3000 }, fan)).status).toBe(404);
    expect((await report({ id: 0, sqid: 'nope' }, { kind: 'view', dwellMs: 3000 })).status).toBe(404);
    const post = await insertReadyPost(t, artist.id, { approved: true });
    for (const body of [{ kind: 'glance' }, { kind: 'view', dwellMs: -1 }, { kind: 'view', dwellMs: 'long' }]) {
      const res = await report(post, body, fan);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
    }
  });

  it('gives the artist per-day views, impressions and reactions, zero-filled', async () => {
    const post = await insertReadyPost(t, artist.id, { approved: true });
    await report(post, { kind: 'view', dwellMs: 3000 }, fan);
    await report(post, { kind: 'impression' }, fan);
    await report(post, { kind: 'impression' }, fan);
    await t.app.db.insert(reactions).values([
      { postId: post.id, userId: fan.id, emoji: '🔥' },
      { postId: post.id, userId: fan.id, emoji: '✨' },
    ]);
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    await t.app.db.insert(artworkViews).values({ postId: post.id, viewerKey: 'u:999999', day: utcDay(twoDaysAgo) });

    const res = await stats(post, artist, '?days=3');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.days).toEqual([
      { day: utcDay(twoDaysAgo), views: 1, impressions: 0, reactions: 0 },
      { day: utcDay(new Date(Date.now() - 24 * 3600 * 1000)), views: 0, impressions: 0, reactions: 0 },
      { day: utcDay(), views: 1, impressions: 2, reactions: 2 },
    ]);
    expect(body.totals).toEqual({ views: 2, viewsToday: 1, impressions: 2, reactions: 2 });
    expect((await stats(post, artist)).json().days).toHaveLength(30);

    const page = (await t.app.inject({ method: 'GET', url: `/api/v1/posts/${post.sqid}`, headers: artist.auth })).json();
    expect(page.counts).toEqual({ reactions: 2, comments: 0, views: 2 });
    expect(page.ownerInfo.stats).toEqual({ views: 2, viewsToday: 1, impressions: 2, reactions: 2 });
  });

  it('takes at most 120 reports a minute from one IP: the 121st is 429 with Retry-After and not counted', async () => {
    const post = await insertReadyPost(t, artist.id, { approved: true });
    const client = { ip: '198.51.100.120', ua: 'busy-browser' };
    for (let i = 0; i < 120; i++) expect((await report(post, { kind: 'impression' }, null, client)).status).toBe(202);
    const limited = await t.app.inject({
      method: 'POST',
      url: `/api/v1/posts/${post.sqid}/view`,
      headers: { 'x-forwarded-for': client.ip, 'user-agent': client.ua, ...fan.auth },
      payload: { kind: 'view', dwellMs: 3000 },
    });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Per IP: another address is unaffected, and the refused view was not recorded.
    expect((await report(post, { kind: 'impression' }, null, { ...client, ip: '198.51.100.121' })).status).toBe(202);
    expect((await stats(post, artist)).json().totals).toMatchObject({ views: 0, impressions: 121 });
  });

  it('stats are for the artist only', async () => {
    const post = await insertReadyPost(t, artist.id, { approved: true });
    expect((await stats(post, fan)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/posts/${post.sqid}/stats` })).statusCode).toBe(401);
    expect((await stats(post, artist, '?days=0')).statusCode).toBe(400);
  });
});
