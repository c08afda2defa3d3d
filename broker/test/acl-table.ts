// docs/device-protocol.md §4, transcribed by hand: the wire matrix in acl-matrix.int.test.ts is generated from
// these rows, never from TOPIC_RULES (which drives the broker ACL), so the test and the code under
// test do not share one source of truth. A test checks that the rows cover every topic kind.

export const REQUEST_ID = '0123456789abcdef0123456789abcdef';

export interface TopicRow {
  /** The suffix after `makapix/player/{key}/`, with `{request_id}` filled in. */
  suffix: string;
  /** The "Player may" column. */
  playerMay: 'publish' | 'subscribe';
  /** The "Retain" column. */
  retain: boolean;
}

export const PROTOCOL_TOPICS: readonly TopicRow[] = [
  { suffix: `request/${REQUEST_ID}`, playerMay: 'publish', retain: false },
  { suffix: `response/${REQUEST_ID}`, playerMay: 'subscribe', retain: false },
  { suffix: 'command', playerMay: 'subscribe', retain: false },
  { suffix: 'command/ack', playerMay: 'publish', retain: false },
  { suffix: 'status', playerMay: 'publish', retain: false },
  { suffix: 'view', playerMay: 'publish', retain: false },
  { suffix: 'view/ack', playerMay: 'subscribe', retain: false },
  { suffix: 'capabilities', playerMay: 'publish', retain: true },
  { suffix: 'state', playerMay: 'publish', retain: true },
];

export const topicOf = (key: string, suffix: string) => `makapix/player/${key}/${suffix}`;

export type Actor = 'device' | 'service';
export type Whose = 'own' | 'other';
export interface MatrixKeys {
  /** The device's own player key. */
  own: string;
  /** Another registered player's key. */
  other: string;
}

export interface SubscribeCase {
  label: string;
  actor: Actor;
  filter: string;
  allowed: boolean;
}

export interface PublishCase {
  label: string;
  actor: Actor;
  topic: string;
  retain: boolean;
  allowed: boolean;
  /** Whose subtree the topic is in (undefined: not a §4 topic at all). */
  whose?: Whose;
}

const WHOSE: readonly Whose[] = ['own', 'other'];

/**
 * SUBSCRIBE: a player only its own server → device rows (docs/device-protocol.md §3 subscribes `response/#`;
 * broker/src/acl.ts also takes the equivalent `response/+`); no wildcard outside that, no `$SYS`.
 * The service account (docs/device-protocol.md §1) reads every player topic, but never `#` or `$SYS`.
 */
export function subscribeCases(keys: MatrixKeys): SubscribeCase[] {
  const cases: SubscribeCase[] = [];
  const add = (filter: string, label: string, device: boolean, service: boolean) => {
    cases.push({ label: `device ${label}`, actor: 'device', filter, allowed: device });
    cases.push({ label: `service ${label}`, actor: 'service', filter, allowed: service });
  };
  for (const row of PROTOCOL_TOPICS) {
    for (const whose of WHOSE) {
      add(topicOf(keys[whose], row.suffix), `${whose} ${row.suffix}`, whose === 'own' && row.playerMay === 'subscribe', true);
    }
    add(topicOf('+', row.suffix.replace(REQUEST_ID, '+')), `every player's ${row.suffix}`, false, true);
  }
  add(topicOf(keys.own, 'response/#'), 'own response/#', true, true);
  add(topicOf(keys.own, 'response/+'), 'own response/+', true, true);
  add(topicOf(keys.other, 'response/#'), 'other response/#', false, true);
  for (const suffix of ['#', '+', '+/ack', 'command/#', 'view/#']) {
    add(topicOf(keys.own, suffix), `own ${suffix}`, false, true);
    add(topicOf(keys.other, suffix), `other ${suffix}`, false, true);
  }
  add('makapix/player/#', 'makapix/player/#', false, true);
  add('makapix/player/+', 'makapix/player/+', false, true);
  for (const filter of ['#', '+/#', '$SYS/#', '$SYS/broker/clients/connected', 'makapix/#', `+/player/${keys.own}/command`, `makapix/+/${keys.own}/command`]) {
    add(filter, filter.replace(keys.own, '{own}'), false, false);
  }
  return cases;
}

/**
 * PUBLISH: a player only its own device → server rows, the service account only server → device
 * rows of any player; the retain flag only where the Retain column says yes; everything that is
 * not a §4 topic is denied to both.
 */
export function publishCases(keys: MatrixKeys): PublishCase[] {
  const cases: PublishCase[] = [];
  for (const row of PROTOCOL_TOPICS) {
    for (const whose of WHOSE) {
      for (const retain of [false, true]) {
        const retainOk = !retain || row.retain;
        const name = `${whose} ${row.suffix}${retain ? ' retained' : ''}`;
        const topic = topicOf(keys[whose], row.suffix);
        const device = whose === 'own' && row.playerMay === 'publish' && retainOk;
        cases.push({ label: `device ${name}`, actor: 'device', topic, retain, whose, allowed: device });
        cases.push({ label: `service ${name}`, actor: 'service', topic, retain, whose, allowed: row.playerMay === 'subscribe' && retainOk });
      }
    }
  }
  for (const suffix of ['unknown', 'status/extra', 'request']) {
    for (const actor of ['device', 'service'] as const) {
      cases.push({ label: `${actor} own ${suffix}`, actor, topic: topicOf(keys.own, suffix), retain: false, whose: 'own', allowed: false });
    }
  }
  for (const topic of [`makapix/player/${keys.own}`, '$SYS/broker/fake', 'makapix/elsewhere']) {
    for (const actor of ['device', 'service'] as const) {
      cases.push({ label: `${actor} ${topic.replace(keys.own, '{own}')}`, actor, topic, retain: false, allowed: false });
    }
  }
  return cases;
}

/** Consecutive pairs; an odd last case is paired with itself. */
export function pairs<T>(items: readonly T[]): [T, T][] {
  const out: [T, T][] = [];
  for (let i = 0; i < items.length; i += 2) out.push([items[i]!, items[i + 1] ?? items[i]!]);
  return out;
}
