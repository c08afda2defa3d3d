import { describe, expect, it } from 'vitest';
import { jwtExpiry, renewDelay, TokenKeeper } from './session.ts';

const b64url = (v: unknown) => btoa(JSON.stringify(v)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const jwt = (exp: number) => `${b64url({ alg: 'HS256' })}.${b64url({ sub: '1', exp })}.sig`;
const res = (status: number) => new Response(status === 204 ? null : '{}', { status });

describe('jwtExpiry / renewDelay', () => {
  it('reads exp in milliseconds and renews a minute ahead', () => {
    expect(jwtExpiry(jwt(1_000))).toBe(1_000_000);
    expect(jwtExpiry('garbage')).toBeNull();
    expect(jwtExpiry('a.!!!.c')).toBeNull();
    expect(renewDelay(1_000_000, 100_000)).toBe(840_000);
    expect(renewDelay(1_000_000, 990_000)).toBe(5_000);
  });
});

describe('TokenKeeper', () => {
  it('shares one renewal between concurrent callers', async () => {
    let renewals = 0;
    const keeper = new TokenKeeper(async () => {
      renewals += 1;
      await new Promise((r) => setTimeout(r, 5));
      return `t${renewals}`;
    });
    const [a, b, c] = await Promise.all([keeper.renew(), keeper.renew(), keeper.renew()]);
    expect([a, b, c]).toEqual(['t1', 't1', 't1']);
    expect(renewals).toBe(1);
    expect(keeper.current).toBe('t1');
  });

  it('renews once on 401 and retries with the new token', async () => {
    const keeper = new TokenKeeper(async () => 'fresh');
    keeper.set('stale');
    const seen: (string | null)[] = [];
    const answer = await keeper.authorized(async (token) => {
      seen.push(token);
      return res(token === 'fresh' ? 200 : 401);
    });
    expect(answer.status).toBe(200);
    expect(seen).toEqual(['stale', 'fresh']);
  });

  it('signs out after a second 401 and never loops', async () => {
    let renewals = 0;
    const keeper = new TokenKeeper(async () => `r${++renewals}`);
    keeper.set('stale');
    let calls = 0;
    const answer = await keeper.authorized(async () => {
      calls += 1;
      return res(401);
    });
    expect(answer.status).toBe(401);
    expect(calls).toBe(2);
    expect(renewals).toBe(1);
    expect(keeper.current).toBeNull();
  });

  it('does not renew for a visitor (no token) and passes other statuses through', async () => {
    let renewals = 0;
    const keeper = new TokenKeeper(async () => `r${++renewals}`);
    expect((await keeper.authorized(async () => res(401))).status).toBe(401);
    keeper.set('ok');
    expect((await keeper.authorized(async () => res(403))).status).toBe(403);
    expect(renewals).toBe(0);
  });

  it('signs out when the renewal is refused, but not when the network fails', async () => {
    const refused = new TokenKeeper(async () => null);
    refused.set('stale');
    expect(await refused.renew()).toBeNull();
    expect(refused.current).toBeNull();
    const offline = new TokenKeeper(async () => {
      throw new TypeError('offline');
    });
    offline.set('stale');
    expect(await offline.renew()).toBeNull();
    expect(offline.current).toBe('stale');
  });

  it('reuses a token renewed by another call instead of rotating the cookie again', async () => {
    let renewals = 0;
    const keeper = new TokenKeeper(async () => `r${++renewals}`);
    keeper.set('old');
    const answer = await keeper.authorized(async (token) => {
      if (token === 'old') {
        keeper.set('other-call');
        return res(401);
      }
      return res(200);
    });
    expect(answer.status).toBe(200);
    expect(renewals).toBe(0);
  });
});

describe('session hint', () => {
  it('is set while signed in and cleared on sign-out, and storage errors never break the page', async () => {
    const { readHint, writeHint } = await import('./session.ts');
    const map = new Map<string, string>();
    const store = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), removeItem: (k: string) => void map.delete(k) };
    expect(readHint(store)).toBe(false);
    writeHint(store, true);
    expect(readHint(store)).toBe(true);
    writeHint(store, false);
    expect(readHint(store)).toBe(false);
    const broken = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); }, removeItem: () => {} };
    expect(readHint(broken)).toBe(true);
    expect(() => writeHint(broken, true)).not.toThrow();
    expect(readHint(null)).toBe(false);
  });
});
