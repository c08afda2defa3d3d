import { heartbeatKey, heartbeatPattern, heartbeatSchema, topics } from '@makapix/protocol';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTIONS_KEY } from '../src/fleet-limits.ts';
import { type BrokerProcess, startBrokerProcess } from './broker-process.ts';
import { connect, deviceOptions, endAll, nextMessage, publish, refusal, serviceOptions, subscribeCodes } from './clients.ts';
import { createPlayer, type Harness, openHarness, readInbox, waitFor } from './harness.ts';

// README "Several brokers": BROKER_PROCESSES=2 runs broker/src/main.ts as a node:cluster primary and
// two broker workers sharing the listeners; the connection limits count for the whole fleet. A world
// of its own (own Redis db): the per-IP allowance is shared by every broker on one Redis.

let h: Harness;
let cluster: BrokerProcess;
beforeAll(async () => {
  h = await openHarness();
  cluster = await startBrokerProcess(h, { BROKER_MAX_CONNECTIONS: '3', BROKER_MAX_CONNECTIONS_PER_IP_PER_MINUTE: '5' }, 2);
}, 60_000);
afterEach(async () => {
  await endAll();
});
afterAll(async () => {
  await cluster?.stop();
  await h?.close();
}, 30_000);

const fleetCount = async () => Object.values(await h.redis.hgetall(CONNECTIONS_KEY)).map(Number).reduce((a, b) => a + b, 0);
const command = (id: string) => JSON.stringify({ command_id: id, command_type: 'show_artwork', payload: { post_id: 1 } });

describe('one broker started with BROKER_PROCESSES=2 (node:cluster)', () => {
  it('runs two broker processes on one port pair, each reporting its heartbeat, with fleet-wide connection limits', async () => {
    expect(new Set(cluster.instanceIds).size).toBe(2);
    const beats = await h.redis.keys(heartbeatPattern('broker'));
    for (const id of cluster.instanceIds) expect(beats).toContain(`makapix:heartbeat:broker:${id}`);

    const players = await Promise.all([createPlayer(h), createPlayer(h), createPlayer(h)]);
    const devices: MqttClient[] = [];
    for (const player of players) {
      const device = await connect(deviceOptions(h, player, { port: cluster.ports.mtls }));
      expect(await subscribeCodes(device, [topics.command(player.key)])).toEqual([1]);
      await publish(device, topics.status(player.key), JSON.stringify({ player_key: player.key, status: 'online' }));
      devices.push(device);
    }
    // The cluster spreads connections round-robin: both processes hold devices.
    const statuses = (await readInbox(h.redis)).filter((e) => players.some((p) => p.key === e.player_key));
    expect(new Set(statuses.map((e) => e.broker_id))).toEqual(new Set(cluster.instanceIds));
    // A command through the internal listener (whichever process takes it) reaches every device.
    const service = await connect(serviceOptions(h, { port: cluster.ports.internal }));
    for (const [i, player] of players.entries()) {
      const got = nextMessage(devices[i]!, topics.command(player.key));
      await publish(service, topics.command(player.key), command(`c${i}`));
      await got;
    }
    // BROKER_MAX_CONNECTIONS=3 is the total over both processes (4th connection from this IP).
    const spare = await createPlayer(h);
    await refusal(deviceOptions(h, spare, { port: cluster.ports.mtls }));
    // A closed connection frees its place in the total (5th connection from this IP)…
    devices[0]!.end(true);
    await waitFor(async () => (await fleetCount()) === 2, 3000, 'the fleet count to drop');
    const fifth = await connect(deviceOptions(h, spare, { port: cluster.ports.mtls }));
    fifth.end(true);
    await waitFor(async () => (await fleetCount()) === 2, 3000, 'the fleet count to drop again');
    // …but 5 per IP per minute is for the fleet: each process alone has seen about 3 from this IP.
    await refusal(deviceOptions(h, spare, { port: cluster.ports.mtls }));
  });

  it('replaces a broker process that dies, under a new instance id', async () => {
    const [first] = cluster.instanceIds;
    const beat = await h.redis.get(heartbeatKey('broker', first!));
    const { pid } = heartbeatSchema.parse(JSON.parse(beat!));
    process.kill(pid, 'SIGKILL');
    await waitFor(() => cluster.instanceIds.length === 3, 20_000, 'a replacement worker');
    const replacement = cluster.instanceIds[2]!;
    expect(cluster.instanceIds.slice(0, 2)).not.toContain(replacement);
    await waitFor(async () => (await h.redis.get(heartbeatKey('broker', replacement))) !== null, 10_000, 'its heartbeat');
    // Both listeners still answer, whichever worker takes the connection.
    for (let i = 0; i < 3; i++) {
      const service = await connect(serviceOptions(h, { port: cluster.ports.internal }));
      await publish(service, topics.command(crypto.randomUUID()), command(`after-crash-${i}`));
    }
  });
});
