import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, logIn, type TestMember } from '../../../test/fixtures/accounts.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

const b64url = (value: object | Buffer) => (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

/**
 * A JWT built by hand rather than with the app's signer, so these tests do not share the code they
 * check: `alg` and the claims are whatever the test says, signed with HMAC over `secret` (or not at all).
 */
function handMadeToken(header: { alg: string; typ?: string }, claims: Record<string, unknown>, secret: string): string {
  const input = `${b64url({ typ: 'JWT', ...header })}.${b64url(claims)}`;
  if (header.alg === 'none') return `${input}.`;
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[header.alg];
  if (!hash) throw new Error(`cannot sign ${header.alg}`);
  return `${input}.${b64url(createHmac(hash, secret).update(input).digest())}`;
}

describe('access tokens (docs/product.md §3: JWT, HS256 pinned, 15 minutes)', () => {
  let t: TestApp;
  let member: TestMember;
  let secret: string;
  beforeAll(async () => {
    t = await createTestApp();
    member = await createMember(t);
    secret = t.config.auth.jwtSecret;
  });
  afterAll(async () => t.close());

  const now = () => Math.floor(Date.now() / 1000);
  const claims = (over: Record<string, unknown> = {}) => ({ sub: String(member.id), role: 'member', iat: now(), exp: now() + 600, ...over });
  const me = (token: string) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
  const expectRefused = async (token: string) => {
    const res = await me(token);
    expect(res.statusCode, res.body).toBe(401);
    expect(res.json().error.code).toBe('invalid_token');
  };

  it('issues an HS256 token that lives exactly 900 s', async () => {
    const { accessToken } = await logIn(t, member.email, member.password);
    const [header, payload] = accessToken.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'HS256' });
    expect(payload.exp - payload.iat).toBe(900);
    expect(payload.sub).toBe(String(member.id));
    expect(Math.abs(payload.iat - now())).toBeLessThanOrEqual(5);
    expect((await me(accessToken)).statusCode).toBe(200);
  });

  it('accepts a hand-made HS256 token with the right secret (the control for the refusals below)', async () => {
    expect((await me(handMadeToken({ alg: 'HS256' }, claims(), secret))).statusCode).toBe(200);
  });

  it('refuses a token past its lifetime', async () => {
    await expectRefused(handMadeToken({ alg: 'HS256' }, claims({ iat: now() - 901, exp: now() - 1 }), secret));
    await expectRefused(handMadeToken({ alg: 'HS256' }, claims({ iat: now() - 3600, exp: now() - 2700 }), secret));
  });

  it('refuses a token without an expiry, which would otherwise never expire', async () => {
    const { exp: _exp, ...forever } = claims();
    await expectRefused(handMadeToken({ alg: 'HS256' }, forever, secret));
  });

  it('refuses other algorithms, even with the right secret, and alg none', async () => {
    await expectRefused(handMadeToken({ alg: 'HS512' }, claims(), secret));
    await expectRefused(handMadeToken({ alg: 'HS384' }, claims(), secret));
    await expectRefused(handMadeToken({ alg: 'none' }, claims(), secret));
    await expectRefused(handMadeToken({ alg: 'HS256' }, claims(), `${secret}-but-not-quite`));
  });

  it('applies the same rules to the SSE query-string token', async () => {
    for (const token of [handMadeToken({ alg: 'none' }, claims(), secret), handMadeToken({ alg: 'HS256' }, claims({ exp: now() - 1 }), secret)]) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/notifications/stream?access_token=${token}` });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('invalid_token');
    }
  });
});
