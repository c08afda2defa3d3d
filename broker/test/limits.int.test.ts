import { topics } from '@makapix/protocol';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerServer } from '../src/server.ts';
import { closed, connect, deviceOptions, endAll, nextMessage, publish, refusal, serviceOptions, subscribeCodes } from './clients.ts';
import { createPlayer, type Harness, openHarness, readInbox, type TestPlayer, waitFor } from './harness.ts';
import { connectedRawDevice, connectFrame, PINGREQ, publishFrame, rawDevice, remainingLength, subscribeFrame } from './raw-mqtt.ts';

// docs/device-protocol.md §1 / §3 (ours): limits, and malformed packets end only the offending connection.

let h: Harness;
let bystander: TestPlayer;
let bystanderClient: mqtt.MqttClient;
beforeAll(async () => {
  h = await openHarness();
  bystander = await createPlayer(h);
});
afterEach(async () => {
  // Whatever a test did to its own connection, everyone else is still served.
  bystanderClient = await connect(deviceOptions(h, bystander));
  await publish(bystanderClient, topics.status(bystander.key), '{"status":"online"}');
  await endAll();
});
afterAll(async () => {
  await h?.close();
});

describe('packet size (256 KiB device payloads)', () => {
  it('accepts a 256 KiB payload and closes the connection on a larger one', async () => {
    const player = await createPlayer(h);
    const watcher = await connect(deviceOptions(h, bystander));
    const device = await connect(deviceOptions(h, player));
    const max = '{"x":"' + 'a'.repeat(256 * 1024 - 9) + '"}';
    expect(Buffer.byteLength(max)).toBe(256 * 1024 - 1);
    await publish(device, topics.status(player.key), max);
    expect((await readInbox(h.redis)).some((e) => e.player_key === player.key && e.payload.length === max.length)).toBe(true);

    const gone = closed(device, 3000);
    device.publish(topics.status(player.key), Buffer.alloc(300 * 1024, 0x61), { qos: 1 });
    await gone;
    expect(watcher.connected).toBe(true);
  });

  it('refuses an oversize frame from its header, before the body arrives', async () => {
    const raw = await connectedRawDevice(h, await createPlayer(h));
    // A PUBLISH declaring 1 MiB: only the fixed header is sent.
    raw.socket.write(Buffer.concat([Buffer.from([0x32]), remainingLength(1024 * 1024)]));
    expect(await raw.closedWithin(2000)).toBe(true);
  });
});

describe('malformed packets close that connection only', () => {
  const cases: [string, (key: string) => Buffer][] = [
    ['ill-formed UTF-8 in a PUBLISH topic', (key) => publishFrame({ topic: Buffer.concat([Buffer.from(`makapix/player/${key}/st`), Buffer.from([0xc3, 0x28]), Buffer.from('tus')]), qos: 1 })],
    ['U+0000 in a PUBLISH topic', (key) => publishFrame({ topic: `makapix/player/${key}/status\u0000`, qos: 0 })],
    ['QoS 3', (key) => publishFrame({ topic: topics.status(key), qos: 3, messageId: 7 })],
    ['packet id 0 on QoS 1', (key) => publishFrame({ topic: topics.status(key), qos: 1, messageId: 0 })],
    ['ill-formed UTF-8 in a SUBSCRIBE filter', (key) => subscribeFrame(Buffer.concat([Buffer.from(`makapix/player/${key}/`), Buffer.from([0xff, 0xfe])]))],
    ['a reserved packet type', () => Buffer.from([0xf0, 0x00])],
    ['a second CONNECT', (key) => connectFrame(`p3a-${key}`)],
    ['a topic deeper than the limit', () => publishFrame({ topic: Array.from({ length: 40 }, () => 'x').join('/'), qos: 0 })],
  ];
  it.each(cases)('%s', async (_label, build) => {
    const player = await createPlayer(h);
    const raw = await connectedRawDevice(h, player);
    raw.socket.write(build(player.key));
    expect(await raw.closedWithin(2000)).toBe(true);
    expect((await readInbox(h.redis)).filter((e) => e.player_key === player.key)).toEqual([]);
  });

  it('answers a well-formed raw session normally (the harness itself is sound)', async () => {
    const player = await createPlayer(h);
    const raw = await connectedRawDevice(h, player);
    raw.socket.write(publishFrame({ topic: topics.status(player.key), qos: 1, messageId: 9 }));
    await raw.waitForBytes(Buffer.from([0x40, 0x02, 0x00, 0x09])); // PUBACK 9
    raw.socket.write(PINGREQ);
    await raw.waitForBytes(Buffer.from([0xd0, 0x00]));
    expect(await raw.closedWithin(200)).toBe(false);
  });

  it('closes a connection that sends garbage instead of CONNECT', async () => {
    const raw = await rawDevice(h, await createPlayer(h));
    raw.socket.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    expect(await raw.closedWithin(2000)).toBe(true);
  });
});

