import { readFile } from 'node:fs/promises';
import { certificateRevocationLists, players, revokedCertificates } from '@makapix/db';
import { certInfo, parseCrl, verifyCrlSignedBy, verifySignedBy } from '@makapix/pki';
import { BROKER_KICK_CHANNEL, parseKickMessage, renewCertResponseSchema, tokenRotateResponseSchema } from '@makapix/protocol';
import { eq, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, nextIp } from '../../../test/fixtures/accounts.ts';
import { createPlayerTestApp, type PlayerTestApp, provisionPlayer, waitFor } from '../../../test/fixtures/players.ts';
import { clearDeliveredKey } from './repo.ts';
import { promotePendingCertificate } from './service.ts';

describe('player tokens, certificates and deletion', () => {
  let t: PlayerTestApp;
  let kicks: Redis;
  const kickLog: string[] = [];
  beforeAll(async () => {
    t = await createPlayerTestApp();
    kicks = new Redis(t.config.redis.url);
    kicks.on('message', (_channel: string, raw: string) => kickLog.push(raw));
    await kicks.subscribe(BROKER_KICK_CHANNEL);
  });
  afterAll(async () => {
    kicks.disconnect();
    await t.close();
  });

  const renew = (auth: { authorization: string }) => t.app.inject({ method: 'POST', url: '/api/player/renew-cert', headers: auth });
  const rotate = (key: string, auth: { authorization: string }) => t.app.inject({ method: 'POST', url: `/api/player/${key}/token/rotate`, headers: auth });
  const crlSerials = async () => parseCrl(await readFile(t.crlFile, 'utf8')).serials;
  /** What the device handlers do on the device's first message over this certificate (credentials.ts). */
  const connectedWith = async (key: string, certPem: string) => expect(await clearDeliveredKey(t.app.db, key, certInfo(certPem).serial)).toBe(true);

  it('lets the device and the owner rotate the token, and nobody else', async () => {
    const owner = await createMember(t);
    const stranger = await createMember(t);
    const player = await provisionPlayer(t, owner);
    const other = await provisionPlayer(t, stranger);

    const byStranger = await rotate(player.key, stranger.auth);
    expect(byStranger.statusCode).toBe(403);
    const byOtherDevice = await rotate(player.key, other.deviceAuth);
    expect(byOtherDevice.statusCode).toBe(403);
    expect(byOtherDevice.json().error.code).toBe('player_key_mismatch');
    // A credential that is sent must be valid; none at all is the firmware's bootstrap (token-bootstrap test).
    expect((await rotate(player.key, { authorization: 'Bearer mpx_live_notavalidtoken' })).statusCode).toBe(401);

    const byDevice = await rotate(player.key, player.deviceAuth);
    expect(byDevice.statusCode).toBe(200);
    const rotated = tokenRotateResponseSchema.parse(byDevice.json());
    expect(rotated.api_token).not.toBe(player.apiToken);
    // The old token stops working at once, the new one works.
    expect((await renew(player.deviceAuth)).statusCode).toBe(401);
    expect((await renew(player.deviceAuth)).json().error.code).toBe('invalid_device_token');
    const newAuth = { authorization: `Bearer ${rotated.api_token}` };
    await connectedWith(player.key, player.credentials.cert_pem);
    expect((await renew(newAuth)).json().error.code).toBe('renewal_too_early');

    const byOwner = await rotate(player.key, owner.auth);
    expect(byOwner.statusCode).toBe(200);
    expect((await renew(newAuth)).statusCode).toBe(401);

    const viaApi = await t.app.inject({ method: 'POST', url: `/api/v1/players/${player.key}/token/rotate`, headers: owner.auth });
    expect(viaApi.statusCode).toBe(200);
    expect(viaApi.json().apiToken).toMatch(/^mpx_live_/);
    expect((await renew({ authorization: `Bearer ${byOwner.json().api_token}` })).statusCode).toBe(401);
    const notMine = await t.app.inject({ method: 'POST', url: `/api/v1/players/${player.key}/token/rotate`, headers: stranger.auth });
    expect(notMine.statusCode).toBe(404);
  });

  it('renews the certificate only within 90 days of expiry and revokes the old serial once the new one is used', async () => {
    const owner = await createMember(t);
    const player = await provisionPlayer(t, owner);
    const oldSerial = certInfo(player.credentials.cert_pem).serial;
    await connectedWith(player.key, player.credentials.cert_pem);

    const early = await renew(player.deviceAuth);
    expect(early.statusCode).toBe(400);
    expect(early.json().error.code).toBe('renewal_too_early');

    // 89 days left, then even an expired certificate: both may renew.
    await t.app.db.update(players).set({ certNotAfter: sql`now() + interval '89 days'` }).where(eq(players.playerKey, player.key));
    const res = await renew(player.deviceAuth);
    expect(res.statusCode).toBe(200);
    const renewed = renewCertResponseSchema.parse(res.json());
    const info = certInfo(renewed.cert_pem);
    expect(info.commonName).toBe(player.key);
    expect(info.serial).not.toBe(oldSerial);
    expect(verifySignedBy(renewed.cert_pem, renewed.ca_pem)).toBe(true);
    expect(renewed.cert_expires_at).toBe(info.notAfter.toISOString());
    expect(renewed.key_pem.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);

    const [row] = await t.app.db.select().from(players).where(eq(players.playerKey, player.key));
    expect(row!.certSerial).toBe(oldSerial);
    expect(row!.pendingCertSerial).toBe(info.serial);
    expect(await crlSerials()).not.toContain(oldSerial);
    const owned = await t.app.inject({ method: 'GET', url: `/api/v1/players/${player.key}`, headers: owner.auth });
    expect(owned.json().certificate.renewalPending).toBe(true);

    // Make-before-break (issue 11 §3): a second renewal before the device used the first (even
    // with the certificate expired) hands out the same pair again; nothing is replaced or revoked.
    await t.app.db.update(players).set({ certNotAfter: sql`now() - interval '1 day'` }).where(eq(players.playerKey, player.key));
    const again = renewCertResponseSchema.parse((await renew(player.deviceAuth)).json());
    expect(again).toMatchObject({ cert_pem: renewed.cert_pem, key_pem: renewed.key_pem, cert_expires_at: renewed.cert_expires_at });
    const pending = certInfo(again.cert_pem).serial;
    expect(await crlSerials()).not.toContain(info.serial);
    expect(await crlSerials()).not.toContain(oldSerial);

    // Until the device connects with it, the credentials endpoint serves the renewed pair.
    const creds = await t.app.inject({ method: 'GET', url: `/api/player/${player.key}/credentials`, headers: { 'x-forwarded-for': nextIp() } });
    expect(creds.json().cert_pem).toBe(again.cert_pem);
    expect(creds.json().key_pem).toBe(again.key_pem);

    expect(await promotePendingCertificate(t.app, player.key, oldSerial)).toBe(false);
    expect(await promotePendingCertificate(t.app, player.key, pending)).toBe(true);
    const [after] = await t.app.db.select().from(players).where(eq(players.playerKey, player.key));
    expect(after!.certSerial).toBe(pending);
    expect(after!.pendingCertSerial).toBeNull();
    expect(await crlSerials()).toContain(oldSerial);
    expect(await promotePendingCertificate(t.app, player.key, pending)).toBe(false);
    await waitFor(() => kickLog.map((m) => parseKickMessage(m)).find((k) => k?.player_key === player.key && k.serial === oldSerial), 2000, 'kick of the old serial');

    // docs/device-protocol.md §2.3 (ours): the device holds the renewed key now, so it is no longer kept.
    expect(after!.encryptedKeyPem).toBeNull();
    const delivered = await t.app.inject({ method: 'GET', url: `/api/player/${player.key}/credentials`, headers: { 'x-forwarded-for': nextIp() } });
    expect(delivered.statusCode).toBe(404);
    expect(delivered.json().error.code).toBe('credentials_delivered');
  });

  it('re-signs the CRL with a growing number, next update in 30 days, signed by the CA', async () => {
    const owner = await createMember(t);
    const player = await provisionPlayer(t, owner);
    const before = await t.app.db.select({ n: sql<number>`coalesce(max(${certificateRevocationLists.crlNumber}), 0)` }).from(certificateRevocationLists);
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/players/${player.key}/renew-cert`, headers: owner.auth });
    expect(res.statusCode).toBe(200);
    // Make-before-break: the re-issue revokes nothing; the device connecting with the new pair does.
    expect(await crlSerials()).not.toContain(certInfo(player.credentials.cert_pem).serial);
    const creds = await t.app.inject({ method: 'GET', url: `/api/player/${player.key}/credentials`, headers: { 'x-forwarded-for': nextIp() } });
    const reissuedSerial = certInfo(creds.json().cert_pem).serial;
    expect(reissuedSerial).not.toBe(certInfo(player.credentials.cert_pem).serial);
    expect(await promotePendingCertificate(t.app, player.key, reissuedSerial)).toBe(true);
    const pem = await readFile(t.crlFile, 'utf8');
    const crl = parseCrl(pem);
    expect(verifyCrlSignedBy(pem, await readFile(t.config.pki.caCertFile, 'utf8'))).toBe(true);
    expect(crl.crlNumber).toBeGreaterThan(BigInt(before[0]!.n));
    expect((crl.nextUpdate!.getTime() - crl.thisUpdate.getTime()) / 86_400_000).toBe(30);
    expect(crl.serials).toContain(certInfo(player.credentials.cert_pem).serial);
    const stranger = await createMember(t);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/players/${player.key}/renew-cert`, headers: stranger.auth })).statusCode).toBe(404);
  });

  it('deletes a player: serial in the CRL, token revoked, kick published, gone from the owner API', async () => {
    const owner = await createMember(t);
    const stranger = await createMember(t);
    const player = await provisionPlayer(t, owner);
    const serial = certInfo(player.credentials.cert_pem).serial;

    const byStranger = await t.app.inject({ method: 'DELETE', url: `/api/v1/players/${player.key}`, headers: stranger.auth });
    expect(byStranger.statusCode).toBe(404);

    const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/players/${player.key}`, headers: owner.auth });
    expect(res.statusCode).toBe(204);
    expect(await crlSerials()).toContain(serial);
    const [revoked] = await t.app.db.select().from(revokedCertificates).where(eq(revokedCertificates.serial, serial));
    expect(revoked?.reason).toBe('player_deleted');
    await waitFor(() => kickLog.map((m) => parseKickMessage(m)).find((k) => k?.player_key === player.key && k.reason === 'player_deleted'), 2000, 'the kick');

    expect((await renew(player.deviceAuth)).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/players/${player.key}`, headers: owner.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/players/${player.key}`, headers: owner.auth })).statusCode).toBe(404);
    const creds = await t.app.inject({ method: 'GET', url: `/api/player/${player.key}/credentials`, headers: { 'x-forwarded-for': nextIp() } });
    expect(creds.statusCode).toBe(404);
    const [row] = await t.app.db.select().from(players).where(eq(players.playerKey, player.key));
    expect(row!.encryptedKeyPem).toBeNull();
  });

  it('lists, shows and renames only my players, with live status', async () => {
    const owner = await createMember(t);
    const stranger = await createMember(t);
    const player = await provisionPlayer(t, owner, 'Hall');
    await t.app.db.update(players).set({
      status: 'online',
      lastSeenAt: new Date(),
      firmwareVersion: '2.0.0',
      capabilities: { features: { brightness: { min: 0, max: 100 }, pause: {} } },
      state: { is_paused: true, brightness: 40 },
    }).where(eq(players.playerKey, player.key));

    const list = await t.app.inject({ method: 'GET', url: '/api/v1/players', headers: owner.auth });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toHaveLength(1);
    expect(list.json().items[0]).toMatchObject({
      id: player.key,
      name: 'Hall',
      status: 'online',
      firmwareVersion: '2.0.0',
      capabilities: { features: { brightness: { min: 0, max: 100 }, pause: {} } },
      state: { isPaused: true, brightness: 40 },
    });
    expect(Date.parse(list.json().items[0].certificate.expiresAt)).toBeGreaterThan(Date.now() + 1000 * 86_400_000);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/players', headers: stranger.auth })).json().items).toEqual([]);

    // A heartbeat older than 3 minutes reads as offline whatever the stored status says.
    await t.app.db.update(players).set({ lastSeenAt: sql`now() - interval '4 minutes'` }).where(eq(players.playerKey, player.key));
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/players/${player.key}`, headers: owner.auth })).json().status).toBe('offline');

    const renamed = await t.app.inject({ method: 'PATCH', url: `/api/v1/players/${player.key}`, headers: owner.auth, payload: { name: 'Porch' } });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().name).toBe('Porch');
    const hijack = await t.app.inject({ method: 'PATCH', url: `/api/v1/players/${player.key}`, headers: stranger.auth, payload: { name: 'Mine now' } });
    expect(hijack.statusCode).toBe(404);
    expect((await t.app.inject({ method: 'PATCH', url: `/api/v1/players/${player.key}`, headers: owner.auth, payload: { name: '' } })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/players/not-a-key', headers: owner.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/players' })).statusCode).toBe(401);
  });
});
