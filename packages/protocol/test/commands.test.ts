import { describe, expect, it } from 'vitest';
import {
  buildCommand,
  capabilitiesSchema,
  commandSchema,
  truncateUtf8,
  utf8ByteLength,
  validateCommandAgainstCapabilities,
} from '../src/index.ts';
import { STORAGE_KEY, wire } from './fixtures.ts';

const allCaps = capabilitiesSchema.parse(JSON.parse(wire.capabilitiesAll));
const noCaps = capabilitiesSchema.parse({ firmware_version: '1.0.0', features: {} });

const showArtwork = {
  post_id: 42,
  title: 'Sunset',
  storage_key: STORAGE_KEY,
  storage_shard: 'ab/cd/ef',
  native_format: 'gif' as const,
  width: 64,
  height: 64,
};

describe('buildCommand', () => {
  it('fills a UUID command_id and an ISO timestamp and validates against the envelope', () => {
    const cmd = buildCommand('swap_next', {});
    expect(cmd.command_type).toBe('swap_next');
    expect(cmd.payload).toEqual({});
    expect(cmd.command_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Date(cmd.timestamp).toISOString()).toBe(cmd.timestamp);
    expect(commandSchema.parse(JSON.parse(JSON.stringify(cmd)))).toEqual(cmd);
    expect(buildCommand('swap_next', {}).command_id).not.toBe(cmd.command_id);
  });

  it('builds every command type', () => {
    const commands = [
      buildCommand('swap_back', {}),
      buildCommand('show_artwork', showArtwork),
      buildCommand('play_channel', { channel_name: 'promoted' }),
      buildCommand('play_channel', { channel_name: 'by_user', user_sqid: 'k5fNx', user_handle: 'ann' }),
      buildCommand('play_channel', { channel_name: 'hashtag', hashtag: 'pixelart' }),
      buildCommand('execute_playset', {
        name: 'morning',
        channels: [
          { type: 'named', name: 'all', weight: 3 },
          { type: 'user', identifier: 'k5fNx', display_name: '@ann' },
          { type: 'sdcard' },
          { type: 'pinned', offset: 2 },
        ],
      }),
      buildCommand('set_paused', { paused: true }),
      buildCommand('set_brightness', { value: 128 }),
      buildCommand('set_rotation', { value: 90 }),
      buildCommand('set_mirror', { value: 'horizontal' }),
    ];
    for (const cmd of commands) expect(commandSchema.safeParse(cmd).success).toBe(true);
  });

  it('limits the show_artwork title to 128 UTF-8 bytes, not characters', () => {
    expect(() => buildCommand('show_artwork', { ...showArtwork, title: 'a'.repeat(128) })).not.toThrow();
    expect(() => buildCommand('show_artwork', { ...showArtwork, title: 'é'.repeat(65) })).toThrow();
    const cut = truncateUtf8('é'.repeat(65), 128);
    expect(utf8ByteLength(cut)).toBe(128);
    expect(truncateUtf8('ab😀', 5)).toBe('ab');
  });

  it('never builds play_channel user, and rejects bad playsets and values', () => {
    // @ts-expect-error the type forbids it as well
    expect(() => buildCommand('play_channel', { channel_name: 'user' })).toThrow();
    expect(() => buildCommand('play_channel', { channel_name: 'by_user', user_sqid: 'k5fNx' } as never)).toThrow();
    expect(() => buildCommand('execute_playset', { channels: [] })).toThrow();
    const tooMany = Array.from({ length: 65 }, () => ({ type: 'named' as const, name: 'all' }));
    expect(() => buildCommand('execute_playset', { channels: tooMany })).toThrow();
    // @ts-expect-error giphy is not a channel type the platform sends
    expect(() => buildCommand('execute_playset', { channels: [{ type: 'giphy' }] })).toThrow();
    expect(() => buildCommand('set_brightness', { value: 1.5 })).toThrow();
  });

  it('rejects an envelope with a non-UUID id or an unknown type', () => {
    const cmd = buildCommand('swap_next', {});
    expect(commandSchema.safeParse({ ...cmd, command_id: 'cmd-1' }).success).toBe(false);
    expect(commandSchema.safeParse({ ...cmd, command_type: 'reboot' }).success).toBe(false);
  });
});

describe('validateCommandAgainstCapabilities', () => {
  it('lets navigation and content commands through without any capability', () => {
    for (const cmd of [
      buildCommand('swap_next', {}),
      buildCommand('swap_back', {}),
      buildCommand('show_artwork', showArtwork),
      buildCommand('play_channel', { channel_name: 'all' }),
      buildCommand('execute_playset', { channels: [{ type: 'named', name: 'promoted' }] }),
    ]) {
      expect(validateCommandAgainstCapabilities(cmd, noCaps)).toBeNull();
      expect(validateCommandAgainstCapabilities(cmd, null)).toBeNull();
    }
  });

  it('refuses settings commands for features that were not advertised', () => {
    for (const cmd of [
      buildCommand('set_paused', { paused: true }),
      buildCommand('set_brightness', { value: 10 }),
      buildCommand('set_rotation', { value: 90 }),
      buildCommand('set_mirror', { value: 'none' }),
    ]) {
      expect(validateCommandAgainstCapabilities(cmd, noCaps)?.code).toBe('unsupported_command');
      expect(validateCommandAgainstCapabilities(cmd, undefined)?.code).toBe('unsupported_command');
      expect(validateCommandAgainstCapabilities(cmd, allCaps)).toBeNull();
    }
  });

  it('refuses values outside the advertised range or set', () => {
    const check = (type: 'set_brightness' | 'set_rotation', value: number) =>
      validateCommandAgainstCapabilities({ command_type: type, payload: { value } }, allCaps);
    expect(check('set_brightness', 1)).toBeNull();
    expect(check('set_brightness', 255)).toBeNull();
    expect(check('set_brightness', 0)).toEqual({ code: 'invalid_value', message: 'brightness must be between 1 and 255' });
    expect(check('set_brightness', 256)?.code).toBe('invalid_value');
    expect(check('set_rotation', 45)?.code).toBe('invalid_value');
    expect(
      validateCommandAgainstCapabilities({ command_type: 'set_mirror', payload: { value: 'diagonal' } }, allCaps)?.code,
    ).toBe('invalid_value');
  });
});
