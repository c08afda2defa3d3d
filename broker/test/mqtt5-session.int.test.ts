import net from 'node:net';
import { topics } from '@makapix/protocol';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, deviceOptions, endAll, serviceOptions, subscribeCodes } from './clients.ts';
import { createPlayer, type Harness, openHarness, waitFor } from './harness.ts';
import { connectBytes, parseFrames, prop, publishOf, pubackBytes, subscribeBytes } from './mqtt-frames.ts';
import { rawDevice, type RawSession } from './raw-mqtt.ts';

/** A plain-TCP client that sends one CONNECT, waits for CONNACK 0, then stays silent. */
async function silentClient(port: number, connectFrame: Buffer) {
  const socket = net.connect({ host: '127.0.0.1', port });
  let data = Buffer.alloc(0);
  let closed = false;
  socket.on('data', (chunk: Buffer) => (data = Buffer.concat([data, chunk])));
  socket.on('error', () => undefined);
  socket.once('close', () => (closed = true));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(connectFrame);
  await waitFor(() => parseFrames(data).some((f) => f.type === 2), 5000, 'CONNACK');
  return {
    socket,
    received: () => data,
    closedWithin: (ms: number) => waitFor(() => closed, ms, 'the close').then(() => true, () => false),
  };
}

// MQTT 5.0 session and flow-control rules (issue 11 §6), written from the specification: offline
// queueing for a persistent session, the client's Receive Maximum and Maximum Packet Size, the Will
// Delay Interval, subscription identifiers, Server Keep Alive; and the conformance listener's
// `test/nosubscribe`. Device-plane rules run on the mTLS listener; rules that need free topics run
// on the conformance listener, which shares the broker's Aedes options and hooks.

let h: Harness;
let api: MqttClient;
const raws: RawSession[] = [];
beforeAll(async () => {
  h = await openHarness({ BROKER_CONFORMANCE_PORT: '0' });
  api = await connect(serviceOptions(h, { protocolVersion: 5 }));
});
afterEach(() => {
  for (const raw of raws.splice(0)) raw.socket.destroy();
});
afterAll(async () => {
  await endAll();
  await h?.close();
});

const conformance = (extra: IClientOptions = {}): IClientOptions => ({
  host: '127.0.0.1',
  port: h.broker.ports.conformance!,
  protocolVersion: 5,
  reconnectPeriod: 0,
  connectTimeout: 5000,
  ...extra,
});

/** Connects and resolves with the client and its CONNACK. */
function connectWithConnack(options: IClientOptions): Promise<{ client: MqttClient; connack: mqtt.IConnackPacket }> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(options);
    client.once('connect', (connack) => resolve({ client, connack }));
    client.once('error', reject);
  });
}

function servicePublish(topic: string, payload: string, qos: 0 | 1 | 2): Promise<void> {
  return new Promise((resolve, reject) => api.publish(topic, payload, { qos }, (err) => (err ? reject(err) : resolve())));
}

const command = (id: string, padding = 0) => JSON.stringify({ command_id: id, command_type: 'swap_next', payload: { pad: 'x'.repeat(padding) } });

