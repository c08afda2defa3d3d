import { COMMAND_TYPES, devicePlaysetChannelBodySchema, PLAYSET_MAX_CHANNELS, playsetNameSchema } from '@makapix/protocol';
import { z } from 'zod';
import type { CommandRow } from './command-repo.ts';

// The owner's command request under /api/v1 (camelCase, public ids). The api turns it into the
// PROTOCOL.md §6 device payload: show_artwork is filled from the post, by_user/reactions from the
// member, and the finished envelope is validated with the protocol's `commandSchema`.

const publicId = z.string().min(1).max(64);
const empty = z.object({}).default({});

export const commandRequestSchema = z.discriminatedUnion('commandType', [
  z.object({ commandType: z.literal('swap_next'), payload: empty }),
  z.object({ commandType: z.literal('swap_back'), payload: empty }),
  z.object({ commandType: z.literal('show_artwork'), payload: z.object({ postId: publicId }) }),
  z.object({
    commandType: z.literal('play_channel'),
    payload: z.discriminatedUnion('channelName', [
      z.object({ channelName: z.literal(['all', 'promoted']) }),
      // Never `user`: the firmware rejects it (PROTOCOL.md §6); an owner's own posts are `by_user`.
      z.object({ channelName: z.literal(['by_user', 'reactions']), userId: publicId }),
      z.object({ channelName: z.literal('hashtag'), hashtag: z.string().min(1).max(64) }),
    ]),
  }),
  z.object({
    commandType: z.literal('execute_playset'),
    // The full PROTOCOL.md §6 channel (sdcard, pinned, offset), not only what a saved playset holds.
    payload: z.object({ name: playsetNameSchema.optional(), channels: z.array(devicePlaysetChannelBodySchema).min(1).max(PLAYSET_MAX_CHANNELS) }),
  }),
  z.object({ commandType: z.literal('set_paused'), payload: z.object({ paused: z.boolean() }) }),
  z.object({ commandType: z.literal('set_brightness'), payload: z.object({ value: z.int() }) }),
  z.object({ commandType: z.literal('set_rotation'), payload: z.object({ value: z.int() }) }),
  z.object({ commandType: z.literal('set_mirror'), payload: z.object({ value: z.string().min(1).max(32) }) }),
]);
export type CommandRequest = z.infer<typeof commandRequestSchema>;

export const commandAckSchema = z.object({
  status: z.enum(['ok', 'error', 'unsupported']),
  error: z.string().nullable(),
  ackedAt: z.string().nullable(),
});

/** One logged command with its ack (null until the device acknowledged). */
export const commandLogItemSchema = z.object({
  commandId: z.string(),
  playerId: z.string(),
  commandType: z.enum(COMMAND_TYPES),
  payload: z.record(z.string(), z.unknown()).describe('The device payload as sent (PROTOCOL.md §6, snake_case)'),
  sentAt: z.string(),
  ack: commandAckSchema.nullable(),
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

export function presentCommand(row: CommandRow, playerKey: string): CommandLogItem {
  return {
    commandId: row.commandId,
    playerId: playerKey,
    commandType: row.commandType,
    payload: row.payload,
    sentAt: row.sentAt.toISOString(),
    ack: row.ackStatus ? { status: row.ackStatus, error: row.ackError, ackedAt: row.ackedAt?.toISOString() ?? null } : null,
  };
}