describe('connection limits', () => {
  let limited: BrokerServer;
  beforeAll(async () => {
    limited = await h.startExtraBroker({ BROKER_MAX_CONNECTIONS_PER_IP_PER_MINUTE: '3', BROKER_MAX_CONNECTIONS: '2' });
  });

  it('refuses connections beyond the per-IP rate and the total', async () => {
    const player = await createPlayer(h);
    const opts = (clientId: string) => deviceOptions(h, player, { port: limited.ports.mtls, clientId });
    const first = await connect(opts(`a-${player.key}`));
    const second = await connect(opts(`b-${player.key}`));
    // Total: 2 connections open, the third is dropped on accept (before the rate limiter sees it).
    expect((await refusal(opts(`c-${player.key}`))).code).toBeUndefined();
    first.end(true);
    second.end(true);
    await new Promise((r) => setTimeout(r, 100));
    // Rate: the third accepted connection this minute is fine, the fourth is refused before TLS.
    (await connect(opts(`d-${player.key}`))).end(true);
    expect((await refusal(opts(`e-${player.key}`))).code).toBeUndefined();
  });
});

describe('keepalive and slow consumers', () => {
  it('closes a session silent for 1.5 × its keepalive', async () => {
    const player = await createPlayer(h);
    const raw = await connectedRawDevice(h, player, { keepaliveSeconds: 1 });
    const started = Date.now();
    expect(await raw.closedWithin(3000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('drops a subscriber whose socket stays full longer than the drain timeout', async () => {
    const slowBroker = await h.startExtraBroker({ BROKER_DRAIN_TIMEOUT_MS: '300' });
    const player = await createPlayer(h);
    const raw = await connectedRawDevice(h, player, { port: slowBroker.ports.mtls });
    raw.socket.write(subscribeFrame(topics.command(player.key)));
    await raw.waitForBytes(Buffer.from([0x90, 0x03, 0x00, 0x01, 0x01])); // SUBACK, QoS 1 granted
    raw.socket.pause(); // stop reading: TCP buffers fill up, the broker's writes stop draining
    const api = await connect(serviceOptions(h, { port: slowBroker.ports.internal }));
    const chunk = Buffer.alloc(100 * 1024, 0x7a);
    const dropped = () => slowBroker.sessions.sessionsOf(player.key).length === 0;
    for (let sent = 0; !dropped() && sent < 400; sent += 1) {
      api.publish(topics.command(player.key), chunk, { qos: 0 });
      if (sent % 20 === 19) await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor(dropped, 5000, 'the broker to drop the slow subscriber');
    // A paused socket does not notice the close; reading again shows the broker ended it.
    raw.socket.resume();
    expect(await raw.closedWithin(5000)).toBe(true);
    // The service connection is unaffected by the slow device.
    expect(api.connected).toBe(true);
  });
});

describe('conformance mode (docs/device-protocol.md §1)', () => {
  it('is off by default and, when on, is anonymous and separate from the device plane', async () => {
    expect(h.broker.ports.conformance).toBeNull();
    const conformance = await h.startExtraBroker({ BROKER_CONFORMANCE_PORT: '0' });
    const port = conformance.ports.conformance;
    expect(port).toBeGreaterThan(0);
    const anon = await connect({ host: '127.0.0.1', port: port!, protocolVersion: 5, reconnectPeriod: 0 });
    expect(await subscribeCodes(anon, ['#'])).toEqual([1]);
    const got = nextMessage(anon, 'a/b');
    await publish(anon, 'a/b', 'hello');
    expect((await got).payload).toBe('hello');
    // Device traffic on the platform listener never reaches the anonymous broker.
    const player = await createPlayer(h);
    const device = await connect(deviceOptions(h, player, { port: conformance.ports.mtls }));
    const seen: string[] = [];
    anon.on('message', (t) => seen.push(t));
    await publish(device, topics.status(player.key), '{"status":"online"}');
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([]);
  });
});
