import { describe, expect, it } from 'vitest';
import {
  capabilitiesSchema,
  commandAckSchema,
  filterStateByCapabilities,
  httpViewEventSchema,
  lastWillPayload,
  lastWillSchema,
  stateSchema,
  statusSchema,
  viewAckSchema,
  viewEventSchema,
} from '../src/index.ts';
import { COMMAND_ID, KEY, wire } from './fixtures.ts';

describe('status and last will', () => {
  it('parses the p3a heartbeat with timestamp', () => {
    expect(statusSchema.parse(JSON.parse(wire.statusOnline))).toEqual({
      player_key: KEY,
      status: 'online',
      live_mode: false,
      current_post_id: 12345,
      firmware_version: '1.4.2',
      timestamp: '2025-12-22T16:24:15Z',
    });
  });

  it('parses a heartbeat from an unsynced clock with no current post', () => {
    const status = statusSchema.parse(JSON.parse(wire.statusUnsyncedClock));
    expect(status.current_post_id).toBeNull();
    expect(status.timestamp).toBe('1970-01-01T00:00:00Z');
  });

  it('parses the last will, and builds it byte for byte like the firmware', () => {
    expect(lastWillPayload(KEY)).toBe(wire.lastWill);
    expect(lastWillSchema.parse(JSON.parse(wire.lastWill))).toEqual({ player_key: KEY, status: 'offline' });
    expect(statusSchema.parse(JSON.parse(wire.lastWill))).toEqual({ player_key: KEY, status: 'offline', current_post_id: null });
  });

  it('rejects an unknown status and a non-integer post id', () => {
    expect(statusSchema.safeParse({ status: 'sleeping' }).success).toBe(false);
    expect(statusSchema.safeParse({ status: 'online', current_post_id: '12' }).success).toBe(false);
  });
});

describe('view events', () => {
  it('parses the p3a view with intent and play_order', () => {
    expect(viewEventSchema.parse(JSON.parse(wire.viewChannel))).toEqual({
      post_id: 123,
      timestamp: '2025-12-22T16:24:15Z',
      timezone: '',
      intent: 'channel',
      play_order: 1,
      channel: 'by_user',
      player_key: KEY,
      channel_user_sqid: 'k5fNx',
      request_ack: true,
    });
    const view = viewEventSchema.parse(JSON.parse(wire.viewArtworkNulls));
    expect(view).toMatchObject({ intent: 'artwork', play_order: 0, channel_user_sqid: null, request_ack: false });
  });

  it('is lenient on the optional fields', () => {
    const minimal = { post_id: 5, timestamp: '2025-12-22T16:24:15.000Z', intent: 'channel', player_key: KEY };
    expect(viewEventSchema.parse(minimal)).toEqual({ ...minimal, request_ack: false });
  });

  it.each([
    ['a bad intent', { intent: 'intentional' }],
    ['play_order 3', { play_order: 3 }],
    ['a string post id', { post_id: '123' }],
    ['a non-ISO timestamp', { timestamp: 'yesterday' }],
    ['no player_key', { player_key: undefined }],
  ])('drops a view with %s', (_label, patch) => {
    expect(viewEventSchema.safeParse({ ...JSON.parse(wire.viewChannel), ...patch }).success).toBe(false);
  });

  it('takes the same body over HTTPS without player_key', () => {
    const { player_key: _, request_ack: __, ...body } = JSON.parse(wire.viewChannel);
    expect(httpViewEventSchema.safeParse(body).success).toBe(true);
  });

  it('shapes the view ack', () => {
    expect(viewAckSchema.safeParse({ success: true }).success).toBe(true);
    expect(viewAckSchema.safeParse({ success: false, error: 'key mismatch', error_code: 'player_key_mismatch' }).success).toBe(true);
  });
});

describe('command acks, capabilities and state', () => {
  it('parses ok and error acks', () => {
    expect(commandAckSchema.parse(JSON.parse(wire.commandAckOk))).toEqual({ command_id: COMMAND_ID, status: 'ok', error: null });
    expect(commandAckSchema.parse(JSON.parse(wire.commandAckError)).error).toBe('artwork download failed');
    expect(commandAckSchema.parse({ command_id: 'cmd-1', status: 'unsupported' }).error).toBeNull();
    expect(commandAckSchema.safeParse({ command_id: COMMAND_ID, status: 'done' }).success).toBe(false);
  });

  it('parses capabilities with all features, none, and drops unknown ones', () => {
    const caps = capabilitiesSchema.parse(JSON.parse(wire.capabilitiesAll));
    expect(caps.features).toEqual({
      pause: {},
      brightness: { min: 1, max: 255, step: 1 },
      rotation: { values: [0, 90, 180, 270] },
      mirror: { values: ['none', 'horizontal', 'vertical', 'both'] },
    });
    expect(capabilitiesSchema.parse({ firmware_version: '1' }).features).toEqual({});
    expect(capabilitiesSchema.parse({ features: { pause: {}, laser: { power: 9 } } }).features).toEqual({ pause: {} });
    expect(capabilitiesSchema.safeParse({ features: { brightness: { min: 10, max: 1 } } }).success).toBe(false);
  });

  it('parses full and partial state and keeps only advertised, in-range values', () => {
    const caps = capabilitiesSchema.parse(JSON.parse(wire.capabilitiesAll));
    expect(stateSchema.parse(JSON.parse(wire.statePartial))).toEqual({ brightness: 40 });
    const full = stateSchema.parse(JSON.parse(wire.stateFull));
    expect(filterStateByCapabilities(full, caps)).toEqual(full);
    expect(filterStateByCapabilities({ brightness: 999, rotation: 45, mirror: 'none' }, caps)).toEqual({ mirror: 'none' });
    expect(filterStateByCapabilities(full, { features: { brightness: { min: 0, max: 100 } } })).toEqual({ brightness: 40 });
    expect(filterStateByCapabilities(full, null)).toEqual({});
  });
});
