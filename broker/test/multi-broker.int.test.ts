import { firmwareClientId, newRequestId, publishKick, topics } from '@makapix/protocol';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PERSISTENCE_KEY_PREFIX } from '../src/shared-state.ts';
import { type BrokerProcess, startBrokerProcess } from './broker-process.ts';
import { closed, connect, deviceOptions, endAll, nextMessage, publish, refusal, serviceOptions, subscribeCodes } from './clients.ts';
import { createPlayer, type Harness, openHarness, readInbox, type TestPlayer, waitFor } from './harness.ts';

// README "Several brokers": two broker processes (separate OS processes, as on two machines) on one
// Redis, real mTLS devices on both. Sessions, subscriptions, retained messages, wills and offline
// queues are shared through Redis; kicks, takeover and the inbox work whichever broker a device is on.

let h: Harness;
let a: BrokerProcess;
let b: BrokerProcess;
beforeAll(async () => {
  h = await openHarness();
  [a, b] = await Promise.all([startBrokerProcess(h), startBrokerProcess(h)]);
}, 60_000);
afterEach(async () => {
  await endAll();
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await h?.close();
}, 30_000);

const on = (broker: BrokerProcess, h: Harness, player: TestPlayer, extra = {}) => deviceOptions(h, player, { port: broker.ports.mtls, ...extra });
const serviceOn = (broker: BrokerProcess) => connect(serviceOptions(h, { port: broker.ports.internal }));
const command = (id: string) => JSON.stringify({ command_id: id, command_type: 'show_artwork', payload: { post_id: 1 } });

async function deviceOnEach(): Promise<{ onA: MqttClient; onB: MqttClient; pa: TestPlayer; pb: TestPlayer }> {
  const [pa, pb] = await Promise.all([createPlayer(h), createPlayer(h)]);
  const onA = await connect(on(a, h, pa));
  const onB = await connect(on(b, h, pb));
  expect(await subscribeCodes(onA, [topics.command(pa.key)])).toEqual([1]);
  expect(await subscribeCodes(onB, [topics.command(pb.key)])).toEqual([1]);
  return { onA, onB, pa, pb };
}

