import { parsePlayerTopic, PLAYER_TOPIC_KINDS } from '@makapix/protocol';
import type { IClientOptions, MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, pairs, PROTOCOL_TOPICS, type PublishCase, publishCases, subscribeCases, topicOf } from './acl-table.ts';
import { closed, connect, deviceOptions, endAll, publish, serviceOptions, subscribeCodes } from './clients.ts';
import { createPlayer, type Harness, openHarness, readInbox, type TestPlayer, waitFor } from './harness.ts';

// docs/device-protocol.md §4 over real sockets, exhaustively: every row of the topic table × publish / subscribe
// × own / another player × device (mTLS) / service account (internal listener), plus wildcards and
// `$SYS`. The pure decision is unit-tested in src/acl.test.ts; this proves the broker wires it up.

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await endAll();
  await h?.close();
});

it('the table covers every docs/device-protocol.md §4 topic kind exactly once', () => {
  const key = '0b5c1c3e-9f0a-4d1e-8a2b-3c4d5e6f7a8b';
  const kinds = PROTOCOL_TOPICS.map((row) => parsePlayerTopic(topicOf(key, row.suffix))?.kind);
  expect(kinds.sort()).toEqual([...PLAYER_TOPIC_KINDS].sort());
});

const payloadOf = (c: PublishCase) => JSON.stringify({ case: c.label });
const sorted = (labels: Iterable<string>) => [...labels].sort();

/** Labels of the matrix messages a client receives; anything else about the world's players too. */
function record(client: MqttClient, keys: string[]): Set<string> {
  const seen = new Set<string>();
  client.on('message', (topic, payload) => {
    let label: unknown;
    try {
      label = (JSON.parse(payload.toString('utf8')) as { case?: unknown }).case;
    } catch {
      label = undefined;
    }
    if (typeof label === 'string') seen.add(label);
    else if (keys.some((k) => topic.includes(k))) seen.add(`unexpected ${topic}: ${payload.toString('utf8')}`);
  });
  return seen;
}

