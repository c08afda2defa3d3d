import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArtist } from '../../../test/fixtures/posting.ts';
import { insertReadyPost } from '../../../test/fixtures/seed-rows.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

// The visitors' micro-cache of public feed pages (page-cache.ts), with a TTL long enough to observe.
describe('visitor feed micro-cache', () => {
  const TTL_MS = 1500;
  let cached: TestApp;
  let uncached: TestApp;
  beforeAll(async () => {
    cached = await createTestApp({ FEED_CACHE_TTL_MS: String(TTL_MS) });
    uncached = await createTestApp();
  });
  afterAll(async () => {
    await cached.close();
    await uncached.close();
  });

  const get = (t: TestApp, url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
  const ids = (body: string): string[] => JSON.parse(body).items.map((i: { id: string }) => i.id);

  it('answers visitors with the same bytes and headers as an uncached page', async () => {
    for (const t of [cached, uncached]) {
      const artist = await createArtist(t);
      await insertReadyPost(t, artist.id, { approved: true, promoted: true, hashtags: ['same'], title: 'same bytes' });
    }
    for (const url of ['/api/v1/feeds/recent?limit=5', '/api/v1/feeds/promoted', '/api/v1/feeds/hashtags/same']) {
      const first = await get(cached, url);
      const again = await get(cached, url);
      const fresh = await get(uncached, url);
      expect(first.statusCode).toBe(200);
      expect(again.body).toBe(first.body);
      expect(again.headers['content-type']).toBe(fresh.headers['content-type']);
      expect(again.headers['x-content-type-options']).toBe('nosniff');
      // Same shape as the uncached route (ids and handles differ between the two databases).
      expect(Object.keys(JSON.parse(again.body))).toEqual(Object.keys(JSON.parse(fresh.body)));
      expect(Object.keys(JSON.parse(again.body).items[0])).toEqual(Object.keys(JSON.parse(fresh.body).items[0]));
    }
  });

  it('shows a new post to visitors once the TTL has passed, and to members at once', async () => {
    const artist = await createArtist(cached);
    const url = '/api/v1/feeds/recent?limit=200';
    await get(cached, url);
    const post = await insertReadyPost(cached, artist.id, { approved: true });
    expect(ids((await get(cached, url)).body)).not.toContain(post.sqid);
    expect(ids((await get(cached, url, artist.auth)).body)).toContain(post.sqid);
    await new Promise((r) => setTimeout(r, TTL_MS + 50));
    expect(ids((await get(cached, url)).body)).toContain(post.sqid);
  });

  it('never caches an error, and validates every request', async () => {
    const bad = await get(cached, '/api/v1/feeds/recent?cursor=not-a-cursor');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_error');
    expect((await get(cached, '/api/v1/feeds/recent?limit=500')).statusCode).toBe(400);
    expect((await get(cached, '/api/v1/feeds/recent?cursor=not-a-cursor')).statusCode).toBe(400);
  });
});
