import net from 'node:net';
import { topics } from '@makapix/protocol';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, deviceOptions, endAll, nextMessage, publish, serviceOptions, subscribeCodes } from './clients.ts';
import { createPlayer, type Harness, openHarness, type TestPlayer, waitFor } from './harness.ts';
import { connectBytes, type Level, LEVEL_NAME, LEVELS, parseFrames, publishBytes, type ReceivedFrame, subscribeBytes, unsubscribeBytes } from './mqtt-frames.ts';
import { frame, rawDevice } from './raw-mqtt.ts';

// Each malformed packet of issue 11 §6, sent by an authenticated device over the real mTLS listener
// as hand-built bytes, for every protocol level it applies to. Every test walks every member of its
// class and compares the whole outcome (what the broker sent, and that it closed) with what the
// specification requires; a bystander device stays connected and served throughout.

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

/** MQTT 3.1.1 [MQTT-1.5.3-1]/[MQTT-1.5.3-2], 5.0 [MQTT-1.5.4-1]/[MQTT-1.5.4-2]: ill-formed strings. */
const MALFORMED_TEXT: Array<[string, Buffer]> = [
  ['U+0000', Buffer.from([0x00])],
  ['lone surrogate U+D800', Buffer.from([0xed, 0xa0, 0x80])],
  ['lone surrogate U+DBFF', Buffer.from([0xed, 0xaf, 0xbf])],
  ['lone surrogate U+DC00', Buffer.from([0xed, 0xb0, 0x80])],
  ['lone surrogate U+DFFF', Buffer.from([0xed, 0xbf, 0xbf])],
  ['overlong U+0000 (C0 80)', Buffer.from([0xc0, 0x80])],
  ['truncated sequence (C3 28)', Buffer.from([0xc3, 0x28])],
  ['byte FF', Buffer.from([0xff])],
];

/** Refused in client ids and topics, as Mosquitto does: U+0001–U+001F, U+007F–U+009F, U+FFFF. */
const CONTROL_TEXT: Array<[string, Buffer]> = [...range(0x01, 0x1f), ...range(0x7f, 0x9f), 0xffff].map((cp) => [
  `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`,
  Buffer.from(String.fromCodePoint(cp), 'utf8'),
]);

const embed = (prefix: string, bad: Buffer, suffix = '') => Buffer.concat([Buffer.from(prefix), bad, Buffer.from(suffix)]);

let h: Harness;
let api: MqttClient;
let bystander: TestPlayer;
let bystanderClient: MqttClient;
/** Distinct players so connected-session cases can run side by side without taking over each other. */
let attackers: TestPlayer[];
const WORKERS = 6;

beforeAll(async () => {
  h = await openHarness({ BROKER_CONFORMANCE_PORT: '0' });
  bystander = await createPlayer(h);
  attackers = [];
  for (let i = 0; i < WORKERS; i++) attackers.push(await createPlayer(h));
  bystanderClient = await connect(deviceOptions(h, bystander));
  expect(await subscribeCodes(bystanderClient, [topics.command(bystander.key)])).toEqual([1]);
  api = await connect(serviceOptions(h));
}, 60_000);
afterEach(async () => {
  // Whatever the malformed connections did, the bystander is still connected and served.
  expect(bystanderClient.connected).toBe(true);
  const got = nextMessage(bystanderClient, topics.command(bystander.key));
  const command = JSON.stringify({ command_id: `c-${Date.now()}`, command_type: 'swap_next', payload: {} });
  await publish(api, topics.command(bystander.key), command);
  expect((await got).payload).toBe(command);
});
afterAll(async () => {
  await endAll();
  await h?.close();
});

/** What a connection saw: the packets the broker sent (CONNACK / DISCONNECT codes) and whether it closed. */
function outcome(frames: ReceivedFrame[], closed: boolean): string {
  const packets = frames.map((f) => (f.type === 2 ? `CONNACK ${hex(f.body[1]!)}` : f.type === 14 ? `DISCONNECT ${hex(f.body[0] ?? 0)}` : `packet type ${f.type}`));
  return [...packets, closed ? 'closed' : 'still open'].join(', ');
}

