import { auditLog, players, users } from '@makapix/db';
import { certInfo } from '@makapix/pki';
import { renewCertResponseSchema, tokenRotateResponseSchema, topics } from '@makapix/protocol';
import { and, eq, sql } from 'drizzle-orm';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, nextIp } from '../../../test/fixtures/accounts.ts';
import { connectAsFirmware, type DevicePair, firmwareConnects } from '../../../test/fixtures/mtls-device.ts';
import { createWiredApp, provisionPlayer, waitFor, type WiredApp } from '../../../test/fixtures/players.ts';
import { revokeSerials } from './service.ts';

// Issue 11 §3, docs/device-protocol.md §2.4–2.5: the shipping p3a firmware's own recovery sequences, replayed
// against the real api and broker over real mTLS (TLS 1.2, MQTT 3.1). The firmware never polls
// credentials after registration; it rotates its token with no credentials when it has none or
// when renew-cert answers 401/403, and after 3 failed TLS connects it tries one forced renewal —
// a refusal there strands it until it is re-provisioned.

let t: WiredApp;
const open = new Set<MqttClient>();

beforeAll(async () => {
  t = await createWiredApp();
});
afterAll(async () => {
  await Promise.all([...open].map((c) => c.endAsync(true)));
  await t?.close();
});

const rotateNoAuth = (key: string, ip = nextIp()) => t.app.inject({ method: 'POST', url: `/api/player/${key}/token/rotate`, headers: { 'x-forwarded-for': ip } });
const renewCert = (token: string) => t.app.inject({ method: 'POST', url: '/api/player/renew-cert', headers: { authorization: `Bearer ${token}` } });
const serialOf = (pair: DevicePair) => certInfo(pair.cert_pem).serial;
const rowOf = async (key: string) => (await t.app.db.select().from(players).where(eq(players.playerKey, key)))[0]!;

/** The firmware's loop: connect, and on success announce itself (status online), which the api sees with the session's serial. */
async function comeOnline(key: string, pair: DevicePair): Promise<MqttClient> {
  const client = await connectAsFirmware(t, key, pair, open);
  await client.publishAsync(topics.status(key), JSON.stringify({ player_key: key, status: 'online' }), { qos: 1 });
  return client;
}

/** The firmware's forced renewal after its TLS failures; the renew-cert 401/403 → rotate (no auth) → retry path included. */
async function forcedRenewal(key: string, token: string): Promise<{ pair: DevicePair; token: string }> {
  let res = await renewCert(token);
  if (res.statusCode === 401 || res.statusCode === 403) {
    const rotated = await rotateNoAuth(key);
    expect(rotated.statusCode, rotated.body).toBe(200);
    token = tokenRotateResponseSchema.parse(rotated.json()).api_token;
    res = await renewCert(token);
  }
  expect(res.statusCode, res.body).toBe(200);
  const renewed = renewCertResponseSchema.parse(res.json());
  return { pair: { ca_pem: renewed.ca_pem, cert_pem: renewed.cert_pem, key_pem: renewed.key_pem }, token };
}

/** Connected again with the renewed pair; the api promotes it and the old serial is refused from then on. */
async function expectRecovered(key: string, oldPair: DevicePair, pair: DevicePair): Promise<void> {
  const client = await comeOnline(key, pair);
  expect(client.connected).toBe(true);
  await waitFor(async () => (await rowOf(key)).certSerial === serialOf(pair), 10_000, 'the renewed certificate to become current');
  client.end(true);
  expect(await firmwareConnects(t, key, oldPair)).toBe(false);
  expect(await firmwareConnects(t, key, pair)).toBe(true);
}

