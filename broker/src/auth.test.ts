import { describe, expect, it } from 'vitest';
import { authenticateDevice, authenticateService, secretEquals } from './auth.ts';
import type { AccessDecision } from './player-access.ts';

const KEY = '0b5c1c3e-9f0a-4d1e-8a2b-3c4d5e6f7a8b';
const OTHER = '7d1e2f3a-4b5c-4d6e-9f70-8192a3b4c5d6';
const peer = { playerKey: KEY, certSerial: '4a5b' };
const allow = async (): Promise<AccessDecision> => ({ allowed: true });
const deps = (over: Partial<Parameters<typeof authenticateDevice>[2]> = {}) => ({ isRevokedInCrl: () => false, checkAccess: allow, ...over });

describe('authenticateDevice (docs/device-protocol.md §1)', () => {
  it('accepts `{key}` and `…-{key}` client ids and yields the certificate identity', async () => {
    for (const clientId of [KEY, `p3a-${KEY}`, `rpi-player-${KEY}`]) {
      expect(await authenticateDevice(peer, clientId, deps())).toEqual({ ok: true, identity: { kind: 'player', playerKey: KEY, certSerial: '4a5b' } });
    }
  });

  it('rejects any other client id with "identifier rejected" (2) before touching the database', async () => {
    let queried = false;
    const checkAccess = async (): Promise<AccessDecision> => {
      queried = true;
      return { allowed: true };
    };
    for (const clientId of [`p3a-${OTHER}`, OTHER, `${KEY}-p3a`, `p3a${KEY}`, '', 'mqttjs_1']) {
      expect(await authenticateDevice(peer, clientId, deps({ checkAccess }))).toMatchObject({ ok: false, returnCode: 2 });
    }
    expect(queried).toBe(false);
  });

  it('refuses a serial in the CRL and any database denial with "not authorized" (5)', async () => {
    expect(await authenticateDevice(peer, KEY, deps({ isRevokedInCrl: (s) => s === '4a5b' }))).toMatchObject({ ok: false, returnCode: 5, reason: 'certificate_revoked' });
    const banned = async (): Promise<AccessDecision> => ({ allowed: false, reason: 'owner_banned' });
    expect(await authenticateDevice(peer, KEY, deps({ checkAccess: banned }))).toMatchObject({ ok: false, returnCode: 5, reason: 'owner_banned' });
  });

  it('fails closed with "server unavailable" (3) when the database is unreachable', async () => {
    const down = async (): Promise<AccessDecision> => {
      throw new Error('ECONNREFUSED');
    };
    expect(await authenticateDevice(peer, KEY, deps({ checkAccess: down }))).toMatchObject({ ok: false, returnCode: 3 });
  });
});

describe('authenticateService', () => {
  const account = { username: 'makapix-api', password: 'a-long-service-password' };
  it('accepts exactly the configured credentials', () => {
    expect(authenticateService(account, 'makapix-api', Buffer.from('a-long-service-password'))).toEqual({ ok: true, identity: { kind: 'service', username: 'makapix-api' } });
  });
  it.each([
    ['makapix-api', 'wrong'],
    ['other', 'a-long-service-password'],
    [undefined, 'a-long-service-password'],
    ['makapix-api', undefined],
    ['makapix-api', ''],
  ])('refuses %j / %j with "bad username or password" (4)', (username, password) => {
    expect(authenticateService(account, username, password === undefined ? undefined : Buffer.from(password))).toMatchObject({ ok: false, returnCode: 4 });
  });
  it('compares secrets of any length', () => {
    expect(secretEquals('abc', 'abc')).toBe(true);
    expect(secretEquals('abc', 'abcd')).toBe(false);
    expect(secretEquals(undefined, '')).toBe(false);
  });
});
