import { users } from '@makapix/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextIp, queuedMails, uniqueHandle } from '../../../test/fixtures/accounts.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

describe('sign-up validation (SPEC.md §1, §3)', () => {
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

  it('refuses a duplicate email in another case, telling nothing about the account', async () => {
    const first = valid();
    expect((await register(first)).statusCode).toBe(201);
    const res = await register({ ...valid(), email: first.email.toUpperCase() });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: { code: 'email_taken', message: 'An account with this email already exists' } });
    // Nothing was created and no second mail was queued.
    expect(await t.app.db.select({ id: users.id }).from(users).where(eq(users.handle, first.handle))).toHaveLength(1);
    expect(await queuedMails(t, first.email.toUpperCase())).toHaveLength(0);
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