describe('two broker processes on one Redis', () => {
  it('delivers a command sent through either broker to a device on the other', async () => {
    const { onA, onB, pa, pb } = await deviceOnEach();
    const [serviceA, serviceB] = await Promise.all([serviceOn(a), serviceOn(b)]);
    const toB = nextMessage(onB, topics.command(pb.key));
    await publish(serviceA, topics.command(pb.key), command('via-a'));
    expect(JSON.parse((await toB).payload)).toMatchObject({ command_id: 'via-a' });
    const toA = nextMessage(onA, topics.command(pa.key));
    await publish(serviceB, topics.command(pa.key), command('via-b'));
    expect(JSON.parse((await toA).payload)).toMatchObject({ command_id: 'via-b' });
  });

  it('serves retained capabilities published on one broker to a subscriber on the other', async () => {
    const player = await createPlayer(h);
    const device = await connect(on(a, h, player));
    const capabilities = JSON.stringify({ firmware_version: '9.9.9', features: {} });
    await publish(device, topics.capabilities(player.key), capabilities, { retain: true });
    const watcher = await serviceOn(b);
    const retained = nextMessage(watcher, topics.capabilities(player.key));
    expect(await subscribeCodes(watcher, [topics.capabilities(player.key)])).toEqual([1]);
    expect(await retained).toEqual({ payload: capabilities, retain: true });
  });

  it('kicks a revoked device on the other broker within 2 s, and both refuse its certificate', async () => {
    const player = await createPlayer(h);
    const device = await connect(on(b, h, player));
    await h.writeCrl([{ serial: player.cert.serial, revokedAt: new Date() }]);
    const started = performance.now();
    const gone = closed(device, 2000);
    // The api publishes the kick on Redis (publishKick); both broker processes listen.
    expect(await publishKick(h.redis, player.key, 'certificate_revoked', { serial: player.cert.serial })).toBeGreaterThanOrEqual(2);
    await gone;
    expect(performance.now() - started).toBeLessThan(2000);
    // The kick reloads the CRL in every process: the handshake is refused on both brokers.
    const refusedByTls = (broker: BrokerProcess) =>
      refusal(on(broker, h, player)).then(
        (r) => r.code === undefined,
        () => false, // accepted: this process has not swapped its TLS context yet
      );
    for (const broker of [a, b]) await waitFor(() => refusedByTls(broker), 3000, 'CRL refusal');
    await h.writeCrl([]);
  });

  it.each([4, 5] as const)('hands a client id over to the other broker without firing the old will (v%i)', async (protocolVersion) => {
    const player = await createPlayer(h);
    const first = await connect(on(a, h, player, { protocolVersion }));
    const firstClosed = closed(first, 3000);
    const second = await connect(on(b, h, player, { protocolVersion }));
    await firstClosed;
    // The new session is the one served: a command sent through the old broker reaches it.
    expect(await subscribeCodes(second, [topics.command(player.key)])).toEqual([1]);
    const service = await serviceOn(a);
    const delivered = nextMessage(second, topics.command(player.key));
    await publish(service, topics.command(player.key), command('after-takeover'));
    await delivered;
    await publish(second, topics.status(player.key), JSON.stringify({ player_key: player.key, status: 'online' }));
    await new Promise((r) => setTimeout(r, 500));
    const mine = (await readInbox(h.redis)).filter((e) => e.player_key === player.key);
    expect(mine.map((e) => e.source)).toEqual(['publish']);
    expect(second.connected).toBe(true);
    // An abrupt drop of the surviving session still fires its will.
    second.stream.destroy();
    await waitFor(async () => (await readInbox(h.redis)).some((e) => e.player_key === player.key && e.source === 'will'), 5000, 'will');
  });

  it('takes over a client id on the same broker without firing the old will either', async () => {
    const player = await createPlayer(h);
    const first = await connect(on(a, h, player));
    const firstClosed = closed(first, 3000);
    const second = await connect(on(a, h, player));
    await firstClosed;
    await new Promise((r) => setTimeout(r, 500));
    expect((await readInbox(h.redis)).filter((e) => e.player_key === player.key)).toEqual([]);
    expect(second.connected).toBe(true);
  });

  it('delivers the QoS 1 messages queued for an offline MQTT 5 persistent session after it reconnects to the other broker', async () => {
    const player = await createPlayer(h);
    const persistent = { protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 2 }, will: undefined };
    const first = await connect(on(a, h, player, persistent));
    expect(await subscribeCodes(first, [topics.command(player.key)])).toEqual([1]);
    await new Promise<void>((resolve) => first.end(false, {}, () => resolve()));

    const service = await serviceOn(b);
    for (const id of ['q1', 'q2', 'q3']) await publish(service, topics.command(player.key), command(id));
    const received: string[] = [];
    const again = await connect(on(b, h, player, { ...persistent, resubscribe: false }));
    again.on('message', (_topic, payload) => received.push(String(JSON.parse(payload.toString('utf8')).command_id)));
    await waitFor(() => received.length >= 3, 5000, 'the queued commands');
    expect(received).toEqual(['q1', 'q2', 'q3']);
    // Broker A's 2-second session expiry must not wipe the session broker B serves now.
    await new Promise((r) => setTimeout(r, 2500));
    const subscriptionKey = `${PERSISTENCE_KEY_PREFIX}client:${encodeURIComponent(firmwareClientId(player.key))}`;
    expect(Object.keys(await h.redis.hgetall(subscriptionKey))).toEqual([topics.command(player.key)]);
    const later = nextMessage(again, topics.command(player.key));
    await publish(service, topics.command(player.key), command('q4'));
    await later;
  });

  it('appends each device request to the inbox exactly once, whichever broker received it', async () => {
    const { onA, onB, pa, pb } = await deviceOnEach();
    // Service subscribers on both brokers see every request too, which must not duplicate it.
    for (const broker of [a, b]) expect(await subscribeCodes(await serviceOn(broker), ['makapix/player/+/request/+'])).toEqual([1]);
    const sent: string[] = [];
    await Promise.all(
      [
        [onA, pa],
        [onB, pb],
      ].flatMap(([client, player]) =>
        Array.from({ length: 10 }, () => {
          const id = newRequestId();
          sent.push(id);
          const key = (player as TestPlayer).key;
          return publish(client as MqttClient, topics.request(key, id), JSON.stringify({ request_id: id, request_type: 'echo' }));
        }),
      ),
    );
    const requests = (await readInbox(h.redis)).filter((e) => e.kind === 'request' && sent.includes(e.request_id ?? ''));
    expect(requests.map((e) => e.request_id).sort()).toEqual([...sent].sort());
    expect(new Set(requests.map((e) => e.broker_id)).size).toBe(2);
  });
});
