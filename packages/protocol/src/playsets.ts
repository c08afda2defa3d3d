import { z } from 'zod';
import { text } from './text.ts';

// docs/product.md §5: a playset is 1–64 weighted channels plus an exposure mode and a pick mode.
export const EXPOSURE_MODES = ['equal', 'manual', 'proportional'] as const;
export type ExposureMode = (typeof EXPOSURE_MODES)[number];
export const PICK_MODES = ['recency', 'random'] as const;
export type PickMode = (typeof PICK_MODES)[number];

export const PLAYSET_MAX_CHANNELS = 64;
export const PLAYSET_NAME_MAX_LENGTH = 64;
/** Weights only matter in `manual` exposure; the firmware stores them as uint32, we keep them small. */
export const PLAYSET_WEIGHT_MAX = 10_000;
/** The dynamic playset every owner has (docs/device-protocol.md §5 get_playset). */
export const FOLLOWED_ARTISTS_PLAYSET = 'followed_artists';

export const NAMED_CHANNELS = ['all', 'promoted'] as const;
/** Channel types a member may save in a playset (docs/product.md §5). */
export const PLAYSET_CHANNEL_TYPES = ['named', 'user', 'hashtag', 'reactions'] as const;
/** Channel types the firmware understands in execute_playset / get_playset (docs/device-protocol.md §6). */
export const DEVICE_PLAYSET_CHANNEL_TYPES = ['named', 'user', 'reactions', 'hashtag', 'sdcard', 'pinned'] as const;
export type DevicePlaysetChannelType = (typeof DEVICE_PLAYSET_CHANNEL_TYPES)[number];

const weightSchema = z.int().min(0).max(PLAYSET_WEIGHT_MAX);
export const playsetNameSchema = text({ trim: true, min: 1, max: PLAYSET_NAME_MAX_LENGTH });

/** A channel as it travels to devices (snake_case; every field but `type` optional, as the firmware reads it). */
export const devicePlaysetChannelSchema = z.object({
  type: z.enum(DEVICE_PLAYSET_CHANNEL_TYPES),
  name: text({ min: 1, max: 64 }).optional(),
  identifier: text({ min: 1, max: 64 }).optional(),
  display_name: text({ min: 1, max: 128 }).optional(),
  weight: weightSchema.optional(),
  offset: z.int().min(0).optional(),
});
export type DevicePlaysetChannel = z.infer<typeof devicePlaysetChannelSchema>;

/**
 * The same §6 channel as the owner API takes it for an `execute_playset` command (camelCase per
 * docs/product.md §3): every type the firmware plays, `sdcard` and `pinned` included, and `offset`. Saved
 * playsets hold only the subset in `playsetChannelSchema`.
 */
export const devicePlaysetChannelBodySchema = devicePlaysetChannelSchema
  .omit({ display_name: true })
  .extend({ displayName: devicePlaysetChannelSchema.shape.display_name });
export type DevicePlaysetChannelBody = z.infer<typeof devicePlaysetChannelBodySchema>;

export function deviceChannelFromBody(body: DevicePlaysetChannelBody): DevicePlaysetChannel {
  const { displayName, ...rest } = body;
  return { ...rest, ...(displayName !== undefined && { display_name: displayName }) };
}

const identifierSchema = text({ min: 1, max: 64 });
const displayNameSchema = text({ min: 1, max: 128 });

function identifiedChannel<T extends 'user' | 'hashtag' | 'reactions'>(type: T) {
  return z.object({
    type: z.literal(type),
    identifier: identifierSchema,
    display_name: displayNameSchema.optional(),
    weight: weightSchema.optional(),
  });
}

function identifiedBodyChannel<T extends 'user' | 'hashtag' | 'reactions'>(type: T) {
  return z.object({
    type: z.literal(type),
    identifier: identifierSchema,
    displayName: displayNameSchema.optional(),
    weight: weightSchema.optional(),
  });
}

const namedChannelSchema = z.object({
  type: z.literal('named'),
  name: z.enum(NAMED_CHANNELS),
  weight: weightSchema.optional(),
});

/** A channel of a saved playset: `user`/`reactions` identify a user by sqid, `hashtag` by tag. */
export const playsetChannelSchema = z.discriminatedUnion('type', [
  namedChannelSchema,
  identifiedChannel('user'),
  identifiedChannel('hashtag'),
  identifiedChannel('reactions'),
]);
export type PlaysetChannel = z.infer<typeof playsetChannelSchema>;

/** A saved playset in device-plane shape (what get_playset answers, minus the envelope). */
export const playsetSchema = z.object({
  name: playsetNameSchema,
  channels: z.array(playsetChannelSchema).min(1).max(PLAYSET_MAX_CHANNELS),
  exposure_mode: z.enum(EXPOSURE_MODES),
  pick_mode: z.enum(PICK_MODES),
});
export type Playset = z.infer<typeof playsetSchema>;

/** The same playset as the web app sends it to `/api/v1` (camelCase per docs/product.md §3). */
export const playsetBodySchema = z.object({
  name: playsetNameSchema,
  channels: z
    .array(
      z.discriminatedUnion('type', [
        namedChannelSchema,
        identifiedBodyChannel('user'),
        identifiedBodyChannel('hashtag'),
        identifiedBodyChannel('reactions'),
      ]),
    )
    .min(1)
    .max(PLAYSET_MAX_CHANNELS),
  exposureMode: z.enum(EXPOSURE_MODES),
  pickMode: z.enum(PICK_MODES),
});
export type PlaysetBody = z.infer<typeof playsetBodySchema>;

export function playsetFromBody(body: PlaysetBody): Playset {
  return {
    name: body.name,
    exposure_mode: body.exposureMode,
    pick_mode: body.pickMode,
    channels: body.channels.map((c): PlaysetChannel => {
      if (c.type === 'named') return { type: 'named', name: c.name, ...(c.weight !== undefined && { weight: c.weight }) };
      return {
        type: c.type,
        identifier: c.identifier,
        ...(c.displayName !== undefined && { display_name: c.displayName }),
        ...(c.weight !== undefined && { weight: c.weight }),
      };
    }),
  };
}

/** Saved channels are a subset of what devices accept, so this is a widening copy. */
export function toDeviceChannels(channels: readonly PlaysetChannel[]): DevicePlaysetChannel[] {
  return channels.map((c) => ({ ...c }));
}
