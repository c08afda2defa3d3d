import { describe, expect, it } from 'vitest';
import { PageCache } from './page-cache.ts';

describe('PageCache', () => {
  it('serves a stored body until its TTL passes, then builds again', async () => {
    let now = 1000;
    let builds = 0;
    const cache = new PageCache({ ttlMs: 500, maxEntries: 10, now: () => now });
    const build = async () => Buffer.from(`body-${++builds}`);
    expect(String(await cache.get('/a', build))).toBe('body-1');
    now += 499;
    expect(String(cache.peek('/a'))).toBe('body-1');
    expect(String(await cache.get('/a', build))).toBe('body-1');
    now += 1;
    expect(cache.peek('/a')).toBeUndefined();
    expect(String(await cache.get('/a', build))).toBe('body-2');
  });

  it('shares one build between concurrent misses of a key', async () => {
    let builds = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const cache = new PageCache({ ttlMs: 1000, maxEntries: 10 });
    const build = async () => {
      builds += 1;
      await gate;
      return Buffer.from('shared');
    };
    const all = Promise.all([cache.get('/a', build), cache.get('/a', build), cache.get('/a', build)]);
    release();
    expect((await all).map(String)).toEqual(['shared', 'shared', 'shared']);
    expect(builds).toBe(1);
  });

  it('keeps nothing when the build fails, so the next request tries again', async () => {
    const cache = new PageCache({ ttlMs: 1000, maxEntries: 10 });
    await expect(cache.get('/a', async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(cache.size).toBe(0);
    expect(String(await cache.get('/a', async () => Buffer.from('ok')))).toBe('ok');
  });

  it('holds at most maxEntries keys, dropping the oldest first', async () => {
    const cache = new PageCache({ ttlMs: 60_000, maxEntries: 2 });
    const body = (text: string) => async () => Buffer.from(text);
    await cache.get('/1', body('one'));
    await cache.get('/2', body('two'));
    await cache.get('/3', body('three'));
    expect(cache.size).toBe(2);
    expect(cache.peek('/1')).toBeUndefined();
    expect(String(await cache.get('/1', body('one again')))).toBe('one again');
    expect(String(await cache.get('/3', body('unused')))).toBe('three');
  });

  it('is disabled with a zero TTL', () => {
    expect(new PageCache({ ttlMs: 0, maxEntries: 10 }).enabled).toBe(false);
  });
});
