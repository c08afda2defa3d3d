import type { TLSSocket } from 'node:tls';
import { DEVICE_INBOX_STREAM, deviceSubscriptions, heartbeatPattern, heartbeatSchema, lastWillPayload, topics } from '@makapix/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closed, connect, deviceOptions, endAll, nextMessage, publish, refusal, serviceOptions, subscribeCodes } from './clients.ts';
import { createPlayer, type Harness, openHarness, readInbox, waitFor } from './harness.ts';

// docs/device-protocol.md §1, §3, §4: the firmware's connection flow over mTLS, the inbox bridge, the service account.

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

const REQUEST_ID = '0123456789abcdef0123456789abcdef';

describe('device flow over TLS 1.2', () => {
  it('runs the firmware flow and lands every device → server publish in the inbox', async () => {
    const player = await createPlayer(h, { platformCert: true });
    const device = await connect(deviceOptions(h, player));
    expect((device.stream as TLSSocket).getProtocol()).toBe('TLSv1.2');

    // docs/device-protocol.md §3: subscribe command, response/#, view/ack (QoS 1) and wait for the SUBACK.
    expect(await subscribeCodes(device, deviceSubscriptions(player.key))).toEqual([1, 1, 1]);
    const capabilities = JSON.stringify({ firmware_version: '1.2.3', features: { pause: {} } });
    await publish(device, topics.capabilities(player.key), capabilities, { retain: true });
    await publish(device, topics.state(player.key), JSON.stringify({ is_paused: false }), { retain: true });
    await publish(device, topics.status(player.key), JSON.stringify({ player_key: player.key, status: 'online' }));
    await publish(device, topics.request(player.key, REQUEST_ID), JSON.stringify({ request_id: REQUEST_ID, request_type: 'echo' }));
    await publish(device, topics.view(player.key), '{"post_id":1}');
    await publish(device, topics.commandAck(player.key), '{"command_id":"c1","status":"ok","error":null}');

    // QoS 1 is acknowledged only after the append, so the entries are there already.
    const mine = (await readInbox(h.redis)).filter((e) => e.player_key === player.key);
    expect(mine.map((e) => [e.kind, e.retain])).toEqual([
      ['capabilities', true],
      ['state', true],
      ['status', false],
      ['request', false],
      ['view', false],
      ['command_ack', false],
    ]);
    expect(mine[0]).toMatchObject({
      topic: topics.capabilities(player.key),
      payload: capabilities,
      source: 'publish',
      qos: 1,
      client_id: `p3a-${player.key}`,
      cert_serial: player.cert.serial,
    });
    expect(mine[3]?.request_id).toBe(REQUEST_ID);
    // The stream is capped (MAXLEN ~) as the contract says.
    expect(await h.redis.xlen(DEVICE_INBOX_STREAM)).toBeGreaterThanOrEqual(6);
  });

  it('delivers service-account commands, responses and view acks to the device', async () => {
    const player = await createPlayer(h);
    const device = await connect(deviceOptions(h, player));
    await subscribeCodes(device, deviceSubscriptions(player.key));
    const api = await connect(serviceOptions(h));

    const command = JSON.stringify({ command_id: 'c2', command_type: 'swap_next', payload: {}, timestamp: new Date().toISOString() });
    const gotCommand = nextMessage(device, topics.command(player.key));
    await publish(api, topics.command(player.key), command);
    expect((await gotCommand).payload).toBe(command);

    const gotResponse = nextMessage(device, topics.response(player.key, REQUEST_ID));
    await publish(api, topics.response(player.key, REQUEST_ID), '{"success":true}');
    expect((await gotResponse).payload).toBe('{"success":true}');

    const gotAck = nextMessage(device, topics.viewAck(player.key));
    await publish(api, topics.viewAck(player.key), '{"success":true}');
    expect((await gotAck).payload).toBe('{"success":true}');
  });

  it('lets a service account read retained capabilities and state of any player', async () => {
    const player = await createPlayer(h);
    const device = await connect(deviceOptions(h, player));
    await publish(device, topics.state(player.key), '{"brightness":40}', { retain: true });
    const api = await connect(serviceOptions(h));
    const retained = nextMessage(api, topics.state(player.key));
    expect(await subscribeCodes(api, ['makapix/player/#'])).toEqual([1]);
    expect(await retained).toEqual({ payload: '{"brightness":40}', retain: true });
  });

  it('puts the broker-published last will (status offline) into the inbox', async () => {
    const player = await createPlayer(h);
    const device = await connect(deviceOptions(h, player));
    device.stream.destroy(); // an abrupt drop, not a DISCONNECT: the will must fire
    const will = await waitFor(async () => (await readInbox(h.redis)).find((e) => e.player_key === player.key && e.source === 'will'));
    expect(will).toMatchObject({ kind: 'status', payload: lastWillPayload(player.key), topic: topics.status(player.key) });
  });
});