async function runPool<T>(items: T[], run: (item: T, worker: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    range(0, WORKERS - 1).map(async (worker) => {
      while (next < items.length) await run(items[next++]!, worker);
    }),
  );
}

interface Member {
  label: string;
  level: Level;
  /** The bytes sent: a CONNECT, or (with `afterConnect`) a packet sent once CONNACK 0 arrived. */
  bytes: (player: TestPlayer) => Buffer;
  expected: string;
}

async function observe(member: Member, player: TestPlayer, afterConnect: boolean): Promise<string> {
  const raw = await rawDevice(h, player);
  try {
    if (afterConnect) {
      raw.socket.write(connectBytes({ level: member.level, clientId: `p3a-${player.key}` }));
      await waitFor(() => parseFrames(raw.received()).length > 0, 5000, 'CONNACK');
    }
    raw.socket.write(member.bytes(player));
    const closed = await raw.closedWithin(3000);
    return outcome(parseFrames(raw.received()), closed);
  } finally {
    raw.socket.destroy();
  }
}

/** Sends every member and compares all outcomes at once, so a failure lists every wrong member. */
async function expectOutcomes(members: Member[], afterConnect = false): Promise<void> {
  const seen: Record<string, string> = {};
  const expected: Record<string, string> = {};
  await runPool(members, async (member, worker) => {
    const key = `${LEVEL_NAME[member.level]}: ${member.label}`;
    expected[key] = member.expected;
    seen[key] = await observe(member, attackers[worker]!, afterConnect);
  });
  expect(seen).toEqual(expected);
}

/** Members × levels, with the expected outcome per level. */
function membersOf(
  cls: Array<[string, Buffer]>,
  levels: Level[],
  bytes: (bad: Buffer, level: Level, player: TestPlayer) => Buffer,
  expected: (level: Level) => string,
): Member[] {
  return levels.flatMap((level) => cls.map(([label, bad]) => ({ label, level, bytes: (p: TestPlayer) => bytes(bad, level, p), expected: expected(level) })));
}

