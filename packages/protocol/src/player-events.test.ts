import { describe, expect, it } from 'vitest';
import { ownerIdOfPlayerEventsChannel, parsePlayerEvent, playerEventsChannel, playerStatusEvent, publishPlayerEvent } from './player-events.ts';

const key = '6f1c2a9e-4b7d-4c1e-9a2b-3c4d5e6f7a8b';
const at = '2025-01-01T00:00:00.000Z';

describe('player events channel', () => {
  it('names one channel per owner and reads the owner back', () => {
    expect(playerEventsChannel(42)).toBe('makapix:player-events:42');
    expect(ownerIdOfPlayerEventsChannel('makapix:player-events:42')).toBe(42);
    expect(ownerIdOfPlayerEventsChannel('makapix:player-events:042')).toBeNull();
    expect(ownerIdOfPlayerEventsChannel('makapix:player-events:x')).toBeNull();
    expect(ownerIdOfPlayerEventsChannel('makapix:broker:kick')).toBeNull();
    expect(() => playerEventsChannel(0)).toThrow();
  });

  it('parses every event type and rejects malformed ones', () => {
    const status = { type: 'status', playerKey: key, at, data: { status: 'online', currentPostId: 7, firmwareVersion: '1.0', lastSeenAt: at } };
    expect(parsePlayerEvent(JSON.stringify(status))).toEqual(status);
    const caps = { type: 'capabilities', playerKey: key, at, data: { features: { brightness: { min: 0, max: 10 } } } };
    expect(parsePlayerEvent(JSON.stringify(caps))?.type).toBe('capabilities');
    const state = { type: 'state', playerKey: key, at, data: { is_paused: false } };
    expect(parsePlayerEvent(JSON.stringify(state))).toEqual(state);
    const ack = { type: 'command_ack', playerKey: key, at, data: { commandId: 'c1', status: 'ok', error: null, ackedAt: at } };
    expect(parsePlayerEvent(JSON.stringify(ack))).toEqual(ack);
    expect(parsePlayerEvent('not json')).toBeNull();
    expect(parsePlayerEvent(JSON.stringify({ ...status, playerKey: 'NOT-A-KEY' }))).toBeNull();
    expect(parsePlayerEvent(JSON.stringify({ ...status, type: 'view' }))).toBeNull();
  });

  it('publishes validated JSON on the owner channel', async () => {
    const sent: [string, string][] = [];
    const redis = { publish: async (channel: string, message: string) => sent.push([channel, message]) };
    const event = { type: 'state', playerKey: key, at, data: { brightness: 5 } } as const;
    await publishPlayerEvent(redis, 9, event);
    expect(sent.map(([channel]) => channel)).toEqual(['makapix:player-events:9']);
    expect(JSON.parse(sent[0]![1])).toEqual(event);
    await expect(publishPlayerEvent(redis, 9, { ...event, playerKey: 'bad' })).rejects.toThrow();
  });

  it('builds the status event from a stored row, as every writer of the status column sends it', () => {
    const lastSeenAt = new Date(at);
    const event = playerStatusEvent(key, { status: 'offline', currentPostId: 7, firmwareVersion: null, lastSeenAt }, new Date(at));
    expect(event).toEqual({ type: 'status', playerKey: key, at, data: { status: 'offline', currentPostId: 7, firmwareVersion: null, lastSeenAt: at } });
    expect(parsePlayerEvent(JSON.stringify(event))).toEqual(event);
    expect(playerStatusEvent(key, { status: 'online', currentPostId: null, firmwareVersion: '1', lastSeenAt: null }).data.lastSeenAt).toBeNull();
  });
});