describe('token bootstrap: rotate with no credentials (docs/device-protocol.md §2.5)', () => {
  it('a device that missed its first-fetch token rotates with no auth, then renews and reconnects', async () => {
    const owner = await createMember(t);
    const player = await provisionPlayer(t, owner);
    // The first-fetch token was lost: the firmware has none stored and rotates with no credentials.
    const first = await rotateNoAuth(player.key);
    expect(first.statusCode, first.body).toBe(200);
    const { api_token: token, rotated_at } = tokenRotateResponseSchema.parse(first.json());
    expect(token).not.toBe(player.apiToken);
    expect(Date.parse(rotated_at)).toBeGreaterThan(Date.now() - 60_000);
    expect((await renewCert(player.apiToken)).statusCode).toBe(401);

    (await comeOnline(player.key, player.credentials)).end(true);
    await waitFor(async () => (await rowOf(player.key)).encryptedKeyPem === null, 10_000, 'the delivered key dropped');

    // The owner rotates the token from the web: the device's renew-cert now answers 401, so the
    // firmware rotates with no auth and retries — inside the renewal window (89 days left).
    const byOwner = await t.app.inject({ method: 'POST', url: `/api/v1/players/${player.key}/token/rotate`, headers: owner.auth });
    expect(byOwner.statusCode).toBe(200);
    await t.app.db.update(players).set({ certNotAfter: sql`now() + interval '89 days'` }).where(eq(players.playerKey, player.key));
    const renewed = await forcedRenewal(player.key, token);
    expect(renewed.token).not.toBe(token);
    await expectRecovered(player.key, player.credentials, renewed.pair);

    // Every rotation is in the player's audit history, the bootstrap ones with the caller's IP.
    const history = await t.app.db.select().from(auditLog).where(and(eq(auditLog.targetType, 'player'), eq(auditLog.targetId, player.key)));
    expect(history.map((h) => h.details.via)).toEqual(['player_key', 'owner', 'player_key']);
    expect(history.filter((h) => h.details.via === 'player_key').every((h) => typeof h.details.ip === 'string')).toBe(true);
    expect(history.find((h) => h.details.via === 'owner')?.actorId).toBe(owner.id);
  });

  it('is limited per player and per IP (429 with Retry-After)', async () => {
    const player = await provisionPlayer(t, await createMember(t));
    for (let i = 0; i < 10; i++) expect((await rotateNoAuth(player.key)).statusCode).toBe(200);
    const limited = await rotateNoAuth(player.key);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

    // One IP trying many keys: unknown keys count too, so the key space cannot be scanned.
    const ip = nextIp();
    for (let i = 0; i < 30; i++) expect((await rotateNoAuth(crypto.randomUUID(), ip)).statusCode).toBe(404);
    const other = await provisionPlayer(t, await createMember(t));
    expect((await rotateNoAuth(other.key, ip)).statusCode).toBe(429);
  });

  it('never for an unregistered, deleted or banned-owner player (404, as for an unknown key)', async () => {
    const provisioned = await t.app.inject({ method: 'POST', url: '/api/player/provision', headers: { 'x-forwarded-for': nextIp() }, payload: {} });
    expect((await rotateNoAuth(provisioned.json().player_key)).statusCode).toBe(404);

    const owner = await createMember(t);
    const deleted = await provisionPlayer(t, owner);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/players/${deleted.key}`, headers: owner.auth })).statusCode).toBe(204);
    expect((await rotateNoAuth(deleted.key)).statusCode).toBe(404);

    const bannedOwner = await createMember(t);
    const banned = await provisionPlayer(t, bannedOwner);
    await t.app.db.update(users).set({ bannedUntil: sql`now() + interval '1 day'` }).where(eq(users.id, bannedOwner.id));
    expect((await rotateNoAuth(banned.key)).statusCode).toBe(404);
    expect((await rotateNoAuth('not-a-key')).statusCode).toBe(400);
  });
});

describe('owner re-issue never strands the device (docs/device-protocol.md §2.4, make-before-break)', () => {
  it('re-issue → the device keeps connecting → its forced renewal (window closed) gets the re-issued pair → connected again', async () => {
    const owner = await createMember(t);
    const player = await provisionPlayer(t, owner);
    const live = await comeOnline(player.key, player.credentials);
    await waitFor(async () => (await rowOf(player.key)).encryptedKeyPem === null, 10_000, 'the delivered key dropped');

    const reissued = await t.app.inject({ method: 'POST', url: `/api/v1/players/${player.key}/renew-cert`, headers: owner.auth });
    expect(reissued.statusCode).toBe(200);
    // Nothing the device holds is revoked: its session stays up and it can reconnect, three times over.
    await new Promise((r) => setTimeout(r, 500));
    expect(live.connected).toBe(true);
    live.end(true);
    for (let i = 0; i < 3; i++) expect(await firmwareConnects(t, player.key, player.credentials)).toBe(true);

    const { pair } = await forcedRenewal(player.key, player.apiToken);
    expect(serialOf(pair)).toBe((await rowOf(player.key)).pendingCertSerial);
    await expectRecovered(player.key, player.credentials, pair);
  });

  it('re-issue that revoked the held certificate (the previous server) → TLS failure ×3 → forced renew → connected again', async () => {
    const owner = await createMember(t);
    const player = await provisionPlayer(t, owner);
    (await comeOnline(player.key, player.credentials)).end(true);
    await waitFor(async () => (await rowOf(player.key)).encryptedKeyPem === null, 10_000, 'the delivered key dropped');
    expect((await renewCert(player.apiToken)).json().error.code).toBe('renewal_too_early');

    // What a re-issue on the previous server left behind: the new pair current (never used), the
    // device's serial revoked at once.
    const reissued = await t.app.inject({ method: 'POST', url: `/api/v1/players/${player.key}/renew-cert`, headers: owner.auth });
    expect(reissued.statusCode).toBe(200);
    const row = await rowOf(player.key);
    await t.app.db
      .update(players)
      .set({ certSerial: row.pendingCertSerial, certPem: row.pendingCertPem, certNotAfter: row.pendingCertNotAfter, pendingCertSerial: null, pendingCertPem: null, pendingCertNotAfter: null })
      .where(eq(players.id, row.id));
    await revokeSerials(t.app, row, [serialOf(player.credentials)], 'reissued', { reason: 'certificate_revoked', perSerial: true });

    // The firmware's three failed TLS connects (the broker re-reads the CRL within 200 ms).
    await waitFor(async () => !(await firmwareConnects(t, player.key, player.credentials)), 5000, 'the revoked certificate refused');
    for (let i = 0; i < 3; i++) expect(await firmwareConnects(t, player.key, player.credentials)).toBe(false);

    // Its forced renewal with the bearer token, 1095 days before expiry: always a pair it can use.
    const { pair } = await forcedRenewal(player.key, player.apiToken);
    expect(serialOf(pair)).toBe(row.pendingCertSerial);
    const client = await comeOnline(player.key, pair);
    expect(client.connected).toBe(true);
    await waitFor(async () => (await rowOf(player.key)).encryptedKeyPem === null, 10_000, 'the re-issued key dropped once used');
    client.end(true);
    expect(await firmwareConnects(t, player.key, pair)).toBe(true);
  });

  it('an owner re-issue while the device holds its token revoked: renew-cert 401 → rotate with no auth → renew → connected', async () => {
    const owner = await createMember(t);
    const player = await provisionPlayer(t, owner);
    (await comeOnline(player.key, player.credentials)).end(true);
    await waitFor(async () => (await rowOf(player.key)).encryptedKeyPem === null, 10_000, 'the delivered key dropped');
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/players/${player.key}/token/rotate`, headers: owner.auth })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/players/${player.key}/renew-cert`, headers: owner.auth })).statusCode).toBe(200);
    const renewed = await forcedRenewal(player.key, player.apiToken);
    expect(renewed.token).not.toBe(player.apiToken);
    await expectRecovered(player.key, player.credentials, renewed.pair);
  });
});