describe('CONNECT', () => {
  const malformed = (level: Level) => (level === 5 ? 'CONNACK 0x81, closed' : 'closed');

  it('closes on a client id, user name or will topic that is not well-formed UTF-8 or holds U+0000 (MQTT-1.5.3-1, MQTT-1.5.3-2)', async () => {
    await expectOutcomes([
      ...membersOf(MALFORMED_TEXT, LEVELS, (bad, level) => connectBytes({ level, clientId: embed('p3a-', bad) }), malformed),
      ...membersOf(MALFORMED_TEXT, LEVELS, (bad, level, p) => connectBytes({ level, clientId: `p3a-${p.key}`, username: embed('user', bad) }), malformed),
      ...membersOf(MALFORMED_TEXT, LEVELS, (bad, level, p) => connectBytes({ level, clientId: `p3a-${p.key}`, will: { topic: embed(`makapix/player/${p.key}/status`, bad) } }), malformed),
    ]);
  });

  it('rejects a client id holding a control character or U+FFFF (CONNACK identifier rejected, MQTT-3.1.3-9)', async () => {
    await expectOutcomes(membersOf(CONTROL_TEXT, LEVELS, (bad, level) => connectBytes({ level, clientId: embed('p3a-', bad, 'x') }), (level) => (level === 5 ? 'CONNACK 0x85, closed' : 'CONNACK 0x02, closed')));
  });

  it('closes on a will topic holding a control character or U+FFFF (MQTT 5: CONNACK 0x90 topic name invalid)', async () => {
    await expectOutcomes(
      membersOf(CONTROL_TEXT, LEVELS, (bad, level, p) => connectBytes({ level, clientId: `p3a-${p.key}`, will: { topic: embed(`makapix/player/${p.key}/`, bad) } }), (level) =>
        level === 5 ? 'CONNACK 0x90, closed' : 'closed',
      ),
    );
  });

  it('closes on will QoS or will retain without the will flag, and on will QoS 3 (MQTT-3.1.2-13, MQTT-3.1.2-14, MQTT-3.1.2-15)', async () => {
    const flags: Array<[string, Buffer]> = [
      ['will flag 0, will QoS 1', Buffer.from([0x02 | 0x08])],
      ['will flag 0, will QoS 2', Buffer.from([0x02 | 0x10])],
      ['will flag 0, will retain', Buffer.from([0x02 | 0x20])],
      ['will flag 0, will QoS 1 and retain', Buffer.from([0x02 | 0x28])],
    ];
    await expectOutcomes([
      ...membersOf(flags, LEVELS, (f, level, p) => connectBytes({ level, clientId: `p3a-${p.key}`, flags: f[0]! }), malformed),
      ...LEVELS.map((level) => ({
        label: 'will QoS 3',
        level,
        bytes: (p: TestPlayer) => connectBytes({ level, clientId: `p3a-${p.key}`, will: { topic: topics.status(p.key), qos: 3 } }),
        expected: malformed(level),
      })),
    ]);
  });

  it('answers an unsupported protocol level with CONNACK 0x01, then closes (MQTT-3.1.2-2)', async () => {
    await expectOutcomes(
      [0, 1, 2, 6, 7, 0x84, 0xff].map((version) => ({
        label: `protocol level ${version}`,
        level: 4 as Level,
        bytes: (p: TestPlayer) => connectBytes({ level: version, name: 'MQTT', clientId: `p3a-${p.key}` }),
        expected: 'CONNACK 0x01, closed',
      })),
    );
  });

  it('answers an MQTT 3.1 CONNECT with an empty client id with CONNACK 0x02 (MQTT 3.1 §3.1: 1 to 23 characters)', async () => {
    await expectOutcomes([{ label: 'empty client id', level: 3, bytes: () => connectBytes({ level: 3, clientId: '' }), expected: 'CONNACK 0x02, closed' }]);
  });
});