describe('MQTT 5 sessions on the device listener', () => {
  it.each([
    ['the same session expiry', 300],
    ['session expiry 0 (the session then ends with this connection)', 0],
  ])('delivers QoS 1 and 2 messages queued for an offline session with expiry > 0 after a reconnect with Session Present 1, asking for %s (MQTT-3.1.2-23, MQTT-3.2.2-2)', async (_what, reconnectExpiry) => {
    const player = await createPlayer(h);
    const options = deviceOptions(h, player, { protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 300 } });
    const first = await connectWithConnack(options);
    expect(await subscribeCodes(first.client, [topics.command(player.key)])).toEqual([1]);
    await new Promise<void>((resolve) => first.client.end(false, {}, () => resolve()));

    await servicePublish(topics.command(player.key), command('q1'), 1);
    await servicePublish(topics.command(player.key), command('q2'), 2);
    await servicePublish(topics.command(player.key), command('q3'), 1);

    const received: string[] = [];
    const again = mqtt.connect({ ...options, properties: { sessionExpiryInterval: reconnectExpiry } });
    again.on('message', (_t, payload) => received.push(JSON.parse(payload.toString()).command_id));
    const connack = await new Promise<mqtt.IConnackPacket>((resolve) => again.once('connect', resolve));
    expect(connack.sessionPresent).toBe(true);
    await waitFor(() => received.length >= 3, 5000, 'the queued messages');
    expect(received).toEqual(['q1', 'q2', 'q3']);
    again.end(true);
  });

  it('resends an unacknowledged message with DUP after an abrupt drop, then the messages queued meanwhile (MQTT-4.4.0-1, MQTT-3.3.1-1)', async () => {
    const player = await createPlayer(h);
    const session = async () => {
      const raw = await rawDevice(h, player);
      raws.push(raw);
      raw.socket.write(connectBytes({ level: 5, clientId: `p3a-${player.key}`, clean: false, properties: [prop.sessionExpiry(300)] }));
      await waitFor(() => parseFrames(raw.received()).some((f) => f.type === 2), 5000, 'CONNACK');
      return raw;
    };
    const publishes = (raw: RawSession) => parseFrames(raw.received()).filter((f) => f.type === 3);
    const first = await session();
    first.socket.write(subscribeBytes(5, 1, [topics.command(player.key)]));
    await waitFor(() => parseFrames(first.received()).some((f) => f.type === 9), 5000, 'SUBACK');
    await servicePublish(topics.command(player.key), command('inflight'), 1);
    await waitFor(() => publishes(first).length === 1, 5000, 'the first message');
    first.socket.destroy();
    await new Promise((r) => setTimeout(r, 200));
    await servicePublish(topics.command(player.key), command('queued'), 1);

    const second = await session();
    const connack = parseFrames(second.received()).find((f) => f.type === 2)!;
    expect(connack.body[0]! & 0x01).toBe(1);
    await waitFor(() => publishes(second).length >= 2, 5000, 'both messages');
    const got = publishes(second).map((f) => ({ dup: (f.flags & 0x08) !== 0, id: JSON.parse(publishOf(5, f).payload).command_id }));
    expect(got).toEqual([{ dup: true, id: 'inflight' }, { dup: false, id: 'queued' }]);
  });

  it('never has more unacknowledged QoS 1 messages in flight than the client\'s Receive Maximum (MQTT-3.3.4-9)', async () => {
    const player = await createPlayer(h);
    const raw = await rawDevice(h, player);
    raws.push(raw);
    raw.socket.write(connectBytes({ level: 5, clientId: `p3a-${player.key}`, properties: [prop.receiveMaximum(2)] }));
    await waitFor(() => parseFrames(raw.received()).some((f) => f.type === 2), 5000, 'CONNACK');
    raw.socket.write(subscribeBytes(5, 1, [topics.command(player.key)]));
    await waitFor(() => parseFrames(raw.received()).some((f) => f.type === 9), 5000, 'SUBACK');

    for (let i = 1; i <= 5; i++) await servicePublish(topics.command(player.key), command(`r${i}`), 1);
    const publishes = () => parseFrames(raw.received()).filter((f) => f.type === 3).map((f) => publishOf(5, f));
    await waitFor(() => publishes().length >= 2, 5000, 'the first two messages');
    await new Promise((r) => setTimeout(r, 300));
    expect(publishes().map((p) => JSON.parse(p.payload).command_id)).toEqual(['r1', 'r2']);

    // Each PUBACK frees exactly one slot.
    raw.socket.write(pubackBytes(publishes()[0]!.id!));
    await waitFor(() => publishes().length >= 3, 5000, 'the third message');
    await new Promise((r) => setTimeout(r, 200));
    expect(publishes()).toHaveLength(3);
    for (const p of publishes().slice(1)) raw.socket.write(pubackBytes(p.id!));
    await waitFor(() => publishes().length >= 5, 5000, 'the rest');
    expect(publishes().map((p) => JSON.parse(p.payload).command_id)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(await raw.closedWithin(100)).toBe(false);
  });

  it('discards a message above the client\'s Maximum Packet Size and keeps delivering the rest (MQTT-3.1.2-24, MQTT-3.1.2-25)', async () => {
    const player = await createPlayer(h);
    const device = await connect(deviceOptions(h, player, { protocolVersion: 5, properties: { maximumPacketSize: 512 } }));
    expect(await subscribeCodes(device, [topics.command(player.key)])).toEqual([1]);
    const received: string[] = [];
    device.on('message', (_t, payload) => received.push(JSON.parse(payload.toString()).command_id));
    await servicePublish(topics.command(player.key), command('small-1'), 1);
    await servicePublish(topics.command(player.key), command('big-qos1', 2000), 1);
    await servicePublish(topics.command(player.key), command('big-qos0', 2000), 0);
    await servicePublish(topics.command(player.key), command('small-2'), 1);
    await waitFor(() => received.includes('small-2'), 5000, 'the message after the big ones');
    expect(received).toEqual(['small-1', 'small-2']);
    expect(device.connected).toBe(true);
  });
});

