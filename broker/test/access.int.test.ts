import { PERMANENT_BAN_UNTIL, players, revokedCertificates, users } from '@makapix/db';
import { createCa, issueClientCert } from '@makapix/pki';
import { BROKER_KICK_CHANNEL, deviceSubscriptions, publishKick, topics } from '@makapix/protocol';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closed, connect, deviceOptions, endAll, publish, refusal, subscribeCodes } from './clients.ts';
import { createPlayer, type Harness, issueFastClientCert, openHarness, readInbox, waitFor } from './harness.ts';

// docs/device-protocol.md §1: who may connect, revocation (CRL and database), and the 2-second kick (ours).

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await endAll();
});
afterAll(async () => {
  await h?.close();
});

const NOT_AUTHORIZED = { 4: 5, 5: 0x87 } as const;

describe('TLS layer', () => {
  it('refuses a client without a certificate', async () => {
    const player = await createPlayer(h);
    const r = await refusal(deviceOptions(h, player, { cert: undefined, key: undefined }));
    expect(r.code).toBeUndefined(); // never reached MQTT: no CONNACK
  });

  it('refuses a certificate from another CA, even with a valid key as CN', async () => {
    const player = await createPlayer(h);
    const otherCa = createCa({ commonName: 'Makapix Club Dev CA', validDays: 30 });
    const forged = issueClientCert({ ca: otherCa, playerKey: player.key });
    const r = await refusal(deviceOptions(h, player, { cert: forged.certPem, key: forged.keyPem }));
    expect(r.code).toBeUndefined();
  });

  it('refuses our own CA\'s certificate when its CN is not exactly one player key', async () => {
    const player = await createPlayer(h);
    for (const subject of ['/CN=not-a-player-key', `/CN=${player.key}/CN=${player.key}`, `/O=${player.key}`]) {
      const cert = await issueFastClientCert(h, player.key, subject);
      const r = await refusal(deviceOptions(h, player, { cert: cert.certPem }));
      expect(r.code, subject).toBe(NOT_AUTHORIZED[4]);
    }
  });

  it('refuses a serial listed in the CRL, and picks up a new CRL without restart', async () => {
    const player = await createPlayer(h);
    (await connect(deviceOptions(h, player))).end(true);
    const other = await createPlayer(h);

    await h.writeCrl([{ serial: player.cert.serial, revokedAt: new Date() }]);
    const started = Date.now();
    await waitFor(async () => {
      try {
        (await connect(deviceOptions(h, player))).end(true);
        return false;
      } catch (err) {
        return typeof (err as { code?: unknown }).code !== 'number'; // TLS refusal: no CONNACK
      }
    }, 3000, 'the new CRL to be enforced');
    expect(Date.now() - started).toBeLessThan(1500); // polled at most every second (200 ms here)
    // Everyone else still connects under the new CRL.
    expect((await connect(deviceOptions(h, other))).connected).toBe(true);
    await h.writeCrl([]);
    await waitFor(async () => {
      try {
        (await connect(deviceOptions(h, player))).end(true);
        return true;
      } catch {
        return false;
      }
    }, 3000, 'the emptied CRL');
  });
});

