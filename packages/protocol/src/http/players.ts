import { z } from 'zod';
import { opaqueText, text } from '../text.ts';
import { COMMAND_TYPES } from '../commands.ts';
import { COMMAND_ACK_STATUSES, PLAYER_STATUSES } from '../device-events.ts';
import { playerKeySchema } from '../identity.ts';
import { devicePlaysetChannelBodySchema, PLAYSET_MAX_CHANNELS, playsetNameSchema } from '../playsets.ts';

// Players under /api/v1/players (docs/product.md §5, docs/device-protocol.md §2): the owner's players, their commands,
// live events, and the device's own routes.

export const playerIdParamsSchema = z.object({ id: opaqueText().describe('The player key') });

export const patchPlayersIdBodySchema = z.object({ name: text({ trim: true, min: 1, max: 100 }) });
export type PatchPlayersIdBody = z.infer<typeof patchPlayersIdBodySchema>;

export const postPlayersIdTokenRotateResponseSchema = z.object({ apiToken: z.string(), rotatedAt: z.string() });
export type PostPlayersIdTokenRotateResponse = z.infer<typeof postPlayersIdTokenRotateResponseSchema>;
export const getPlayersEventsQuerySchema = z.object({ access_token: opaqueText({ min: 1, max: 4096 }).optional() });
export type GetPlayersEventsQuery = z.infer<typeof getPlayersEventsQuerySchema>;

export const getPlayersEventsResponseSchema = z.string().describe('text/event-stream');
export type GetPlayersEventsResponse = z.infer<typeof getPlayersEventsResponseSchema>;
export const playerKeyParamsSchema = z.object({ key: playerKeySchema });

export const ownerCapabilitiesSchema = z.object({
  features: z.object({
    pause: z.object({}).optional(),
    brightness: z.object({ min: z.number().int(), max: z.number().int(), step: z.number().int().optional() }).optional(),
    rotation: z.object({ values: z.array(z.number().int()) }).optional(),
    mirror: z.object({ values: z.array(z.string()) }).optional(),
  }),
});
export type OwnerCapabilities = z.infer<typeof ownerCapabilitiesSchema>;

export const ownerStateSchema = z.object({
  isPaused: z.boolean().optional(),
  brightness: z.number().int().optional(),
  rotation: z.number().int().optional(),
  mirror: z.string().optional(),
});
export type OwnerState = z.infer<typeof ownerStateSchema>;

export const ownerPlayerSchema = z.object({
  id: z.string().describe('The player key (lower-case UUID)'),
  name: z.string(),
  deviceModel: z.string().nullable(),
  firmwareVersion: z.string().nullable(),
  status: z.enum(PLAYER_STATUSES),
  lastSeenAt: z.string().nullable(),
  currentPostId: z.string().nullable().describe('Public id of the artwork on screen'),
  certificate: z
    .object({ serial: z.string(), expiresAt: z.string(), renewalPending: z.boolean() })
    .nullable(),
  capabilities: ownerCapabilitiesSchema.nullable(),
  state: ownerStateSchema.nullable(),
  registeredAt: z.string(),
  createdAt: z.string(),
});
export type OwnerPlayer = z.infer<typeof ownerPlayerSchema>;

/** An SSE event (`GET /api/v1/players/events`): the channel message with public ids and owner shapes. */
export const ownerPlayerEventSchema = z.object({
  playerId: z.string(),
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type OwnerPlayerEvent = z.infer<typeof ownerPlayerEventSchema>;

// The owner's command request (camelCase, public ids). The api turns it into the docs/device-protocol.md §6
// device payload: show_artwork is filled from the post, by_user/reactions from the member, and the
// finished envelope is validated with the protocol's `commandSchema`.
const publicId = opaqueText({ min: 1, max: 64 });
const empty = z.object({}).default({});

export const commandRequestSchema = z.discriminatedUnion('commandType', [
  z.object({ commandType: z.literal('swap_next'), payload: empty }),
  z.object({ commandType: z.literal('swap_back'), payload: empty }),
  z.object({ commandType: z.literal('show_artwork'), payload: z.object({ postId: publicId }) }),
  z.object({
    commandType: z.literal('play_channel'),
    payload: z.discriminatedUnion('channelName', [
      z.object({ channelName: z.literal(['all', 'promoted']) }),
      // Never `user`: the firmware rejects it (docs/device-protocol.md §6); an owner's own posts are `by_user`.
      z.object({ channelName: z.literal(['by_user', 'reactions']), userId: publicId }),
      z.object({ channelName: z.literal('hashtag'), hashtag: text({ min: 1, max: 64 }) }),
    ]),
  }),
  z.object({
    commandType: z.literal('execute_playset'),
    // The full docs/device-protocol.md §6 channel (sdcard, pinned, offset), not only what a saved playset holds.
    payload: z.object({ name: playsetNameSchema.optional(), channels: z.array(devicePlaysetChannelBodySchema).min(1).max(PLAYSET_MAX_CHANNELS) }),
  }),
  z.object({ commandType: z.literal('set_paused'), payload: z.object({ paused: z.boolean() }) }),
  z.object({ commandType: z.literal('set_brightness'), payload: z.object({ value: z.int() }) }),
  z.object({ commandType: z.literal('set_rotation'), payload: z.object({ value: z.int() }) }),
  z.object({ commandType: z.literal('set_mirror'), payload: z.object({ value: text({ min: 1, max: 32 }) }) }),
]);
export type CommandRequest = z.infer<typeof commandRequestSchema>;

export const playerCommandAckSchema = z.object({
  status: z.enum(COMMAND_ACK_STATUSES),
  error: z.string().nullable(),
  ackedAt: z.string().nullable(),
});
export type PlayerCommandAck = z.infer<typeof playerCommandAckSchema>;

/** One logged command with its ack (null until the device acknowledged). */
export const commandLogItemSchema = z.object({
  commandId: z.string(),
  playerId: z.string(),
  commandType: z.enum(COMMAND_TYPES),
  payload: z.record(z.string(), z.unknown()).describe('The device payload as sent (docs/device-protocol.md §6, snake_case)'),
  sentAt: z.string(),
  ack: playerCommandAckSchema.nullable(),
});
export type CommandLogItem = z.infer<typeof commandLogItemSchema>;

export const broadcastResultSchema = z.object({
  items: z.array(
    z.object({
      playerId: z.string(),
      command: commandLogItemSchema.nullable(),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    }),
  ),
});
export type BroadcastResult = z.infer<typeof broadcastResultSchema>;