describe('MQTT 5 rules on the conformance listener', () => {
  it('publishes a delayed will after the Will Delay Interval, without the will-only property (MQTT 5.0 §3.1.3.2.2, §3.3.2.3)', async () => {
    const watcher = await connect(conformance({ clientId: 'will-watcher' }));
    expect(await subscribeCodes(watcher, ['will/delayed'])).toEqual([1]);
    const will = new Promise<{ at: number; properties: Record<string, unknown> | undefined }>((resolve) =>
      watcher.on('message', (_t, _p, packet) => resolve({ at: Date.now(), properties: packet.properties as Record<string, unknown> | undefined })),
    );
    const dying = await connect(
      conformance({
        clientId: 'will-owner',
        properties: { sessionExpiryInterval: 10 },
        will: { topic: 'will/delayed', payload: Buffer.from('gone'), qos: 1, retain: false, properties: { willDelayInterval: 1, contentType: 'text/plain' } },
      }),
    );
    const droppedAt = Date.now();
    dying.stream.destroy();
    const got = await will;
    expect(got.at - droppedAt).toBeGreaterThanOrEqual(900);
    expect(got.properties?.willDelayInterval).toBeUndefined();
    expect(got.properties?.contentType).toBe('text/plain');
  });

  it('sends one copy of a message matching overlapping subscriptions, carrying every matching subscription identifier (MQTT-3.3.4-3, MQTT-3.3.4-4)', async () => {
    const client = await connect(conformance({ clientId: 'si-client' }));
    const sub = (filter: string, id: number) =>
      new Promise<void>((resolve, reject) => client.subscribe(filter, { qos: 1, properties: { subscriptionIdentifier: id } }, (err) => (err ? reject(err) : resolve())));
    await sub('si/#', 1);
    await sub('si/+', 2);
    await sub('si/a', 3);
    const got: Array<{ topic: string; ids: number[] }> = [];
    client.on('message', (topic, _p, packet) => {
      const ids = packet.properties?.subscriptionIdentifier;
      got.push({ topic, ids: (Array.isArray(ids) ? ids : ids === undefined ? [] : [ids]).sort((a, b) => a - b) });
    });
    const publisher = await connect(conformance({ clientId: 'si-publisher' }));
    publisher.publish('si/a', 'x', { qos: 1 });
    publisher.publish('si/b/c', 'y', { qos: 1 });
    await waitFor(() => got.length >= 2, 5000, 'two messages');
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toEqual([{ topic: 'si/a', ids: [1, 2, 3] }, { topic: 'si/b/c', ids: [1] }]);

    // A retained message sent because of a new SUBSCRIBE carries that SUBSCRIBE's identifier only;
    // the next live message on that topic carries every matching one.
    const stored = new Promise<void>((resolve) => publisher.publish('si/kept/x', 'r', { qos: 1, retain: true }, () => resolve()));
    await stored;
    await waitFor(() => got.length >= 3, 5000, 'the live copy of the retained message');
    await sub('si/kept/+', 4);
    await waitFor(() => got.length >= 4, 5000, 'the retained message');
    publisher.publish('si/kept/x', 'live', { qos: 1 });
    await waitFor(() => got.length >= 5, 5000, 'the live message');
    expect(got.slice(2)).toEqual([{ topic: 'si/kept/x', ids: [1] }, { topic: 'si/kept/x', ids: [4] }, { topic: 'si/kept/x', ids: [1, 4] }]);
  });

  it('sends Server Keep Alive (BROKER_SERVER_KEEP_ALIVE_S, default 300) to an MQTT 5 client asking for none or more, and holds it to it (MQTT-3.2.2-21, MQTT-3.2.2-22)', async () => {
    const keepaliveOf = async (options: IClientOptions) => {
      const { client, connack } = await connectWithConnack(conformance(options));
      client.end(true);
      return connack.properties?.serverKeepAlive;
    };
    expect(await keepaliveOf({ keepalive: 0 })).toBe(300);
    expect(await keepaliveOf({ keepalive: 3600 })).toBe(300);
    expect(await keepaliveOf({ keepalive: 60 })).toBeUndefined();

    // With a 1 s limit, a silent MQTT 5 client that asked for no keepalive is closed after 1.5 s;
    // an MQTT 3.1.1 client cannot be told another value, so its "no keepalive" is honoured.
    const short = await h.startExtraBroker({ BROKER_CONFORMANCE_PORT: '0', BROKER_SERVER_KEEP_ALIVE_S: '1' });
    const v5 = await silentClient(short.ports.conformance!, connectBytes({ level: 5, clientId: 'silent-5', keepalive: 0 }));
    const v4 = await silentClient(short.ports.conformance!, connectBytes({ level: 4, clientId: 'silent-4', keepalive: 0 }));
    const connack = parseFrames(v5.received()).find((f) => f.type === 2)!;
    // CONNACK properties: flags, reason, property length, then 0x13 Server Keep Alive = 1 among them.
    expect(connack.body[1]).toBe(0);
    expect(connack.body.subarray(3).includes(Buffer.from([0x13, 0x00, 0x01]))).toBe(true);
    expect(await v5.closedWithin(4000)).toBe(true);
    expect(await v4.closedWithin(100)).toBe(false);
    v4.socket.destroy();
  });

  it('refuses subscriptions to test/nosubscribe (SUBACK 0x80; MQTT 5 reason 0x87) and grants the rest', async () => {
    const v4 = await connect(conformance({ protocolVersion: 4 }));
    expect(await subscribeCodes(v4, ['test/nosubscribe', 'test/other'])).toEqual([0x80, 1]);
    const v5 = await connect(conformance());
    expect(await subscribeCodes(v5, ['test/nosubscribe', 'test/other'])).toEqual([0x87, 1]);
  });
});