describe('database checks at CONNECT', () => {
  it.each([4, 5] as const)('refuses a serial revoked in the database but not yet in the CRL (v%i)', async (protocolVersion) => {
    const player = await createPlayer(h);
    await h.db.db.insert(revokedCertificates).values({ serial: player.cert.serial, playerId: player.playerId, reason: 'test' });
    expect((await refusal(deviceOptions(h, player, { protocolVersion }))).code).toBe(NOT_AUTHORIZED[protocolVersion]);
  });

  it('refuses a player whose owner is banned, and accepts it once the ban is over', async () => {
    const player = await createPlayer(h);
    await h.db.db.update(users).set({ bannedUntil: PERMANENT_BAN_UNTIL }).where(eq(users.id, player.ownerId));
    expect((await refusal(deviceOptions(h, player))).code).toBe(5);
    await h.db.db.update(users).set({ bannedUntil: new Date(Date.now() - 60_000) }).where(eq(users.id, player.ownerId));
    expect((await connect(deviceOptions(h, player))).connected).toBe(true);
  });

  it.each([
    ['deleted owner', { deletedAt: new Date() }],
    ['deactivated owner', { deactivatedAt: new Date() }],
  ] as const)('refuses a player with a %s', async (_label, change) => {
    const player = await createPlayer(h);
    await h.db.db.update(users).set(change).where(eq(users.id, player.ownerId));
    expect((await refusal(deviceOptions(h, player))).code).toBe(5);
  });

  it('refuses a deleted player and a player with no row at all', async () => {
    const deleted = await createPlayer(h);
    await h.db.db.update(players).set({ deletedAt: new Date() }).where(eq(players.id, deleted.playerId));
    expect((await refusal(deviceOptions(h, deleted, { protocolVersion: 5 }))).code).toBe(0x87);
    const missing = await createPlayer(h);
    await h.db.db.delete(players).where(eq(players.id, missing.playerId));
    expect((await refusal(deviceOptions(h, missing))).code).toBe(5);
  });

  it('accepts only the certificate on record or the pending renewal (docs/device-protocol.md §2.4)', async () => {
    const player = await createPlayer(h);
    const unknown = await issueFastClientCert(h, player.key);
    expect((await refusal(deviceOptions(h, player, { cert: unknown.certPem, key: unknown.keyPem }))).code).toBe(5);
    await h.db.db.update(players).set({ pendingCertSerial: unknown.serial }).where(eq(players.id, player.playerId));
    const renewed = await connect(deviceOptions(h, player, { cert: unknown.certPem, key: unknown.keyPem }));
    await publish(renewed, topics.status(player.key), '{"status":"online"}');
    const entry = (await readInbox(h.redis)).find((e) => e.player_key === player.key);
    expect(entry?.cert_serial).toBe(unknown.serial); // handlers learn the device switched certificates
  });
});

describe('client id (docs/device-protocol.md §1 (ours))', () => {
  it.each([4, 5] as const)('rejects another key as client id with "identifier rejected" (v%i)', async (protocolVersion) => {
    const thief = await createPlayer(h);
    const victim = await createPlayer(h);
    const victimSession = await connect(deviceOptions(h, victim, { protocolVersion }));
    for (const clientId of [`p3a-${victim.key}`, victim.key, `p3a-${thief.key}x`, `${thief.key}-p3a`, 'mqttjs_1234']) {
      expect((await refusal(deviceOptions(h, thief, { clientId, protocolVersion }))).code).toBe(protocolVersion === 5 ? 0x85 : 2);
    }
    // The victim was not kicked off by the attempts.
    expect(victimSession.connected).toBe(true);
    expect(await subscribeCodes(victimSession, deviceSubscriptions(victim.key))).toEqual([1, 1, 1]);
  });
});

describe('kick (docs/device-protocol.md §1 (ours): within 2 seconds)', () => {
  it.each([4, 5] as const)('closes the live session of a kicked player at once (v%i)', async (protocolVersion) => {
    const player = await createPlayer(h);
    const bystander = await createPlayer(h);
    const device = await connect(deviceOptions(h, player, { protocolVersion }));
    const other = await connect(deviceOptions(h, bystander, { protocolVersion }));
    await h.db.db.update(users).set({ bannedUntil: PERMANENT_BAN_UNTIL }).where(eq(users.id, player.ownerId));

    const started = performance.now();
    const gone = closed(device, 2000);
    expect(await publishKick(h.redis, player.key, 'owner_banned')).toBeGreaterThanOrEqual(1);
    await gone;
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(2000);
    expect(other.connected).toBe(true);
    // The will (status offline) still reaches the handlers, and reconnecting is refused.
    await waitFor(async () => (await readInbox(h.redis)).some((e) => e.player_key === player.key && e.source === 'will'));
    expect((await refusal(deviceOptions(h, player, { protocolVersion }))).code).toBe(NOT_AUTHORIZED[protocolVersion]);
  });

  it('with a serial, closes only sessions authenticated by that certificate', async () => {
    const player = await createPlayer(h);
    const device = await connect(deviceOptions(h, player));
    await publishKick(h.redis, player.key, 'certificate_revoked', { serial: 'abcdef' });
    await new Promise((r) => setTimeout(r, 300));
    expect(device.connected).toBe(true);
    const gone = closed(device, 2000);
    await publishKick(h.redis, player.key, 'certificate_revoked', { serial: player.cert.serial });
    await gone;
  });

  it('ignores malformed kick messages and keeps serving', async () => {
    const player = await createPlayer(h);
    const device = await connect(deviceOptions(h, player));
    for (const raw of ['not json', '{}', JSON.stringify({ player_key: player.key, reason: 'because' }), JSON.stringify({ player_key: 'x', reason: 'player_deleted' })]) {
      await h.redis.publish(BROKER_KICK_CHANNEL, raw);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(device.connected).toBe(true);
    await publish(device, topics.status(player.key), '{"status":"online"}');
  });
});
