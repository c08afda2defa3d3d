import { emailVerificationTokens, refreshTokens, users } from '@makapix/db';
import { jobIds } from '@makapix/protocol';
import { Job, Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextIp, queuedMails, refreshCookieOf, tokenOfLink, uniqueHandle } from '../../../test/fixtures/accounts.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';
import { hashSecretToken } from './secret-token.ts';

describe('accounts: sign-up → verification → sessions (docs/product.md §3)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ OWNER_EMAILS: 'Boss@Example.test, other@example.test' });
  });
  afterAll(async () => t.close());

  const post = (url: string, payload?: object, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { 'x-forwarded-for': nextIp(), ...headers }, ...(payload === undefined ? {} : { payload }) });
  const withCookie = (token: string) => ({ cookie: `mpx_refresh=${token}` });

  it('runs the whole flow: sign up, mail, refused log-in, verify, log in, rotate, reuse, log out', async () => {
    const handle = uniqueHandle('Flow');
    const email = `${handle}@Example.test`;
    const reg = await post('/api/v1/auth/register', { email, password: 'pixels4ever', handle });
    expect(reg.statusCode).toBe(201);
    // Issue 11 §4: the answer echoes the request only, so it is the same for a known address.
    expect(reg.json()).toEqual({ email, handle, verificationSent: true });
    expect(reg.headers['set-cookie']).toBeUndefined();
    const [created] = await t.app.db.select({ id: users.id }).from(users).where(eq(users.handle, handle));

    // The verification mail is queued for the worker, with an idempotent job id and a link to the site.
    const mails = await queuedMails(t, email);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    if (mail.template !== 'verify-email') throw new Error(`unexpected template ${mail.template}`);
    const userId = created!.id;
    expect(mail.userId).toBe(userId);
    expect(mail.verifyUrl).toMatch(/^http:\/\/localhost:8080\/verify-email\?token=[A-Za-z0-9_-]{43}$/);
    const token = tokenOfLink(mail.verifyUrl);
    // Only the SHA-256 of the token is stored, valid 24 h.
    const [stored] = await t.app.db.select().from(emailVerificationTokens).where(eq(emailVerificationTokens.userId, userId));
    expect(stored!.tokenHash).toBe(hashSecretToken(token));
    expect(stored!.tokenHash).not.toContain(token);
    expect(stored!.expiresAt.getTime() - stored!.createdAt.getTime()).toBeGreaterThan(23.9 * 3600_000);
    expect(stored!.expiresAt.getTime() - stored!.createdAt.getTime()).toBeLessThanOrEqual(24 * 3600_000 + 1000);
    const queue = new Queue('email', { connection: { url: t.config.redis.url } });
    const job = await Job.fromId(queue, jobIds.verifyEmail(userId, stored!.id));
    await queue.close();
    expect(job?.data.verifyUrl).toBe(mail.verifyUrl);

    // Log-in is refused until the email is verified (only after the right password).
    let res = await post('/api/v1/auth/login', { email, password: 'pixels4ever' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('email_not_verified');
    expect(refreshCookieOf(res)).toBeUndefined();

    res = await post('/api/v1/auth/verify-email', { token });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'verified' });
    // Single use.
    res = await post('/api/v1/auth/verify-email', { token });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_token');

    // Email matching ignores case.
    res = await post('/api/v1/auth/login', { email: email.toUpperCase(), password: 'pixels4ever' });
    expect(res.statusCode).toBe(200);
    const login = res.json();
    expect(login.user).toMatchObject({ id: t.app.publicId.encode(userId), handle, email, emailVerified: true, role: 'member', monitoredHashtags: [], reputation: 0 });
    const cookie = res.cookies.find((c) => c.name === 'mpx_refresh')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/v1/auth', maxAge: 7 * 24 * 3600 });
    expect(cookie.secure).toBeUndefined(); // NODE_ENV=test; production sets Secure (sessions test)
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${login.accessToken}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json().id).toBe(t.app.publicId.encode(userId));

    // Refresh rotates: a new access token and a new cookie; the old row is marked rotated and linked.
    const first = cookie.value;
    res = await post('/api/v1/auth/refresh', undefined, withCookie(first));
    expect(res.statusCode).toBe(200);
    expect(typeof res.json().accessToken).toBe('string');
    const second = refreshCookieOf(res)!;
    expect(second).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(first);
    const [oldRow] = await t.app.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hashSecretToken(first)));
    const [newRow] = await t.app.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hashSecretToken(second)));
    expect(oldRow!.rotatedAt).not.toBeNull();
    expect(oldRow!.replacedById).toBe(newRow!.id);
    expect(newRow!.familyId).toBe(oldRow!.familyId);
    expect(newRow!.expiresAt.getTime() - Date.now()).toBeGreaterThan(7 * 24 * 3600_000 - 60_000);

    res = await post('/api/v1/auth/refresh', undefined, withCookie(second));
    expect(res.statusCode).toBe(200);
    const third = refreshCookieOf(res)!;

    // Reusing an already-rotated token revokes the family: the newest token fails too.
    res = await post('/api/v1/auth/refresh', undefined, withCookie(first));
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('refresh_token_reused');
    expect(res.cookies.find((c) => c.name === 'mpx_refresh')?.value).toBe('');
    const family = await t.app.db.select().from(refreshTokens).where(eq(refreshTokens.familyId, oldRow!.familyId));
    expect(family).toHaveLength(3);
    expect(family.every((r) => r.revokedAt !== null)).toBe(true);
    res = await post('/api/v1/auth/refresh', undefined, withCookie(third));
    expect(res.statusCode).toBe(401);

    // A new log-in, then log-out revokes that token and clears the cookie.
    res = await post('/api/v1/auth/login', { email, password: 'pixels4ever' });
    const fresh = refreshCookieOf(res)!;
    res = await post('/api/v1/auth/logout', undefined, withCookie(fresh));
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    const cleared = res.cookies.find((c) => c.name === 'mpx_refresh')!;
    expect(cleared.value).toBe('');
    expect(cleared.path).toBe('/api/v1/auth');
    const [loggedOut] = await t.app.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hashSecretToken(fresh)));
    expect(loggedOut!.revokedAt).not.toBeNull();
    res = await post('/api/v1/auth/refresh', undefined, withCookie(fresh));
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('invalid_token');
    // Log-out without a cookie is still fine.
    expect((await post('/api/v1/auth/logout')).statusCode).toBe(204);
  });

  it('answers refresh without a cookie, or with an unknown or expired one, with 401', async () => {
    let res = await post('/api/v1/auth/refresh');
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('invalid_token');
    res = await post('/api/v1/auth/refresh', undefined, withCookie('x'.repeat(43)));
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('invalid_token');

    const handle = uniqueHandle();
    const email = `${handle}@example.test`;
    await post('/api/v1/auth/register', { email, password: 'pixels4ever', handle });
    const [mail] = await queuedMails(t, email);
    await post('/api/v1/auth/verify-email', { token: tokenOfLink((mail as { verifyUrl: string }).verifyUrl) });
    const login = await post('/api/v1/auth/login', { email, password: 'pixels4ever' });
    const token = refreshCookieOf(login)!;
    await t.app.db.update(refreshTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(refreshTokens.tokenHash, hashSecretToken(token)));
    res = await post('/api/v1/auth/refresh', undefined, withCookie(token));
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('token_expired');
  });

  it('refuses unknown and expired verification tokens', async () => {
    let res = await post('/api/v1/auth/verify-email', { token: 'A'.repeat(43) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_token');
    res = await post('/api/v1/auth/verify-email', { token: 'short' });
    expect(res.json().error.code).toBe('invalid_token');

    const handle = uniqueHandle();
    const email = `${handle}@example.test`;
    await post('/api/v1/auth/register', { email, password: 'pixels4ever', handle });
    const [mail] = await queuedMails(t, email);
    const token = tokenOfLink((mail as { verifyUrl: string }).verifyUrl);
    await t.app.db.update(emailVerificationTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(emailVerificationTokens.tokenHash, hashSecretToken(token)));
    res = await post('/api/v1/auth/verify-email', { token });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_token');
    const [row] = await t.app.db.select({ v: users.emailVerifiedAt }).from(users).where(eq(users.email, email));
    expect(row!.v).toBeNull();
  });

  it('resends verification only for unverified accounts, answering 202 either way', async () => {
    const handle = uniqueHandle();
    const email = `${handle}@example.test`;
    await post('/api/v1/auth/register', { email, password: 'pixels4ever', handle });
    let res = await post('/api/v1/auth/resend-verification', { email: email.toUpperCase() });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ status: 'accepted' });
    const mails = await queuedMails(t, email);
    expect(mails).toHaveLength(2);
    // The newer link works (and the older one stays valid until used or expired).
    const newest = tokenOfLink((mails[1] as { verifyUrl: string }).verifyUrl);
    expect((await post('/api/v1/auth/verify-email', { token: newest })).statusCode).toBe(200);

    res = await post('/api/v1/auth/resend-verification', { email });
    expect(res.statusCode).toBe(202);
    expect(await queuedMails(t, email)).toHaveLength(2); // verified: nothing more sent

    const unknown = `${uniqueHandle()}@example.test`;
    res = await post('/api/v1/auth/resend-verification', { email: unknown });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ status: 'accepted' });
    expect(await queuedMails(t, unknown)).toHaveLength(0);
  });

  it('caps account mails per address without telling the caller', async () => {
    const handle = uniqueHandle();
    const email = `${handle}@example.test`;
    await post('/api/v1/auth/register', { email, password: 'pixels4ever', handle });
    for (let i = 0; i < 8; i++) expect((await post('/api/v1/auth/resend-verification', { email })).statusCode).toBe(202);
    // 1 at sign-up + 5 per hour per address.
    expect(await queuedMails(t, email)).toHaveLength(6);
  });

  it('documents every account and profile route in the OpenAPI document', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = res.json().paths as Record<string, Record<string, { tags?: string[]; summary?: string }>>;
    const expected = [
      ['post', '/api/v1/auth/register'], ['post', '/api/v1/auth/verify-email'], ['post', '/api/v1/auth/resend-verification'],
      ['post', '/api/v1/auth/login'], ['post', '/api/v1/auth/refresh'], ['post', '/api/v1/auth/logout'],
      ['post', '/api/v1/auth/forgot-password'], ['post', '/api/v1/auth/reset-password'], ['post', '/api/v1/me/password'],
      ['get', '/api/v1/me'], ['patch', '/api/v1/me'], ['get', '/api/v1/users/{sqid}'], ['get', '/api/v1/users/by-handle/{handle}'],
      ['post', '/api/v1/admin/users/{sqid}/role'],
    ] as const;
    for (const [method, path] of expected) {
      const op = paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op!.tags?.length).toBeGreaterThan(0);
      expect(op!.summary).toBeTruthy();
    }
  });

  it('makes OWNER_EMAILS members site owners at sign-up and at log-in', async () => {
    const handle = uniqueHandle();
    const reg = await post('/api/v1/auth/register', { email: 'boss@example.test', password: 'pixels4ever', handle });
    expect(reg.statusCode).toBe(201);
    const [boss] = await t.app.db.select({ role: users.role }).from(users).where(eq(users.handle, handle));
    expect(boss!.role).toBe('owner');

    // An account that existed before its address was listed becomes owner at its next log-in.
    const other = uniqueHandle();
    await post('/api/v1/auth/register', { email: 'Other@example.test', password: 'pixels4ever', handle: other });
    await t.app.db.update(users).set({ role: 'member', emailVerifiedAt: new Date() }).where(eq(users.handle, other));
    const res = await post('/api/v1/auth/login', { email: 'other@example.test', password: 'pixels4ever' });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.role).toBe('owner');
    const payload = JSON.parse(Buffer.from(res.json().accessToken.split('.')[1], 'base64url').toString());
    expect(payload.role).toBe('owner');
  });
});
