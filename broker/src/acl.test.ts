import { PLAYER_TOPIC_KINDS, type PlayerTopicKind, topics } from '@makapix/protocol';
import { describe, expect, it } from 'vitest';
import { authorizePublish, authorizeSubscribe, type Identity } from './acl.ts';

const OWN = '0b5c1c3e-9f0a-4d1e-8a2b-3c4d5e6f7a8b';
const OTHER = '7d1e2f3a-4b5c-4d6e-9f70-8192a3b4c5d6';
const player: Identity = { kind: 'player', playerKey: OWN, certSerial: '4a' };
const service: Identity = { kind: 'service', username: 'makapix-api' };

const REQUEST_ID = '0123456789abcdef0123456789abcdef';
const topicFor: Record<PlayerTopicKind, (key: string) => string> = {
  request: (k) => topics.request(k, REQUEST_ID),
  response: (k) => topics.response(k, REQUEST_ID),
  command: topics.command,
  command_ack: topics.commandAck,
  status: topics.status,
  view: topics.view,
  view_ack: topics.viewAck,
  capabilities: topics.capabilities,
  state: topics.state,
};

// docs/device-protocol.md §4, written out by hand so the test does not share a source of truth with the code.
const DEVICE_PUBLISHES = new Set<PlayerTopicKind>(['request', 'command_ack', 'status', 'view', 'capabilities', 'state']);
const DEVICE_RETAINS = new Set<PlayerTopicKind>(['capabilities', 'state']);
const DEVICE_SUBSCRIBES = new Set<PlayerTopicKind>(['response', 'command', 'view_ack']);

const allowed = (d: { allowed: boolean }) => d.allowed;

describe('authorizePublish — every §4 topic', () => {
  for (const kind of PLAYER_TOPIC_KINDS) {
    const own = topicFor[kind](OWN);
    const other = topicFor[kind](OTHER);
    const deviceMay = DEVICE_PUBLISHES.has(kind);

    it(`${kind}: player on its own topic → ${deviceMay ? 'allow' : 'deny'}`, () => {
      expect(allowed(authorizePublish(player, own))).toBe(deviceMay);
      expect(authorizePublish(player, own, true)).toEqual(
        deviceMay && DEVICE_RETAINS.has(kind) ? { allowed: true } : { allowed: false, reason: deviceMay ? 'retain_not_allowed' : 'wrong_direction' },
      );
    });

    it(`${kind}: player on another player's topic → deny`, () => {
      expect(authorizePublish(player, other)).toEqual({ allowed: false, reason: 'foreign_player' });
      expect(authorizePublish(player, other, true)).toEqual({ allowed: false, reason: 'foreign_player' });
    });

    it(`${kind}: service account → ${deviceMay ? 'deny' : 'allow'} for any player, never retained`, () => {
      for (const topic of [own, other]) {
        expect(allowed(authorizePublish(service, topic))).toBe(!deviceMay);
        expect(allowed(authorizePublish(service, topic, true))).toBe(false);
      }
    });
  }
});

describe('authorizeSubscribe — every §4 topic', () => {
  for (const kind of PLAYER_TOPIC_KINDS) {
    const deviceMay = DEVICE_SUBSCRIBES.has(kind);
    it(`${kind}: player own → ${deviceMay ? 'allow' : 'deny'}; other → deny; service → allow`, () => {
      expect(allowed(authorizeSubscribe(player, topicFor[kind](OWN)))).toBe(deviceMay);
      expect(authorizeSubscribe(player, topicFor[kind](OTHER))).toEqual({ allowed: false, reason: 'foreign_player' });
      expect(allowed(authorizeSubscribe(service, topicFor[kind](OWN)))).toBe(true);
      expect(allowed(authorizeSubscribe(service, topicFor[kind](OTHER)))).toBe(true);
    });
  }

  it('accepts exactly the firmware subscriptions (docs/device-protocol.md §3)', () => {
    for (const filter of [`makapix/player/${OWN}/command`, `makapix/player/${OWN}/response/#`, `makapix/player/${OWN}/view/ack`]) {
      expect(authorizeSubscribe(player, filter)).toEqual({ allowed: true });
    }
    expect(authorizeSubscribe(player, `makapix/player/${OWN}/response/+`)).toEqual({ allowed: true });
  });
});

describe('wildcards, $SYS and odd filters', () => {
  const playerDenied = [
    '#',
    '+',
    '+/#',
    'makapix/#',
    'makapix/+',
    'makapix/player/#',
    'makapix/player/+',
    'makapix/player/+/command',
    'makapix/player/+/response/#',
    'makapix/+/' + OWN + '/command',
    `makapix/player/${OWN}/#`,
    `makapix/player/${OWN}/+`,
    `makapix/player/${OWN}/command/#`,
    `makapix/player/${OWN}/command/+`,
    `makapix/player/${OWN}/view/#`,
    `makapix/player/${OWN}/view/+`,
    `makapix/player/${OWN}/request/#`,
    `makapix/player/${OWN}/status`,
    `makapix/player/${OWN}/response`,
    `makapix/player/${OWN}/response/`,
    `makapix/player/${OWN}/response/a/b`,
    `makapix/player/${OWN}/command/`,
    `makapix/player/${OWN.toUpperCase()}/command`,
    `makapix/player/${OTHER}/#`,
    `$share/g/makapix/player/${OWN}/command`,
    '$SYS/#',
    '$SYS/+/heartbeat',
    '$SYS',
    '',
    '/',
    '//',
    `/makapix/player/${OWN}/command`,
  ];
  it.each(playerDenied)('player may not subscribe to %j', (filter) => {
    expect(allowed(authorizeSubscribe(player, filter))).toBe(false);
  });

  const serviceAllowed = ['makapix/player/#', 'makapix/player/+/status', 'makapix/player/+/request/+', `makapix/player/${OWN}/#`];
  it.each(serviceAllowed)('service may subscribe to %j', (filter) => {
    expect(authorizeSubscribe(service, filter)).toEqual({ allowed: true });
  });

  const serviceDenied = ['#', '+', 'makapix/#', 'makapix/+/x', '$SYS/#', '$SYS/x', 'makapix/player/', 'makapix/player//status', 'other/topic', '', `$share/g/makapix/player/#`];
  it.each(serviceDenied)('service may not subscribe to %j', (filter) => {
    expect(authorizeSubscribe(service, filter)).toEqual({ allowed: false, reason: 'filter_not_allowed' });
  });

  const oddPublishTopics = [
    '',
    '/',
    '$SYS/broker/x',
    '#',
    `makapix/player/${OWN}/#`,
    `makapix/player/${OWN}/+`,
    `makapix/player/+/status`,
    `makapix/player/${OWN}/status/`,
    `makapix/player/${OWN}//status`,
    `makapix/player/${OWN}`,
    `makapix/player/${OWN}/`,
    `makapix/player/${OWN}/request/`,
    `makapix/player/${OWN}/request/a/b`,
    `makapix/player/${OWN}/request/+`,
    `makapix/player/${OWN}/unknown`,
    `makapix/player/${OWN.toUpperCase()}/status`,
    `makapix/player/not-a-key/status`,
    `/makapix/player/${OWN}/status`,
    `Makapix/player/${OWN}/status`,
    `makapix/players/${OWN}/status`,
  ];
  it.each(oddPublishTopics)('nobody may publish to %j', (topic) => {
    for (const identity of [player, service]) {
      for (const retain of [false, true]) {
        expect(authorizePublish(identity, topic, retain)).toEqual({ allowed: false, reason: 'not_a_player_topic' });
      }
    }
  });
});