// MQTT 3.1 (`MQIsdp`) and 3.1.1: the firmware speaks one of them; 5.0 for other players (docs/device-protocol.md §1).
describe.each([
  { name: 'MQTT 3.1', protocolVersion: 3, protocolId: 'MQIsdp' },
  { name: 'MQTT 3.1.1', protocolVersion: 4, protocolId: 'MQTT' },
  { name: 'MQTT 5.0', protocolVersion: 5, protocolId: 'MQTT' },
] as const)('$name', ({ protocolVersion, protocolId }) => {
  const version: IClientOptions = { protocolVersion, protocolId };
  let own: TestPlayer;
  let other: TestPlayer;
  let device: MqttClient;
  let service: MqttClient;
  const codes = new Map<string, number>();
  let deviceGot: Set<string>;
  let watcherGot: Set<string>;

  beforeAll(async () => {
    own = await createPlayer(h);
    other = await createPlayer(h);
    // One long-lived client per identity; the will is off so no broker-published status muddies the matrix.
    device = await connect(deviceOptions(h, own, { ...version, will: undefined }));
    service = await connect(serviceOptions(h, version));
    const watcher = await connect(serviceOptions(h, version));
    watcherGot = record(watcher, [own.key, other.key]);
    await subscribeCodes(watcher, ['makapix/player/#']);
    deviceGot = record(device, [own.key, other.key]);
    // Every filter in one SUBSCRIBE per identity: the SUBACK carries one code per filter.
    const cases = subscribeCases({ own: own.key, other: other.key });
    for (const [actor, client] of [['device', device], ['service', service]] as const) {
      const mine = cases.filter((c) => c.actor === actor);
      const got = await subscribeCodes(client, mine.map((c) => c.filter));
      mine.forEach((c, i) => codes.set(c.label, got[i]!));
    }
  });

  it('SUBSCRIBE: grants exactly the allowed filters, refuses the rest with a SUBACK failure code', () => {
    const cases = subscribeCases({ own: own.key, other: other.key });
    expect(new Set(cases.map((c) => c.label)).size).toBe(cases.length);
    // 3.1.1 has one failure return code, 0x80; MQTT 5 reason codes ≥ 0x80 are failures.
    const isFailure = (code: number) => (protocolVersion === 5 ? code >= 0x80 : code === 0x80);
    const outcome = (code: number | undefined) =>
      code === 1 ? 'granted QoS 1' : code !== undefined && isFailure(code) ? 'refused' : `unexpected ${String(code)}`;
    const actual = Object.fromEntries(cases.map((c) => [c.label, outcome(codes.get(c.label))]));
    const expected = Object.fromEntries(cases.map((c) => [c.label, c.allowed ? 'granted QoS 1' : 'refused']));
    expect(actual).toEqual(expected);
    // A refused subscription is not a reason to disconnect.
    expect(device.connected && service.connected).toBe(true);
  });

  /**
   * docs/device-protocol.md §4: a denied PUBLISH is dropped and the client is disconnected on repeat — the
   * broker closes on the second denial in one session (broker/src/hooks.ts, count ≥ 2). So every
   * pair of denied cases gets a fresh connection: the first is dropped (3.1/3.1.1: acknowledged as
   * MQTT-3.3.5-2 requires; 5.0: PUBACK 0x87) and the connection stays, the second closes it.
   */
  async function deniedPair(actor: Actor, index: number, [first, second]: [PublishCase, PublishCase]): Promise<void> {
    const client = await connect(
      actor === 'device'
        ? deviceOptions(h, own, { ...version, clientId: `deny${index}-${own.key}`, will: undefined })
        : serviceOptions(h, version),
    );
    const sent = publish(client, first.topic, payloadOf(first), { retain: first.retain });
    if (protocolVersion === 5) await expect(sent, first.label).rejects.toMatchObject({ code: 0x87 });
    else await sent;
    expect(client.connected, `still connected after the first denial (${first.label})`).toBe(true);
    const gone = closed(client, 2000);
    client.publish(second.topic, payloadOf(second), { qos: 1, retain: second.retain });
    await gone.catch(() => {
      throw new Error(`not disconnected after a repeated denial (${second.label})`);
    });
  }

  /** An allowed publish must be acknowledged (fails fast, naming the case, if the broker refused it). */
  async function publishAllowed(c: PublishCase): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`allowed publish not acknowledged: ${c.label}`)), 2000);
    });
    const acked = publish(c.actor === 'device' ? device : service, c.topic, payloadOf(c), { retain: c.retain }).catch((err: Error) => {
      throw new Error(`allowed publish refused: ${c.label}: ${err.message}`);
    });
    try {
      await Promise.race([acked, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  it('PUBLISH: delivers allowed publishes, drops denied ones and disconnects on repeat', async () => {
    const cases = publishCases({ own: own.key, other: other.key });
    expect(new Set(cases.map((c) => c.label)).size).toBe(cases.length);
    const allowed = cases.filter((c) => c.allowed);
    for (const c of allowed) await publishAllowed(c);
    await Promise.all(
      (['device', 'service'] as const).flatMap((actor) =>
        pairs(cases.filter((c) => !c.allowed && c.actor === actor)).map((pair, i) => deniedPair(actor, i, pair)),
      ),
    );

    const labels = allowed.map((c) => c.label);
    await waitFor(() => labels.every((l) => watcherGot.has(l)), 3000, 'every allowed publish at the service subscriber');
    await new Promise((r) => setTimeout(r, 200)); // room for a wrongly routed message to show up
    expect(sorted(watcherGot)).toEqual(sorted(labels));
    // The device hears only server → device traffic of its own subtree, despite its refused filters.
    expect(sorted(deviceGot)).toEqual(sorted(allowed.filter((c) => c.actor === 'service' && c.whose === 'own').map((c) => c.label)));
    // The handlers' inbox holds exactly the allowed device → server publishes.
    const inbox = (await readInbox(h.redis)).filter((e) => e.player_key === own.key || e.player_key === other.key);
    expect(sorted(inbox.map((e) => (JSON.parse(e.payload) as { case: string }).case))).toEqual(
      sorted(allowed.filter((c) => c.actor === 'device').map((c) => c.label)),
    );
    expect(device.connected && service.connected).toBe(true);
  });
});
