import { heartbeatKey, heartbeatSeenKey } from '@makapix/protocol';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('GET /api/health', () => {
  let t: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    t = await createTestApp();
    redis = new Redis(t.config.redis.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await t.close();
  });

  it('is 200 with db and redis up and absent worker/broker', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('ok');
    expect(body.components.db.status).toBe('up');
    expect(body.components.redis.status).toBe('up');
    expect(body.components.worker).toEqual({ status: 'absent', instances: 0, lastSeenAt: null, members: [] });
    expect(body.components.broker.status).toBe('absent');
  });

  it('reports a beating worker as up, and a silent one as down with 503', async () => {
    const at = new Date().toISOString();
    const beat = { component: 'worker', instanceId: 'w1', pid: 1, startedAt: at, at };
    await redis.set(heartbeatKey('worker', 'w1'), JSON.stringify(beat), 'EX', 15);
    await redis.set(heartbeatSeenKey('worker'), at);
    let res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json().components.worker).toEqual({
      status: 'up',
      instances: 1,
      lastSeenAt: at,
      members: [{ instanceId: 'w1', pid: 1, startedAt: at, lastSeenAt: at }],
    });

    await redis.del(heartbeatKey('worker', 'w1'));
    res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json().status).toBe('degraded');
    expect(res.json().components.worker.status).toBe('down');
    await redis.del(heartbeatSeenKey('worker'));
  });
});

describe('api skeleton', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('serves the OpenAPI document and the docs page', async () => {
    const spec = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(spec.statusCode).toBe(200);
    expect(spec.json().openapi).toMatch(/^3\./);
    expect(Object.keys(spec.json().paths)).toContain('/api/health');
    const page = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
  });

  it('answers unknown routes with the error envelope', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'No route GET /api/nope' } });
  });

  it('sets security headers on every response', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
  });
});