describe('MQTT protocol versions (docs/device-protocol.md §1)', () => {
  it.each([
    [3, 'MQTT 3.1'],
    [4, 'MQTT 3.1.1'],
    [5, 'MQTT 5.0'],
  ] as const)('accepts %i (%s) and bridges its publishes', async (protocolVersion, _name) => {
    const player = await createPlayer(h);
    const device = await connect(deviceOptions(h, player, { protocolVersion }));
    expect(await subscribeCodes(device, deviceSubscriptions(player.key))).toEqual([1, 1, 1]);
    await publish(device, topics.status(player.key), `{"status":"online","v":${protocolVersion}}`);
    const entries = (await readInbox(h.redis)).filter((e) => e.player_key === player.key);
    expect(entries.map((e) => e.payload)).toEqual([`{"status":"online","v":${protocolVersion}}`]);

    const api = await connect(serviceOptions(h, { protocolVersion }));
    const got = nextMessage(device, topics.command(player.key));
    await publish(api, topics.command(player.key), '{"command_type":"swap_back"}');
    expect((await got).payload).toBe('{"command_type":"swap_back"}');
  });

  it('also accepts TLS 1.3 when the client offers it', async () => {
    const player = await createPlayer(h);
    const device = await connect(deviceOptions(h, player, { maxVersion: 'TLSv1.3' } as object));
    expect((device.stream as TLSSocket).getProtocol()).toBe('TLSv1.3');
  });
});

describe('identity (docs/device-protocol.md §1)', () => {
  it('ignores the username a device sends: identity is the certificate CN', async () => {
    const player = await createPlayer(h);
    const victim = await createPlayer(h);
    const device = await connect(deviceOptions(h, player, { username: 'makapix-api', password: 'test-service-password-0123456789' }));
    // Not a service account: no wildcard over all players, no publishing commands.
    expect(await subscribeCodes(device, ['makapix/player/#'])).toEqual([0x80]);
    await publish(device, topics.status(player.key), '{"status":"online"}');
    const spoofed = await connect(deviceOptions(h, victim, { username: player.key }));
    await publish(spoofed, topics.status(victim.key), '{"status":"online"}');
    const entries = await readInbox(h.redis);
    expect(entries.filter((e) => e.player_key === player.key).map((e) => e.cert_serial)).toEqual([player.cert.serial]);
    expect(entries.filter((e) => e.player_key === victim.key).map((e) => e.cert_serial)).toEqual([victim.cert.serial]);
  });

  it('accepts a client id equal to the key', async () => {
    const player = await createPlayer(h);
    const device = await connect(deviceOptions(h, player, { clientId: player.key }));
    expect(device.connected).toBe(true);
  });

  it('refuses a wrong service password (3.1.1 code 4, MQTT 5 0x86)', async () => {
    expect((await refusal(serviceOptions(h, { password: 'wrong-password-0123456789' }))).code).toBe(4);
    expect((await refusal(serviceOptions(h, { password: 'wrong-password-0123456789', protocolVersion: 5 }))).code).toBe(0x86);
    expect((await refusal(serviceOptions(h, { username: 'someone', protocolVersion: 4 }))).code).toBe(4);
  });

  it('closes the session when the device disconnects cleanly, without a will', async () => {
    const player = await createPlayer(h);
    const device = await connect(deviceOptions(h, player));
    device.end();
    await closed(device);
    await new Promise((r) => setTimeout(r, 200));
    expect((await readInbox(h.redis)).filter((e) => e.player_key === player.key)).toEqual([]);
    expect(h.broker.sessions.sessionsOf(player.key)).toEqual([]);
  });
});

describe('liveness', () => {
  it('beats a broker heartbeat in Redis for GET /api/health', async () => {
    const keys = await h.redis.keys(heartbeatPattern('broker'));
    expect(keys).toHaveLength(1);
    const beat = heartbeatSchema.parse(JSON.parse((await h.redis.get(keys[0]!))!));
    expect(beat).toMatchObject({ component: 'broker', pid: process.pid });
  });
});
