import { topics } from '@makapix/protocol';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closed, connect, deviceOptions, endAll, nextMessage, publish, serviceOptions, subscribeCodes } from './clients.ts';
import { createPlayer, type Harness, openHarness, readInbox, type TestPlayer } from './harness.ts';

// docs/device-protocol.md §4 over the wire: particular behaviours (drop then disconnect, retain, MQTT 5 reason codes);
// the exhaustive topic × direction × identity matrix is acl-matrix.int.test.ts.

let h: Harness;
let me: TestPlayer;
let other: TestPlayer;
beforeAll(async () => {
  h = await openHarness();
  me = await createPlayer(h);
  other = await createPlayer(h);
});
afterEach(async () => {
  await endAll();
});
afterAll(async () => {
  await h?.close();
});

const inboxOf = async (key: string) => (await readInbox(h.redis)).filter((e) => e.player_key === key);

/** A service subscriber that records everything under makapix/player/# (what handlers could see). */
async function watcher(): Promise<{ seen: string[]; client: MqttClient }> {
  const client = await connect(serviceOptions(h));
  const seen: string[] = [];
  client.on('message', (topic) => seen.push(topic));
  await subscribeCodes(client, ['makapix/player/#']);
  return { seen, client };
}

describe('SUBSCRIBE', () => {
  it.each([
    [4, 0x80],
    [5, 0x87],
  ] as const)('answers a denied filter with a SUBACK failure code (v%i → 0x%s)', async (protocolVersion, failure) => {
    const device = await connect(deviceOptions(h, me, { protocolVersion }));
    const codes = await subscribeCodes(device, [
      topics.command(other.key),
      topics.command(me.key),
      '#',
      '$SYS/#',
      'makapix/player/+/command',
      `makapix/player/${me.key}/#`,
      topics.status(me.key),
      topics.viewAck(me.key),
    ]);
    expect(codes).toEqual([failure, 1, failure, failure, failure, failure, failure, 1]);
    // A denied subscription is only refused, not a reason to disconnect.
    expect(device.connected).toBe(true);
  });

  it('never delivers another player\'s command to a device', async () => {
    const device = await connect(deviceOptions(h, me));
    await subscribeCodes(device, [topics.command(other.key), 'makapix/player/+/command']);
    const api = await connect(serviceOptions(h));
    const received: string[] = [];
    device.on('message', (t) => received.push(t));
    await publish(api, topics.command(other.key), '{"command_type":"swap_next"}');
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual([]);
  });

  it('refuses `#` and `$SYS/#` to a service account', async () => {
    const api = await connect(serviceOptions(h));
    expect(await subscribeCodes(api, ['#', '$SYS/#', 'makapix/player/+/status'])).toEqual([0x80, 0x80, 1]);
  });
});

describe('PUBLISH', () => {
  it('drops a first denied publish (3.1.1: acknowledged, not routed) and disconnects on the second', async () => {
    const { seen } = await watcher();
    const device = await connect(deviceOptions(h, me));
    await publish(device, topics.status(other.key), '{"status":"online"}'); // PUBACK arrives: MQTT-3.3.5-2
    await new Promise((r) => setTimeout(r, 100));
    expect(device.connected).toBe(true);
    const gone = closed(device, 2000);
    device.publish(topics.command(me.key), '{}', { qos: 1 }); // a device may not publish commands
    await gone;
    expect(await inboxOf(other.key)).toEqual([]);
    expect(seen.filter((t) => t.includes(other.key) || t.endsWith('/command'))).toEqual([]);
  });

  it('answers a denied publish with PUBACK 0x87 for MQTT 5 and disconnects on the second', async () => {
    const device = await connect(deviceOptions(h, me, { protocolVersion: 5 }));
    await expect(publish(device, topics.status(other.key), '{}')).rejects.toMatchObject({ code: 0x87 });
    expect(device.connected).toBe(true);
    const gone = closed(device, 2000);
    device.publish(topics.status(other.key), '{}', { qos: 1 });
    await gone;
    expect(await inboxOf(other.key)).toEqual([]);
  });

  it('allows retain only on capabilities and state', async () => {
    const device = await connect(deviceOptions(h, me));
    await publish(device, topics.state(me.key), '{"rotation":90}', { retain: true });
    await publish(device, topics.status(me.key), '{"status":"online"}', { retain: true }); // denied, dropped
    expect(device.connected).toBe(true);
    const entries = await inboxOf(me.key);
    expect(entries.map((e) => [e.kind, e.retain])).toContainEqual(['state', true]);
    expect(entries.some((e) => e.kind === 'status' && e.retain)).toBe(false);
    // Nothing retained on status: a fresh subscriber gets only the state.
    const api = await connect(serviceOptions(h));
    const retainedSeen: string[] = [];
    api.on('message', (t, _p, packet) => packet.retain && retainedSeen.push(t));
    await subscribeCodes(api, [`makapix/player/${me.key}/#`]);
    await new Promise((r) => setTimeout(r, 200));
    expect(retainedSeen).toEqual([topics.state(me.key)]);
  });

  it('refuses $SYS and unknown topics like any other denial', async () => {
    const device = await connect(deviceOptions(h, me, { protocolVersion: 5 }));
    await expect(publish(device, '$SYS/broker/fake', 'x')).rejects.toMatchObject({ code: 0x87 });
    const gone = closed(device, 2000);
    device.publish('makapix/elsewhere', 'x', { qos: 1 });
    await gone;
  });

  it('lets a service account publish only server → device topics', async () => {
    const api = await connect(serviceOptions(h, { protocolVersion: 5 }));
    const device = await connect(deviceOptions(h, me));
    await subscribeCodes(device, [topics.viewAck(me.key)]);
    const got = nextMessage(device, topics.viewAck(me.key));
    await publish(api, topics.viewAck(me.key), '{"success":true}');
    await got;
    await expect(publish(api, topics.status(me.key), '{"status":"offline"}')).rejects.toMatchObject({ code: 0x87 });
    await expect(publish(api, topics.command(me.key), '{}', { retain: true })).rejects.toMatchObject({ code: 0x87 });
    expect((await inboxOf(me.key)).some((e) => e.payload === '{"status":"offline"}')).toBe(false);
  });
});
