import { firmwareClientId, lastWillPayload, topics } from '@makapix/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, endAll, publish, serviceOptions } from './clients.ts';
import { createPlayer, type Harness, openHarness, readInbox, type TestPlayer, waitFor } from './harness.ts';
import {
  CONNACK_ACCEPTED,
  mqtt31ConnectFrame,
  PINGREQ,
  pubackFrame,
  publishFrame,
  rawDevice,
  type RawSession,
  receivedPublishes,
  subscribeFrame,
} from './raw-mqtt.ts';

// docs/device-protocol.md §1: MQTT 3.1 must be accepted, since the firmware connects with its library default.
// mqtt.js sends protocol name `MQTT` even at level 3, so only hand-built frames prove that a true
// 3.1 CONNECT (`MQIsdp`, level 3, a 40-character client id beyond 3.1's old 23-character cap) works.

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
const raws: RawSession[] = [];
afterEach(async () => {
  for (const raw of raws.splice(0)) raw.socket.destroy();
  await endAll();
});
afterAll(async () => {
  await h?.close();
});

/** A raw mTLS session that sent the firmware's 3.1 CONNECT (docs/device-protocol.md §3: keepalive 60, will on status). */
async function connect31(player: TestPlayer, clientId = firmwareClientId(player.key)): Promise<RawSession> {
  const session = await rawDevice(h, player);
  raws.push(session);
  session.socket.write(mqtt31ConnectFrame(clientId, { topic: topics.status(player.key), payload: lastWillPayload(player.key) }));
  return session;
}

describe('a true MQTT 3.1 (MQIsdp) device', () => {
  it('is accepted, subscribes to its command topic and receives a published command', async () => {
    const player = await createPlayer(h);
    const device = await connect31(player);
    await device.waitForBytes(CONNACK_ACCEPTED);

    device.socket.write(subscribeFrame(topics.command(player.key), 7));
    await device.waitForBytes(Buffer.from([0x90, 0x03, 0x00, 0x07, 0x01])); // SUBACK 7, QoS 1 granted

    const api = await connect(serviceOptions(h));
    const command = JSON.stringify({ command_id: 'c31', command_type: 'swap_next', payload: {}, timestamp: new Date().toISOString() });
    await publish(api, topics.command(player.key), command);
    const [got] = await waitFor(() => {
      const publishes = receivedPublishes(device.received());
      return publishes.length > 0 && publishes;
    }, 3000, 'the command on the 3.1 session');
    expect(got).toMatchObject({ topic: topics.command(player.key), payload: command, qos: 1, retain: false });
    device.socket.write(pubackFrame(got!.messageId!));

    device.socket.write(PINGREQ);
    await device.waitForBytes(Buffer.from([0xd0, 0x00]));
    expect(await device.closedWithin(100)).toBe(false);
  });

  it('publishes device → server messages into the inbox and leaves its will on an abrupt drop', async () => {
    const player = await createPlayer(h);
    const device = await connect31(player);
    await device.waitForBytes(CONNACK_ACCEPTED);
    device.socket.write(publishFrame({ topic: topics.status(player.key), qos: 1, messageId: 3, payload: '{"status":"online"}' }));
    await device.waitForBytes(pubackFrame(3));
    const mine = async () => (await readInbox(h.redis)).filter((e) => e.player_key === player.key);
    expect((await mine()).map((e) => [e.source, e.payload, e.client_id])).toEqual([['publish', '{"status":"online"}', `p3a-${player.key}`]]);

    // The 3.1 will (QoS 1, status offline) passed the ACL at CONNECT; the broker publishes it now.
    device.socket.destroy();
    const will = await waitFor(async () => (await mine()).find((e) => e.source === 'will'), 3000, 'the 3.1 last will');
    expect(will).toMatchObject({ kind: 'status', payload: lastWillPayload(player.key), qos: 1, retain: false });
  });

  it('still gets "identifier rejected" for a client id naming another key', async () => {
    const thief = await createPlayer(h);
    const victim = await createPlayer(h);
    const device = await connect31(thief, `p3a-${victim.key}`);
    // The will names the thief's own status topic, so only the client id can be the reason.
    await device.waitForBytes(Buffer.from([0x20, 0x02, 0x00, 0x02]));
    expect(await device.closedWithin(2000)).toBe(true);
  });
});
