import { users } from '@makapix/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextIp, queuedMails, uniqueHandle } from '../../../test/fixtures/accounts.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('sign-up validation (docs/product.md §1, §3)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const register = (payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/auth/register', headers: { 'x-forwarded-for': nextIp() }, payload });
  const valid = () => {
    const handle = uniqueHandle();
    return { email: `${handle}@example.test`, password: 'pixels4ever', handle };
  };

  it.each([
    ['a short password', { password: 'pix3l' }, 'body.password'],
    ['a password without a digit', { password: 'onlyletters' }, 'body.password'],
    ['a password without a letter', { password: '1234567890' }, 'body.password'],
    ['a 2-character handle', { handle: 'ab' }, 'body.handle'],
    ['a 33-character handle', { handle: 'a'.repeat(33) }, 'body.handle'],
    ['a handle with spaces', { handle: 'pixel art' }, 'body.handle'],
    ['a handle starting with a dot', { handle: '.pixel' }, 'body.handle'],
    ['a handle too short once folded', { handle: 'rnx' }, 'body.handle'],
    ['a malformed email', { email: 'not-an-email' }, 'body.email'],
  ])('refuses %s with 400 validation_error naming the field', async (_what, override, path) => {
    const res = await register({ ...valid(), ...override });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('validation_error');
    expect(error.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it('refuses a body with missing fields, listing every problem', async () => {
    const res = await register({});
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.email', 'body.handle', 'body.password']);
  });

  it('refuses a handle that only differs by case or look-alike characters (Pixel vs p1xel)', async () => {
    const first = await register({ ...valid(), handle: 'Pixel' });
    expect(first.statusCode).toBe(201);
    for (const handle of ['p1xel', 'PIXEL', 'pixe1', 'P1XE1']) {
      const res = await register({ ...valid(), handle });
      expect(res.statusCode, handle).toBe(409);
      expect(res.json().error).toEqual({ code: 'handle_taken', message: 'This handle (or one that looks like it) is taken' });
    }
    expect((await register({ ...valid(), handle: 'Pixels' })).statusCode).toBe(201);
  });

  it('refuses reserved handles in any spelling', async () => {
    for (const handle of ['admin', 'Adm1n', 'MAKAP1X']) {
      const res = await register({ ...valid(), handle });
      expect(res.statusCode, handle).toBe(409);
      expect(res.json().error.code).toBe('handle_taken');
    }
  });

  it('answers a known email (in another case) exactly like a new one, and mails its owner instead (issue 11 §4)', async () => {
    const first = valid();
    expect((await register(first)).statusCode).toBe(201);
    const known = { ...valid(), email: first.email.toUpperCase() };
    const fresh = valid();
    const [knownRes, freshRes] = [await register(known), await register(fresh)];
    // Same status, same headers that matter, same body shape and the same echo of the request.
    expect(knownRes.statusCode).toBe(201);
    expect(freshRes.statusCode).toBe(201);
    expect(knownRes.json()).toEqual({ email: known.email, handle: known.handle, verificationSent: true });
    expect(freshRes.json()).toEqual({ email: fresh.email, handle: fresh.handle, verificationSent: true });
    expect(knownRes.headers['content-type']).toBe(freshRes.headers['content-type']);
    expect(knownRes.headers['set-cookie']).toBeUndefined();
    // No second account; the owner of the address gets the "someone tried to sign up" mail with a reset link.
    expect(await t.app.db.select({ id: users.id }).from(users).where(eq(users.handle, known.handle))).toHaveLength(0);
    const mails = await queuedMails(t, first.email);
    expect(mails.map((m) => m.template)).toEqual(['verify-email', 'sign-up-attempt']);
    const attempt = mails[1]!;
    if (attempt.template !== 'sign-up-attempt') throw new Error('unexpected template');
    expect(attempt.resetUrl).toMatch(/\/reset-password\?token=[A-Za-z0-9_-]{43}$/);
    const [owner] = await t.app.db.select({ id: users.id }).from(users).where(eq(users.handle, first.handle));
    expect(attempt.userId).toBe(owner!.id);
    // The reset link works: the owner can choose a new password with it.
    const reset = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/reset-password',
      headers: { 'x-forwarded-for': nextIp() },
      payload: { token: new URL(attempt.resetUrl).searchParams.get('token'), password: 'newpixels5ever' },
    });
    expect(reset.statusCode).toBeLessThan(300);
  });

  it('holds the handle asked for with a known email, as a new account holds its own', async () => {
    const first = valid();
    await register(first);
    const known = { ...valid(), email: first.email };
    const fresh = valid();
    await register(known);
    await register(fresh);
    // A second sign-up with either handle meets the same handle_taken.
    for (const handle of [known.handle, fresh.handle]) {
      const res = await register({ ...valid(), handle });
      expect(res.statusCode, handle).toBe(409);
      expect(res.json().error.code).toBe('handle_taken');
    }
  });

  it('settles racing sign-ups for look-alike handles with the unique index: exactly one wins', async () => {
    const base = uniqueHandle('Race');
    const attempts = [base, base.toUpperCase(), base.replace('R', 'r'), `${base.slice(0, -1)}${base.at(-1)!.toUpperCase()}`];
    const results = await Promise.all(attempts.map((handle) => register({ ...valid(), handle })));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 409 && r.json().error.code === 'handle_taken')).toHaveLength(attempts.length - 1);
  });

  it('stores full-width handles in their NFKC (ASCII) form', async () => {
    const res = await register({ ...valid(), handle: 'Ｐｉｘｅｌａｒｔ' });
    expect(res.statusCode).toBe(201);
    expect(res.json().handle).toBe('Pixelart');
  });
});
