import { type CredentialsResponse, firmwareClientId, lastWillPayload, topics } from '@makapix/protocol';
import type { InjectOptions } from 'fastify';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMember, nextIp, type TestMember } from '../../../test/fixtures/accounts.ts';
import { createWiredApp, type ProvisionedPlayer, provisionPlayer, waitFor, type WiredApp } from '../../../test/fixtures/players.ts';

// docs/device-protocol.md §1 (ours), end to end: revoking a player through the API — the owner deleting it, a
// moderator banning its owner, the owner re-issuing its certificate — closes its live mTLS session
// on a real broker within 2 seconds, and the same certificate cannot connect again.

const open = new Set<MqttClient>();

/** Connects as the firmware does (docs/device-protocol.md §1, §3): TLS 1.2, MQTT 3.1.1, `p3a-{key}`, will on status. */
function connectDevice(t: WiredApp, key: string, creds: Pick<CredentialsResponse, 'ca_pem' | 'cert_pem' | 'key_pem'>): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect({
      protocol: 'mqtts',
      host: 'localhost',
      port: t.broker.ports.mtls,
      ca: creds.ca_pem,
      cert: creds.cert_pem,
      key: creds.key_pem,
      maxVersion: 'TLSv1.2',
      clientId: firmwareClientId(key),
      protocolVersion: 4,
      clean: true,
      keepalive: 60,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      will: { topic: topics.status(key), payload: Buffer.from(lastWillPayload(key)), qos: 1, retain: false },
    } as IClientOptions);
    open.add(client);
    const onClose = () => fail(new Error('connection closed before CONNACK'));
    const fail = (err: Error) => {
      client.removeListener('close', onClose);
      open.delete(client); // ended here; a second end() would never call back
      client.end(true);
      reject(err);
    };
    client.once('connect', () => {
      client.removeListener('error', fail);
      client.removeListener('close', onClose);
      client.on('error', () => undefined);
      resolve(client);
    });
    client.once('error', fail);
    client.once('close', onClose);
  });
}

/** Expects the connection to be refused: by the TLS layer (CRL) or with CONNACK "not authorized" (5). */
async function expectRefused(t: WiredApp, key: string, creds: Pick<CredentialsResponse, 'ca_pem' | 'cert_pem' | 'key_pem'>): Promise<number | undefined> {
  try {
    const client = await connectDevice(t, key, creds);
    client.end(true);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const connack = typeof code === 'number' ? code : undefined;
    if (connack !== undefined) expect(connack).toBe(5);
    return connack;
  }
  throw new Error('the revoked certificate was accepted again');
}

function closedWithin(client: MqttClient, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!client.connected) return resolve();
    const timer = setTimeout(() => reject(new Error(`session still open after ${ms} ms`)), ms);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('revocation through the API cuts a live mTLS session (docs/device-protocol.md §1 (ours))', () => {
  let t: WiredApp;
  let moderator: TestMember;
  let bystander: MqttClient;
  beforeAll(async () => {
    t = await createWiredApp();
    moderator = await createMember(t, { role: 'moderator' });
    const other = await provisionPlayer(t, await createMember(t));
    bystander = await connectDevice(t, other.key, other.credentials);
  });
  afterEach(() => {
    // Every revocation targets one player: the other player's session is never collateral damage.
    expect(bystander.connected).toBe(true);
  });
  afterAll(async () => {
    await Promise.all([...open].map((c) => c.endAsync(true)));
    await t?.close();
  });

  interface Revocation {
    label: string;
    request: (owner: TestMember, player: ProvisionedPlayer) => InjectOptions;
    status: number;
    /** How a reconnect is refused: a revoked serial may already fail the TLS handshake (CRL). */
    refusedWith: 5 | 'tls or 5';
  }
  const revocations: Revocation[] = [
    {
      label: 'the owner deletes the player',
      request: (owner, player) => ({ method: 'DELETE', url: `/api/v1/players/${player.key}`, headers: owner.auth }),
      status: 204,
      refusedWith: 'tls or 5',
    },
    {
      label: 'a moderator bans the owner',
      request: (owner) => ({ method: 'POST', url: `/api/v1/mod/users/${owner.sqid}/ban`, headers: moderator.auth, payload: { reason: 'revocation test' } }),
      status: 200,
      // The certificate itself is not revoked: the broker's owner check at CONNECT refuses it.
      refusedWith: 5,
    },
  ];

  it.each(revocations)('$label: the session closes within 2 s and the certificate is refused', async ({ request, status, refusedWith }) => {
    const owner = await createMember(t);
    const player = await provisionPlayer(t, owner);
    const device = await connectDevice(t, player.key, player.credentials);
    expect(t.broker.sessions.sessionsOf(player.key)).toHaveLength(1);

    // Timed from the request, not its answer: the 2 s run from the revocation itself.
    const started = performance.now();
    const gone = closedWithin(device, 2000);
    const res = await t.app.inject(request(owner, player));
    expect(res.statusCode, res.body).toBe(status);
    await gone;
    expect(performance.now() - started).toBeLessThan(2000);
    await waitFor(() => t.broker.sessions.sessionsOf(player.key).length === 0, 1000, 'the broker to forget the session');

    const code = await expectRefused(t, player.key, player.credentials);
    if (refusedWith !== 'tls or 5') expect(code).toBe(refusedWith);
  });

  it('an owner re-issue is make-before-break: the session stays, then the new pair connects and only then is the old one refused', async () => {
    const owner = await createMember(t);
    const player = await provisionPlayer(t, owner);
    const device = await connectDevice(t, player.key, player.credentials);
    const reissued = await t.app.inject({ method: 'POST', url: `/api/v1/players/${player.key}/renew-cert`, headers: owner.auth });
    expect(reissued.statusCode).toBe(200);
    // Issue 11 §3: nothing the device holds is revoked yet — the live session and a reconnect both work.
    await new Promise((r) => setTimeout(r, 1000));
    expect(device.connected).toBe(true);
    device.end(true);
    (await connectDevice(t, player.key, player.credentials)).end(true);

    const creds = await t.app.inject({ method: 'GET', url: `/api/player/${player.key}/credentials`, headers: { 'x-forwarded-for': nextIp() } });
    expect(creds.statusCode).toBe(200);
    const fresh = creds.json<CredentialsResponse>();
    expect(fresh.cert_pem).not.toBe(player.credentials.cert_pem);
    const renewed = await connectDevice(t, player.key, fresh);
    // The device's first message over the new certificate promotes it and revokes the old serial.
    renewed.publish(topics.status(player.key), JSON.stringify({ player_key: player.key, status: 'online' }), { qos: 1 });
    await waitFor(async () => {
      try {
        (await connectDevice(t, player.key, player.credentials)).end(true);
        return false;
      } catch {
        return true;
      }
    }, 10_000, 'the old certificate to be refused');
    // (Each attempt above used the firmware's client id, taking the session over: connect again.)
    expect((await connectDevice(t, player.key, fresh)).connected).toBe(true);
  });
});
