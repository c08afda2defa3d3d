import { passwordResetTokens, refreshTokens, users } from '@makapix/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, logIn, nextIp, queuedMails, refreshCookieOf, tokenOfLink, uniqueHandle } from '../../../test/fixtures/accounts.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';
import { hashSecretToken } from './secret-token.ts';

describe('accounts: sessions, passwords, bans and limits (docs/product.md §3)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const post = (url: string, payload?: object, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { 'x-forwarded-for': nextIp(), ...headers }, ...(payload === undefined ? {} : { payload }) });
  const refresh = (token: string) => post('/api/v1/auth/refresh', undefined, { cookie: `mpx_refresh=${token}` });

  it('lets exactly one of two concurrent refreshes with the same token succeed', async () => {
    const m = await createMember(t);
    const { refreshToken } = await logIn(t, m.email, m.password);
    const results = await Promise.all([refresh(refreshToken), refresh(refreshToken)]);
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 401]);
    expect(results.find((r) => r.statusCode === 401)!.json().error.code).toBe('refresh_token_reused');
    // The loser presented an already-rotated token, so the family is closed (docs/product.md §3).
    const [row] = await t.app.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hashSecretToken(refreshToken)));
    const family = await t.app.db.select().from(refreshTokens).where(eq(refreshTokens.familyId, row!.familyId));
    expect(family).toHaveLength(2);
    expect(family.filter((r) => r.rotatedAt !== null)).toHaveLength(1);
    expect(family.every((r) => r.revokedAt !== null)).toBe(true);
  });

  it('lets exactly one of a burst of refreshes with the same token succeed', async () => {
    const m = await createMember(t);
    const { refreshToken } = await logIn(t, m.email, m.password);
    const results = await Promise.all(Array.from({ length: 8 }, () => refresh(refreshToken)));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 401 && r.json().error.code === 'refresh_token_reused')).toHaveLength(7);
    const [row] = await t.app.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hashSecretToken(refreshToken)));
    const family = await t.app.db.select().from(refreshTokens).where(eq(refreshTokens.familyId, row!.familyId));
    expect(family).toHaveLength(2);
    expect(family.filter((r) => r.rotatedAt !== null)).toHaveLength(1);
    expect(family.every((r) => r.revokedAt !== null)).toBe(true);
  });

  it('answers a wrong password and an unknown email alike, spending the KDF for both', async () => {
    const m = await createMember(t);
    const wrong = await post('/api/v1/auth/login', { email: m.email, password: 'wrong-password1' });
    const unknown = await post('/api/v1/auth/login', { email: `${uniqueHandle()}@example.test`, password: 'wrong-password1' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
    expect(wrong.json().error.code).toBe('invalid_credentials');

    const timed = async (email: string) => {
      const started = performance.now();
      await post('/api/v1/auth/login', { email, password: 'wrong-password1' });
      return performance.now() - started;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1]!;
    const known: number[] = [];
    const missing: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await timed(m.email));
      missing.push(await timed(`${uniqueHandle()}@example.test`));
    }
    // Without the dummy KDF an unknown email would answer in a few ms instead of a full scrypt.
    expect(median(missing)).toBeGreaterThan(median(known) * 0.4);
  }, 60_000);

  it('mails a 1-hour reset link; the reset is single-use and revokes every session', async () => {
    const m = await createMember(t);
    const a = await logIn(t, m.email, m.password);
    const b = await logIn(t, m.email, m.password);

    let res = await post('/api/v1/auth/forgot-password', { email: m.email.toUpperCase() });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ status: 'accepted' });
    const [mail] = await queuedMails(t, m.email);
    if (mail?.template !== 'reset-password') throw new Error('no reset mail queued');
    expect(mail.userId).toBe(m.id);
    expect(mail.resetUrl).toMatch(/^http:\/\/localhost:8080\/reset-password\?token=[A-Za-z0-9_-]{43}$/);
    const token = tokenOfLink(mail.resetUrl);
    const [stored] = await t.app.db.select().from(passwordResetTokens).where(eq(passwordResetTokens.tokenHash, hashSecretToken(token)));
    expect(stored!.expiresAt.getTime() - stored!.createdAt.getTime()).toBeLessThanOrEqual(3600_000 + 1000);
    expect(stored!.expiresAt.getTime() - stored!.createdAt.getTime()).toBeGreaterThan(3590_000);

    // A weak new password is refused without spending the token.
    res = await post('/api/v1/auth/reset-password', { token, password: 'weak' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_error');

    res = await post('/api/v1/auth/reset-password', { token, password: 'brand-new-pass9' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'password_reset' });
    const rows = await t.app.db.select().from(refreshTokens).where(eq(refreshTokens.userId, m.id));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((r) => r.revokedAt !== null)).toBe(true);
    expect((await refresh(a.refreshToken)).statusCode).toBe(401);
    expect((await refresh(b.refreshToken)).statusCode).toBe(401);

    res = await post('/api/v1/auth/reset-password', { token, password: 'another-pass9' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_token');
    expect((await post('/api/v1/auth/login', { email: m.email, password: m.password })).statusCode).toBe(401);
    expect((await post('/api/v1/auth/login', { email: m.email, password: 'brand-new-pass9' })).statusCode).toBe(200);
  }, 60_000);

  it('refuses an expired reset link and never reveals whether an email exists', async () => {
    const unknown = `${uniqueHandle()}@example.test`;
    const res = await post('/api/v1/auth/forgot-password', { email: unknown });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ status: 'accepted' });
    expect(await queuedMails(t, unknown)).toHaveLength(0);

    const m = await createMember(t);
    await post('/api/v1/auth/forgot-password', { email: m.email });
    const [mail] = await queuedMails(t, m.email);
    const token = tokenOfLink((mail as { resetUrl: string }).resetUrl);
    await t.app.db.update(passwordResetTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(passwordResetTokens.userId, m.id));
    const reset = await post('/api/v1/auth/reset-password', { token, password: 'brand-new-pass9' });
    expect(reset.statusCode).toBe(400);
    expect(reset.json().error.code).toBe('invalid_token');
    expect((await post('/api/v1/auth/reset-password', { token: 'B'.repeat(43), password: 'brand-new-pass9' })).json().error.code).toBe('invalid_token');
  });

  it('changes the password with the current one, closing every other session', async () => {
    const m = await createMember(t);
    const other = await logIn(t, m.email, m.password);
    let res = await post('/api/v1/me/password', { currentPassword: 'not-it-123', newPassword: 'changed-pass7' }, m.auth);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('invalid_credentials');
    res = await post('/api/v1/me/password', { currentPassword: m.password, newPassword: 'nodigits' }, m.auth);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_error');
    expect((await post('/api/v1/me/password', { currentPassword: m.password, newPassword: 'changed-pass7' })).statusCode).toBe(401);

    res = await post('/api/v1/me/password', { currentPassword: m.password, newPassword: 'changed-pass7' }, m.auth);
    expect(res.statusCode).toBe(200);
    expect(res.json().user.id).toBe(m.sqid);
    const mine = refreshCookieOf(res)!;
    expect((await refresh(other.refreshToken)).statusCode).toBe(401);
    expect((await refresh(mine)).statusCode).toBe(200);
    expect((await post('/api/v1/auth/login', { email: m.email, password: 'changed-pass7' })).statusCode).toBe(200);
  });

  it('refuses a banned member everywhere: log-in, access token, refresh', async () => {
    const m = await createMember(t);
    const { refreshToken } = await logIn(t, m.email, m.password);
    const until = new Date(Date.now() + 3600_000);
    await t.app.db.update(users).set({ bannedUntil: until }).where(eq(users.id, m.id));

    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: m.auth });
    expect(me.statusCode).toBe(403);
    expect(me.json().error.code).toBe('banned');
    const login = await post('/api/v1/auth/login', { email: m.email, password: m.password });
    expect(login.statusCode).toBe(403);
    expect(login.json().error.code).toBe('banned');
    const res = await refresh(refreshToken);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('banned');

    // When the ban is over, the session resumes.
    await t.app.db.update(users).set({ bannedUntil: new Date(Date.now() - 1000) }).where(eq(users.id, m.id));
    expect((await refresh(refreshToken)).statusCode).toBe(200);
  });

  it('rate-limits log-in to 20 per 5 minutes per IP with Retry-After', async () => {
    const ip = nextIp();
    const attempt = () => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'x-forwarded-for': ip }, payload: { email: 'nobody@example.test', password: 'wrong-pass1' } });
    for (let i = 0; i < 20; i++) expect((await attempt()).statusCode).toBe(401);
    const limited = await attempt();
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(300);
    // Another address is not affected.
    expect((await post('/api/v1/auth/login', { email: 'nobody@example.test', password: 'wrong-pass1' })).statusCode).toBe(401);
  }, 120_000);

  it('rate-limits sign-up (30/h) and forgot-password (15/h) per IP', async () => {
    const m = await createMember(t);
    const ip = { 'x-forwarded-for': nextIp() };
    // A known address answers 201 like a new one (issue 11 §4): the limit is the same either way.
    const register = () => t.app.inject({ method: 'POST', url: '/api/v1/auth/register', headers: ip, payload: { email: m.email, password: 'pixels4ever', handle: uniqueHandle() } });
    for (let i = 0; i < 30; i++) expect((await register()).statusCode).toBe(201);
    expect((await register()).statusCode).toBe(429);

    const forgot = () => t.app.inject({ method: 'POST', url: '/api/v1/auth/forgot-password', headers: ip, payload: { email: 'nobody@example.test' } });
    for (let i = 0; i < 15; i++) expect((await forgot()).statusCode).toBe(202);
    const limited = await forgot();
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('refresh cookie in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      NODE_ENV: 'production',
      JWT_SECRET: 'test-production-jwt-secret-0123456789abcdef',
      BROKER_SERVICE_PASSWORD: 'test-production-broker-password',
      KEY_ENCRYPTION_SECRET: 'test-production-key-encryption-secret-0123',
      DEVICE_INBOX_ENABLED: 'false',
    });
  });
  afterAll(async () => t.close());

  it('is Secure, HttpOnly, SameSite=Lax, scoped to /api/v1/auth, 7 days', async () => {
    const m = await createMember(t);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'x-forwarded-for': nextIp() }, payload: { email: m.email, password: m.password } });
    expect(res.statusCode).toBe(200);
    const header = String(res.headers['set-cookie']);
    expect(header).toMatch(/^mpx_refresh=[A-Za-z0-9_-]{43};/);
    for (const attr of ['Max-Age=604800', 'Path=/api/v1/auth', 'HttpOnly', 'Secure', 'SameSite=Lax']) expect(header).toContain(attr);
  });
});
