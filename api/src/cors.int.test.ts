import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/helpers.ts';

// docs/product.md §3 "CORS by explicit origin list": the web app's origins (CORS_ORIGINS) may call the api
// with credentials (the refresh cookie); any other origin gets no CORS grant at all.
describe('CORS (CORS_ORIGINS)', () => {
  const allowed = 'https://makapix.example';
  const alsoAllowed = 'http://localhost:3000';
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ CORS_ORIGINS: `${allowed}, ${alsoAllowed}` });
  });
  afterAll(async () => t.close());

  const get = (origin: string) => t.app.inject({ method: 'GET', url: '/api/v1/feeds/recent', headers: { origin } });
  const preflight = (origin: string, method = 'DELETE') =>
    t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/posts/abc',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type' },
    });

  it('grants each listed origin, with credentials, and varies the response by Origin', async () => {
    for (const origin of [allowed, alsoAllowed]) {
      const res = await get(origin);
      expect(res.statusCode).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(String(res.headers.vary)).toMatch(/origin/i);
    }
  });

  it('answers a preflight from a listed origin for an authenticated, JSON, mutating call', async () => {
    for (const method of ['DELETE', 'PATCH', 'PUT', 'POST']) {
      const res = await preflight(allowed, method);
      expect(res.statusCode, method).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(allowed);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(String(res.headers['access-control-allow-methods'])).toContain(method);
      expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
      expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toContain('content-type');
    }
  });

  it('grants nothing to a foreign origin, a look-alike, or the null origin', async () => {
    for (const origin of ['https://evil.example', 'https://makapix.example.evil.example', `${allowed}:8443`, 'http://makapix.example', 'null']) {
      const res = await get(origin);
      expect(res.statusCode).toBe(200);
      expect(res.headers['access-control-allow-origin'], origin).toBeUndefined();
      expect(res.headers['access-control-allow-credentials'], origin).toBeUndefined();

      const pre = await preflight(origin);
      expect(pre.headers['access-control-allow-origin'], origin).toBeUndefined();
      expect(pre.headers['access-control-allow-credentials'], origin).toBeUndefined();
    }
  });

  it('never answers with a wildcard', async () => {
    const res = await get(allowed);
    expect(res.headers['access-control-allow-origin']).not.toBe('*');
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/feeds/recent' });
    expect(none.headers['access-control-allow-origin']).toBeUndefined();
  });
});