describe('packets after CONNACK', () => {
  /** CONNACK 0 first, then the MQTT 5 DISCONNECT `code` (v3.1/3.1.1 have no DISCONNECT from the server). */
  const closedWith = (code: number) => (level: Level) => (level === 5 ? `CONNACK 0x00, DISCONNECT ${hex(code)}, closed` : 'CONNACK 0x00, closed');
  const MALFORMED = closedWith(0x81);

  it('closes on a QoS 0 PUBLISH with DUP set (MQTT-3.3.1-2)', async () => {
    await expectOutcomes(
      LEVELS.map((level) => ({ label: 'QoS 0 + DUP', level, bytes: (p: TestPlayer) => publishBytes(level, { topic: topics.status(p.key), dup: true }), expected: MALFORMED(level) })),
      true,
    );
  });

  it('closes on a PUBLISH topic that is malformed (MQTT-1.5.3-1, MQTT-1.5.3-2), holds a control character, U+FFFF or a wildcard (MQTT-3.3.2-2), or is empty (MQTT-4.7.3-1)', async () => {
    const wildcards: Array<[string, Buffer]> = [['+', Buffer.from('+')], ['#', Buffer.from('#')]];
    await expectOutcomes(
      [
        ...membersOf(MALFORMED_TEXT, LEVELS, (bad, level, p) => publishBytes(level, { topic: embed(`makapix/player/${p.key}/`, bad) }), MALFORMED),
        ...membersOf(CONTROL_TEXT, LEVELS, (bad, level, p) => publishBytes(level, { topic: embed(`makapix/player/${p.key}/`, bad), qos: 1 }), closedWith(0x90)),
        ...membersOf(wildcards, LEVELS, (bad, level, p) => publishBytes(level, { topic: embed(`makapix/player/${p.key}/`, bad) }), closedWith(0x90)),
        // MQTT-4.7.3-1; MQTT 5.0: an empty topic needs a Topic Alias, and none is granted.
        ...LEVELS.map((level) => ({ label: 'empty topic name', level, bytes: () => publishBytes(level, { topic: '' }), expected: closedWith(level === 5 ? 0x82 : 0x81)(level) })),
      ],
      true,
    );
  });

  it('closes on a SUBSCRIBE topic filter that is malformed (MQTT-1.5.3-1, MQTT-1.5.3-2) or holds a control character or U+FFFF', async () => {
    await expectOutcomes(
      [
        ...membersOf(MALFORMED_TEXT, LEVELS, (bad, level, p) => subscribeBytes(level, 1, [embed(`makapix/player/${p.key}/`, bad)]), MALFORMED),
        ...membersOf(CONTROL_TEXT, LEVELS, (bad, level, p) => subscribeBytes(level, 1, [embed(`makapix/player/${p.key}/`, bad)]), closedWith(0x8f)),
      ],
      true,
    );
  });

  it('closes on an UNSUBSCRIBE without a topic filter (MQTT-3.10.3-2) or with a malformed one', async () => {
    await expectOutcomes(
      [
        ...LEVELS.map((level) => ({ label: 'no topic filter', level, bytes: () => unsubscribeBytes(level, 1, []), expected: closedWith(level === 5 ? 0x82 : 0x81)(level) })),
        ...membersOf(MALFORMED_TEXT, LEVELS, (bad, level) => unsubscribeBytes(level, 1, [embed('a/', bad)]), MALFORMED),
      ],
      true,
    );
  });

  it('closes on PUBACK, PUBREC, PUBREL, PUBCOMP or PINGREQ with a wrong remaining length (malformed packet)', async () => {
    const acks: Array<[string, number]> = [['PUBACK', 0x40], ['PUBREC', 0x50], ['PUBREL', 0x62], ['PUBCOMP', 0x70]];
    // 3.1 / 3.1.1: exactly 2 (the packet identifier); MQTT 5.0: at least 2.
    const lengths = (level: Level) => (level === 5 ? [0, 1] : [0, 1, 3, 4]);
    const members: Member[] = LEVELS.flatMap((level) => [
      ...acks.flatMap(([name, first]) =>
        lengths(level).map((n) => ({
          label: `${name} remaining length ${n}`,
          level,
          bytes: () => frame(first, Buffer.from([0x00, 0x01, 0x00, 0x00].slice(0, n))),
          expected: MALFORMED(level),
        })),
      ),
      { label: 'PINGREQ remaining length 1', level, bytes: () => frame(0xc0, Buffer.from([0x00])), expected: MALFORMED(level) },
    ]);
    await expectOutcomes(members, true);
  });
});

describe('the plain-TCP listeners', () => {
  /** One CONNECT over plain TCP; the outcome as above. */
  async function observePlain(port: number, bytes: Buffer): Promise<string> {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const closed = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 3000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    socket.write(bytes);
    const wasClosed = await closed;
    socket.destroy();
    return outcome(parseFrames(received), wasClosed);
  }

  it('apply the same rules: the anonymous conformance listener and the internal service listener refuse the same CONNECTs', async () => {
    const seen: Record<string, string> = {};
    const expected: Record<string, string> = {};
    const ports = { conformance: h.broker.ports.conformance!, internal: h.broker.ports.internal };
    const cases: Array<[string, Buffer, string]> = [
      ['client id with U+0001', connectBytes({ level: 4, clientId: 'a\u0001b' }), 'CONNACK 0x02, closed'],
      ['client id with U+0000', connectBytes({ level: 4, clientId: embed('a', Buffer.from([0])) }), 'closed'],
      ['will QoS without the will flag', connectBytes({ level: 5, clientId: 'x', flags: 0x0a }), 'CONNACK 0x81, closed'],
      ['protocol level 6', connectBytes({ level: 6, name: 'MQTT', clientId: 'x' }), 'CONNACK 0x01, closed'],
    ];
    for (const [listener, port] of Object.entries(ports)) {
      for (const [label, bytes, want] of cases) {
        expected[`${listener}: ${label}`] = want;
        seen[`${listener}: ${label}`] = await observePlain(port, bytes);
      }
    }
    expect(seen).toEqual(expected);
  });
});
