import {
  appendDeviceInbox,
  DEVICE_INBOX_MAXLEN,
  DEVICE_INBOX_STREAM,
  encodeDeviceInboxEntry,
  parseDeviceInboxEntry,
  parseKickMessage,
  publishKick,
  topics,
  BROKER_KICK_CHANNEL,
} from '@makapix/protocol';
import { describe, expect, it } from 'vitest';

// The broker ↔ handlers contract in @makapix/protocol broker-bridge.ts, as the broker uses it.

const KEY = '0b5c1c3e-9f0a-4d1e-8a2b-3c4d5e6f7a8b';
const message = {
  topic: topics.request(KEY, 'abc123'),
  payload: '{"request_type":"echo"}',
  source: 'publish' as const,
  retain: false,
  qos: 1 as const,
  clientId: `p3a-${KEY}`,
  certSerial: '4a5b',
  brokerId: 'broker-1',
  receivedAt: new Date('2025-01-02T03:04:05.678Z'),
};

describe('device inbox entries', () => {
  it('round-trips through the flat field list Redis stores', () => {
    const fields = encodeDeviceInboxEntry(message);
    expect(fields?.slice(0, 8)).toEqual(['topic', message.topic, 'player_key', KEY, 'kind', 'request', 'request_id', 'abc123']);
    const parsed = parseDeviceInboxEntry(fields!);
    expect(parsed.success && parsed.data).toEqual({
      topic: message.topic,
      player_key: KEY,
      kind: 'request',
      request_id: 'abc123',
      payload: message.payload,
      source: 'publish',
      retain: false,
      qos: 1,
      client_id: message.clientId,
      cert_serial: '4a5b',
      broker_id: 'broker-1',
      received_at: '2025-01-02T03:04:05.678Z',
    });
  });

  it('never encodes server → device or foreign topics', () => {
    for (const topic of [topics.command(KEY), topics.response(KEY, 'x'), topics.viewAck(KEY), '$SYS/x', 'makapix/player/+/status']) {
      expect(encodeDeviceInboxEntry({ ...message, topic })).toBeNull();
    }
  });

  it('rejects an entry whose player_key does not match its topic', () => {
    const fields = encodeDeviceInboxEntry({ ...message, topic: topics.status(KEY) })!;
    const forged = fields.map((v) => (v === KEY ? '7d1e2f3a-4b5c-4d6e-9f70-8192a3b4c5d6' : v));
    forged[1] = topics.status(KEY);
    expect(parseDeviceInboxEntry(forged).success).toBe(false);
  });

  it('appends with an approximate MAXLEN cap', async () => {
    const calls: string[][] = [];
    const id = await appendDeviceInbox({ xadd: async (...args: string[]) => (calls.push(args), '1-0') }, message);
    expect(id).toBe('1-0');
    expect(calls[0]?.slice(0, 5)).toEqual([DEVICE_INBOX_STREAM, 'MAXLEN', '~', String(DEVICE_INBOX_MAXLEN), '*']);
  });
});

describe('kick messages', () => {
  it('publishes {player_key, reason[, serial]} on the kick channel', async () => {
    const sent: [string, string][] = [];
    const redis = { publish: async (c: string, m: string) => (sent.push([c, m]), 2) };
    expect(await publishKick(redis, KEY, 'player_deleted')).toBe(2);
    await publishKick(redis, KEY, 'certificate_revoked', { serial: '4a5b' });
    expect(sent).toEqual([
      [BROKER_KICK_CHANNEL, JSON.stringify({ player_key: KEY, reason: 'player_deleted' })],
      [BROKER_KICK_CHANNEL, JSON.stringify({ player_key: KEY, reason: 'certificate_revoked', serial: '4a5b' })],
    ]);
    expect(parseKickMessage(sent[1]![1])).toEqual({ player_key: KEY, reason: 'certificate_revoked', serial: '4a5b' });
  });

  it('refuses malformed kicks instead of throwing', async () => {
    for (const raw of ['', 'null', '{"player_key":"x","reason":"player_deleted"}', `{"player_key":"${KEY}","reason":"whatever"}`]) {
      expect(parseKickMessage(raw)).toBeNull();
    }
    await expect(publishKick({ publish: async () => 0 }, 'not-a-key', 'player_deleted')).rejects.toThrow();
  });
});
