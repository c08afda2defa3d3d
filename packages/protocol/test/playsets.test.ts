import { describe, expect, it } from 'vitest';
import {
  deviceChannelFromBody,
  devicePlaysetChannelBodySchema,
  devicePlaysetChannelSchema,
  playsetBodySchema,
  playsetFromBody,
  playsetSchema,
  toDeviceChannels,
} from '../src/index.ts';

const playset = {
  name: 'morning',
  channels: [
    { type: 'named', name: 'promoted', weight: 5 },
    { type: 'user', identifier: 'k5fNx', display_name: '@ann', weight: 2 },
    { type: 'hashtag', identifier: 'pixelart' },
    { type: 'reactions', identifier: 'k5fNx' },
  ],
  exposure_mode: 'manual',
  pick_mode: 'random',
} as const;

describe('playsets', () => {
  it('accepts 1-64 channels of the four saved types', () => {
    expect(playsetSchema.parse(playset)).toEqual(playset);
    expect(playsetSchema.safeParse({ ...playset, channels: [] }).success).toBe(false);
    const many = Array.from({ length: 65 }, () => ({ type: 'named', name: 'all' }));
    expect(playsetSchema.safeParse({ ...playset, channels: many }).success).toBe(false);
    expect(playsetSchema.safeParse({ ...playset, channels: many.slice(0, 64) }).success).toBe(true);
  });

  it('rejects unknown modes, named channels other than all/promoted, and sdcard', () => {
    expect(playsetSchema.safeParse({ ...playset, exposure_mode: 'weighted' }).success).toBe(false);
    expect(playsetSchema.safeParse({ ...playset, pick_mode: 'oldest' }).success).toBe(false);
    expect(playsetSchema.safeParse({ ...playset, channels: [{ type: 'named', name: 'user' }] }).success).toBe(false);
    expect(playsetSchema.safeParse({ ...playset, channels: [{ type: 'sdcard' }] }).success).toBe(false);
    expect(playsetSchema.safeParse({ ...playset, channels: [{ type: 'user' }] }).success).toBe(false);
  });

  it('maps the camelCase web body to the device shape', () => {
    const body = playsetBodySchema.parse({
      name: 'morning',
      channels: [
        { type: 'named', name: 'promoted', weight: 5 },
        { type: 'user', identifier: 'k5fNx', displayName: '@ann', weight: 2 },
        { type: 'hashtag', identifier: 'pixelart' },
        { type: 'reactions', identifier: 'k5fNx' },
      ],
      exposureMode: 'manual',
      pickMode: 'random',
    });
    expect(playsetFromBody(body)).toEqual(playset);
    for (const channel of toDeviceChannels(playset.channels)) {
      expect(devicePlaysetChannelSchema.safeParse(channel).success).toBe(true);
    }
  });

  it('the owner API takes every §6 channel camelCase and sends it snake_case', () => {
    const body = devicePlaysetChannelBodySchema.parse({ type: 'pinned', identifier: 'favs', displayName: 'Favourites', weight: 3, offset: 12 });
    expect(deviceChannelFromBody(body)).toEqual({ type: 'pinned', identifier: 'favs', display_name: 'Favourites', weight: 3, offset: 12 });
    expect(deviceChannelFromBody(devicePlaysetChannelBodySchema.parse({ type: 'sdcard' }))).toEqual({ type: 'sdcard' });
    expect(devicePlaysetChannelBodySchema.safeParse({ type: 'sdcard', offset: -1 }).success).toBe(false);
    expect(devicePlaysetChannelBodySchema.safeParse({ type: 'usb' }).success).toBe(false);
  });
});
