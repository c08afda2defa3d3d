import { z } from 'zod';
import { capabilitiesSchema, COMMAND_ACK_STATUSES, PLAYER_STATUSES, stateSchema } from './device-events.ts';
import { playerKeySchema } from './identity.ts';

/*
 * Live player events for owners (docs/product.md §5: owners see status change live, within 2 s of the
 * device's message). The device handlers publish one message per stored change on the owner's
 * Redis pub/sub channel; every api process relays the channels of the owners connected to it to
 * their browsers over SSE (`GET /api/v1/players/events`). The payload carries internal ids (the
 * relay turns them into public ids), like job payloads do.
 */

/** `makapix:player-events:{ownerUserId}`: one channel per owner, so a process subscribes only to the owners it serves. */
export const PLAYER_EVENTS_CHANNEL_PREFIX = 'makapix:player-events:';

export function playerEventsChannel(ownerUserId: number): string {
  if (!Number.isSafeInteger(ownerUserId) || ownerUserId <= 0) throw new TypeError(`not a user id: ${ownerUserId}`);
  return `${PLAYER_EVENTS_CHANNEL_PREFIX}${ownerUserId}`;
}

/** The owner id a channel name belongs to, or null when it is not a player-events channel. */
export function ownerIdOfPlayerEventsChannel(channel: string): number | null {
  if (!channel.startsWith(PLAYER_EVENTS_CHANNEL_PREFIX)) return null;
  const rest = channel.slice(PLAYER_EVENTS_CHANNEL_PREFIX.length);
  if (!/^[1-9][0-9]*$/.test(rest)) return null;
  const id = Number(rest);
  return Number.isSafeInteger(id) ? id : null;
}

export const PLAYER_EVENT_TYPES = ['status', 'capabilities', 'state', 'command_ack'] as const;
export type PlayerEventType = (typeof PLAYER_EVENT_TYPES)[number];

const isoTimestamp = z.iso.datetime({ offset: true });

/** After a status message (or the stale-player sweep): what the player row now says. */
export const playerStatusEventDataSchema = z.object({
  status: z.enum(PLAYER_STATUSES),
  /** Internal posts.id, or null when nothing is shown. */
  currentPostId: z.int().positive().nullable(),
  firmwareVersion: z.string().nullable(),
  lastSeenAt: isoTimestamp.nullable(),
});
export type PlayerStatusEventData = z.infer<typeof playerStatusEventDataSchema>;

/** After an ack arrived for a logged command (docs/device-protocol.md §6). */
export const commandAckEventDataSchema = z.object({
  commandId: z.string().min(1),
  status: z.enum(COMMAND_ACK_STATUSES),
  error: z.string().nullable(),
  ackedAt: isoTimestamp,
});
export type CommandAckEventData = z.infer<typeof commandAckEventDataSchema>;

function event<T extends PlayerEventType, D extends z.ZodType>(type: T, data: D) {
  return z.object({ type: z.literal(type), playerKey: playerKeySchema, data, at: isoTimestamp });
}

/**
 * One message on a player-events channel: `{type, playerKey, data, at}`. `capabilities` carries the
 * stored (validated) capabilities, `state` the stored full state after merging a partial update.
 */
export const playerEventSchema = z.discriminatedUnion('type', [
  event('status', playerStatusEventDataSchema),
  event('capabilities', capabilitiesSchema),
  event('state', stateSchema),
  event('command_ack', commandAckEventDataSchema),
]);
export type PlayerEvent = z.infer<typeof playerEventSchema>;

/** A player row's presence columns as stored (drizzle returns Dates). */
export interface PlayerPresenceRow {
  status: 'online' | 'offline';
  currentPostId: number | null;
  firmwareVersion: string | null;
  lastSeenAt: Date | null;
}

/**
 * The `status` event for a stored presence change. One builder for every writer of the status
 * column (the api's status handler, the worker's stale-player sweep), so the owner's browser sees
 * the same event whoever changed it (docs/product.md §5).
 */
export function playerStatusEvent(playerKey: string, row: PlayerPresenceRow, at: Date = new Date()): Extract<PlayerEvent, { type: 'status' }> {
  return {
    type: 'status',
    playerKey,
    at: at.toISOString(),
    data: {
      status: row.status,
      currentPostId: row.currentPostId,
      firmwareVersion: row.firmwareVersion,
      lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    },
  };
}

/** The subset of an ioredis client the publisher needs (keeps this package free of Redis). */
export interface PlayerEventsRedis {
  publish(channel: string, message: string): Promise<number>;
}

/** Validates and publishes one event on the owner's channel; resolves to the number of listening processes. */
export async function publishPlayerEvent(redis: PlayerEventsRedis, ownerUserId: number, event: PlayerEvent): Promise<number> {
  const message = playerEventSchema.parse(event);
  return redis.publish(playerEventsChannel(ownerUserId), JSON.stringify(message));
}

/** Parses a channel message; null for anything malformed (a bad message must not break the relay). */
export function parsePlayerEvent(raw: string): PlayerEvent | null {
  try {
    const result = playerEventSchema.safeParse(JSON.parse(raw));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}
