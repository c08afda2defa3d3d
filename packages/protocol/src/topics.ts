import { PLAYER_KEY_RE, type PlayerKey } from './identity.ts';

// docs/device-protocol.md §4: every device-plane topic lives under `makapix/player/{key}/`.
export const TOPIC_ROOT = 'makapix/player';

export const PLAYER_TOPIC_KINDS = [
  'request',
  'response',
  'command',
  'command_ack',
  'status',
  'view',
  'view_ack',
  'capabilities',
  'state',
] as const;
export type PlayerTopicKind = (typeof PLAYER_TOPIC_KINDS)[number];

export type TopicDirection = 'device_to_server' | 'server_to_device';

/** docs/device-protocol.md §4 table: direction, QoS and retain flag per topic kind (drives the broker ACL). */
export const TOPIC_RULES: Readonly<
  Record<PlayerTopicKind, { direction: TopicDirection; qos: 1; retain: boolean }>
> = {
  request: { direction: 'device_to_server', qos: 1, retain: false },
  response: { direction: 'server_to_device', qos: 1, retain: false },
  command: { direction: 'server_to_device', qos: 1, retain: false },
  command_ack: { direction: 'device_to_server', qos: 1, retain: false },
  status: { direction: 'device_to_server', qos: 1, retain: false },
  view: { direction: 'device_to_server', qos: 1, retain: false },
  view_ack: { direction: 'server_to_device', qos: 1, retain: false },
  capabilities: { direction: 'device_to_server', qos: 1, retain: true },
  state: { direction: 'device_to_server', qos: 1, retain: true },
};

const SUFFIX: Readonly<Record<Exclude<PlayerTopicKind, 'request' | 'response'>, string>> = {
  command: 'command',
  command_ack: 'command/ack',
  status: 'status',
  view: 'view',
  view_ack: 'view/ack',
  capabilities: 'capabilities',
  state: 'state',
};

/** A request id is one topic level: non-empty, no separator, no wildcard, no NUL (MQTT 3.1.1 §4.7). */
export function isValidRequestId(requestId: string): boolean {
  return requestId.length > 0 && !/[/+#\u0000]/.test(requestId);
}

function assertKey(key: string): void {
  if (!PLAYER_KEY_RE.test(key)) throw new TypeError(`not a player key: ${JSON.stringify(key)}`);
}

function assertRequestId(requestId: string): void {
  if (!isValidRequestId(requestId)) {
    throw new TypeError(`not a valid request id topic level: ${JSON.stringify(requestId)}`);
  }
}

function base(key: PlayerKey): string {
  assertKey(key);
  return `${TOPIC_ROOT}/${key}`;
}

/** Topic builders; they throw on an invalid key or request id so a wildcard never gets published. */
export const topics = {
  prefix: (key: PlayerKey): string => `${base(key)}/`,
  request: (key: PlayerKey, requestId: string): string => {
    assertRequestId(requestId);
    return `${base(key)}/request/${requestId}`;
  },
  response: (key: PlayerKey, requestId: string): string => {
    assertRequestId(requestId);
    return `${base(key)}/response/${requestId}`;
  },
  /** The filter the firmware subscribes to for its responses. */
  responses: (key: PlayerKey): string => `${base(key)}/response/#`,
  command: (key: PlayerKey): string => `${base(key)}/${SUFFIX.command}`,
  commandAck: (key: PlayerKey): string => `${base(key)}/${SUFFIX.command_ack}`,
  status: (key: PlayerKey): string => `${base(key)}/${SUFFIX.status}`,
  view: (key: PlayerKey): string => `${base(key)}/${SUFFIX.view}`,
  viewAck: (key: PlayerKey): string => `${base(key)}/${SUFFIX.view_ack}`,
  capabilities: (key: PlayerKey): string => `${base(key)}/${SUFFIX.capabilities}`,
  state: (key: PlayerKey): string => `${base(key)}/${SUFFIX.state}`,
} as const;

/** docs/device-protocol.md §3: what a device subscribes to after CONNACK, in order. */
export function deviceSubscriptions(key: PlayerKey): string[] {
  return [topics.command(key), topics.responses(key), topics.viewAck(key)];
}

/** Filters the platform's device handlers subscribe to (every device → server topic of every player). */
export const SERVER_SUBSCRIPTIONS: readonly string[] = [
  `${TOPIC_ROOT}/+/request/+`,
  `${TOPIC_ROOT}/+/${SUFFIX.command_ack}`,
  `${TOPIC_ROOT}/+/${SUFFIX.status}`,
  `${TOPIC_ROOT}/+/${SUFFIX.view}`,
  `${TOPIC_ROOT}/+/${SUFFIX.capabilities}`,
  `${TOPIC_ROOT}/+/${SUFFIX.state}`,
];

export interface ParsedPlayerTopic {
  key: PlayerKey;
  kind: PlayerTopicKind;
  requestId?: string;
}

/**
 * Parses a concrete topic name. Returns null for anything that is not exactly one of the docs/device-protocol.md §4
 * topics: another prefix, an upper-case or malformed key, a wildcard, an extra or missing level.
 */
export function parsePlayerTopic(topic: string): ParsedPlayerTopic | null {
  const levels = topic.split('/');
  if (levels.length < 4 || levels.length > 5) return null;
  const [root, player, key, first, second] = levels;
  if (`${root}/${player}` !== TOPIC_ROOT || key === undefined || !PLAYER_KEY_RE.test(key)) return null;
  if (first === undefined) return null;

  if (second === undefined) {
    switch (first) {
      case 'command':
      case 'status':
      case 'view':
      case 'capabilities':
      case 'state':
        return { key, kind: first };
      default:
        return null;
    }
  }
  if (second === 'ack' && first === 'command') return { key, kind: 'command_ack' };
  if (second === 'ack' && first === 'view') return { key, kind: 'view_ack' };
  if ((first === 'request' || first === 'response') && isValidRequestId(second)) {
    return { key, kind: first, requestId: second };
  }
  return null;
}
