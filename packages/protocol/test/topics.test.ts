import { describe, expect, it } from 'vitest';
import {
  clientIdMatchesKey,
  deviceSubscriptions,
  firmwareClientId,
  parsePlayerTopic,
  PLAYER_KEY_RE,
  playerKeySchema,
  SERVER_SUBSCRIPTIONS,
  TOPIC_RULES,
  topics,
} from '../src/index.ts';
import { KEY, OTHER_KEY, REQUEST_ID } from './fixtures.ts';

describe('topic builders and parsePlayerTopic', () => {
  const cases = [
    [topics.request(KEY, REQUEST_ID), 'request', `makapix/player/${KEY}/request/${REQUEST_ID}`],
    [topics.response(KEY, REQUEST_ID), 'response', `makapix/player/${KEY}/response/${REQUEST_ID}`],
    [topics.command(KEY), 'command', `makapix/player/${KEY}/command`],
    [topics.commandAck(KEY), 'command_ack', `makapix/player/${KEY}/command/ack`],
    [topics.status(KEY), 'status', `makapix/player/${KEY}/status`],
    [topics.view(KEY), 'view', `makapix/player/${KEY}/view`],
    [topics.viewAck(KEY), 'view_ack', `makapix/player/${KEY}/view/ack`],
    [topics.capabilities(KEY), 'capabilities', `makapix/player/${KEY}/capabilities`],
    [topics.state(KEY), 'state', `makapix/player/${KEY}/state`],
  ] as const;

  it.each(cases)('%s round-trips as %s', (topic, kind, literal) => {
    expect(topic).toBe(literal);
    const parsed = parsePlayerTopic(topic);
    expect(parsed).toEqual(
      kind === 'request' || kind === 'response' ? { key: KEY, kind, requestId: REQUEST_ID } : { key: KEY, kind },
    );
    expect(TOPIC_RULES[kind].qos).toBe(1);
  });

  it('marks only capabilities and state as retained, and directions as in the table', () => {
    const retained = Object.entries(TOPIC_RULES).filter(([, r]) => r.retain).map(([k]) => k);
    expect(retained.sort()).toEqual(['capabilities', 'state']);
    expect(TOPIC_RULES.command.direction).toBe('server_to_device');
    expect(TOPIC_RULES.command_ack.direction).toBe('device_to_server');
    expect(TOPIC_RULES.view_ack.direction).toBe('server_to_device');
  });

  it('accepts any non-wildcard single level as request id', () => {
    expect(parsePlayerTopic(`makapix/player/${KEY}/request/abc-1_2.x`)?.requestId).toBe('abc-1_2.x');
  });

  it.each([
    ['another prefix', `makapix/players/${KEY}/status`],
    ['another root', `other/player/${KEY}/status`],
    ['leading slash', `/makapix/player/${KEY}/status`],
    ['upper-case key', `makapix/player/${KEY.toUpperCase()}/status`],
    ['non-v4 key', 'makapix/player/7e98a5b2-3c4d-1e5f-8a6b-1c2d3e4f5a6b/status'],
    ['wildcard key', 'makapix/player/+/status'],
    ['multi-level wildcard', `makapix/player/${KEY}/#`],
    ['wildcard request id', `makapix/player/${KEY}/request/+`],
    ['hash request id', `makapix/player/${KEY}/response/#`],
    ['empty request id', `makapix/player/${KEY}/request/`],
    ['request without id', `makapix/player/${KEY}/request`],
    ['extra level', `makapix/player/${KEY}/status/extra`],
    ['extra level after ack', `makapix/player/${KEY}/command/ack/x`],
    ['extra level after request id', `makapix/player/${KEY}/request/${REQUEST_ID}/x`],
    ['unknown suffix', `makapix/player/${KEY}/firmware`],
    ['ack on the wrong topic', `makapix/player/${KEY}/status/ack`],
    ['trailing slash', `makapix/player/${KEY}/status/`],
    ['$SYS', '$SYS/broker/clients'],
    ['nothing', ''],
  ])('rejects %s', (_label, topic) => {
    expect(parsePlayerTopic(topic)).toBeNull();
  });

  it('refuses to build topics with a bad key or a wildcard request id', () => {
    expect(() => topics.status(KEY.toUpperCase())).toThrow(TypeError);
    expect(() => topics.command('+')).toThrow(TypeError);
    expect(() => topics.response(KEY, '#')).toThrow(TypeError);
    expect(() => topics.request(KEY, 'a/b')).toThrow(TypeError);
    expect(() => topics.request(KEY, '')).toThrow(TypeError);
  });

  it('lists the firmware subscriptions and the server filters', () => {
    expect(deviceSubscriptions(KEY)).toEqual([
      `makapix/player/${KEY}/command`,
      `makapix/player/${KEY}/response/#`,
      `makapix/player/${KEY}/view/ack`,
    ]);
    expect(SERVER_SUBSCRIPTIONS).toContain('makapix/player/+/request/+');
    expect(SERVER_SUBSCRIPTIONS).toContain('makapix/player/+/command/ack');
    expect(SERVER_SUBSCRIPTIONS).not.toContain('makapix/player/+/command');
  });
});

describe('player key and client id', () => {
  it('accepts lower-case UUID v4 keys only', () => {
    expect(PLAYER_KEY_RE.test(KEY)).toBe(true);
    expect(playerKeySchema.safeParse(KEY).success).toBe(true);
    expect(playerKeySchema.safeParse(KEY.toUpperCase()).success).toBe(false);
    expect(playerKeySchema.safeParse(`${KEY}0`).success).toBe(false);
    expect(playerKeySchema.safeParse('not-a-key').success).toBe(false);
  });

  it('accepts the firmware client id p3a-{key} and the bare key', () => {
    expect(firmwareClientId(KEY)).toBe(`p3a-${KEY}`);
    expect(clientIdMatchesKey(`p3a-${KEY}`, KEY)).toBe(true);
    expect(clientIdMatchesKey(KEY, KEY)).toBe(true);
    expect(clientIdMatchesKey(`pi-player-${KEY}`, KEY)).toBe(true);
  });

  it("rejects another device's client id and near misses", () => {
    expect(clientIdMatchesKey(`p3a-${OTHER_KEY}`, KEY)).toBe(false);
    expect(clientIdMatchesKey(`p3a${KEY}`, KEY)).toBe(false);
    expect(clientIdMatchesKey(`${KEY}-p3a`, KEY)).toBe(false);
    expect(clientIdMatchesKey(`p3a-${KEY}x`, KEY)).toBe(false);
    expect(clientIdMatchesKey('', KEY)).toBe(false);
    expect(clientIdMatchesKey('-', '')).toBe(false);
  });
});
