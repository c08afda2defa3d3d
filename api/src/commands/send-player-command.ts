import { randomUUID } from 'node:crypto';
import {
  capabilitiesSchema,
  type Command,
  commandSchema,
  type CommandType,
  deviceChannelFromBody,
  SHOW_ARTWORK_TITLE_MAX_BYTES,
  topics,
  truncateUtf8,
  validateCommandAgainstCapabilities,
  validationProblems,
} from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import { AppError, errors } from '../errors.ts';
import { type BroadcastResult, type CommandLogItem, type CommandRequest } from '@makapix/protocol';
import { presentCommand } from '../features/players/command-input.ts';
import { deleteCommand, findChannelUser, findShowableArtwork, insertCommand } from '../features/players/command-repo.ts';
import { listOwnedPlayers, type PlayerRow } from '../features/players/repo.ts';
import { requireOwnedPlayer } from '../features/players/service.ts';
import { viewerForUser } from '../domain/viewer.ts';

export interface DevicePayload {
  type: CommandType;
  payload: Record<string, unknown>;
}

/**
 * Turns the owner's request into the docs/device-protocol.md §6 payload. show_artwork is refused (404) for a
 * post the owner may not open by direct link, and filled from the post; by_user / reactions carry
 * the member's public id and handle.
 */
export async function resolveDevicePayload(app: FastifyInstance, ownerId: number, request: CommandRequest): Promise<DevicePayload> {
  switch (request.commandType) {
    case 'show_artwork': {
      const postId = app.publicId.decode(request.payload.postId);
      const viewer = await viewerForUser(app.db, ownerId);
      const post = postId === null ? null : await findShowableArtwork(app.db, viewer, postId);
      if (!post?.storageKey || !post.storageShard || !post.nativeFormat || !post.width || !post.height) throw errors.notFound('Artwork');
      return {
        type: 'show_artwork',
        payload: {
          post_id: post.id,
          title: truncateUtf8(post.title, SHOW_ARTWORK_TITLE_MAX_BYTES),
          storage_key: post.storageKey,
          storage_shard: post.storageShard,
          native_format: post.nativeFormat,
          width: post.width,
          height: post.height,
        },
      };
    }
    case 'play_channel': {
      const p = request.payload;
      if (p.channelName === 'hashtag') return { type: 'play_channel', payload: { channel_name: 'hashtag', hashtag: p.hashtag.replace(/^#/, '').toLowerCase() } };
      if (!('userId' in p)) return { type: 'play_channel', payload: { channel_name: p.channelName } };
      const userId = app.publicId.decode(p.userId);
      const user = userId === null ? null : await findChannelUser(app.db, userId);
      if (!user) throw errors.notFound('Member');
      return { type: 'play_channel', payload: { channel_name: p.channelName, user_sqid: app.publicId.encode(user.id), user_handle: user.handle } };
    }
    case 'execute_playset': {
      const { name, channels } = request.payload;
      return { type: 'execute_playset', payload: { ...(name && { name }), channels: channels.map(deviceChannelFromBody) } };
    }
    default:
      return { type: request.commandType, payload: request.payload };
  }
}

/** A fresh envelope (new command_id per player) checked against the protocol's `commandSchema`. */
export function buildEnvelope(devicePayload: DevicePayload): Command {
  const parsed = commandSchema.safeParse({
    command_id: randomUUID(),
    command_type: devicePayload.type,
    payload: devicePayload.payload,
    timestamp: new Date().toISOString(),
  });
  if (!parsed.success) throw errors.validation(validationProblems(parsed.error), 'The command is invalid');
  return parsed.data;
}

/**
 * Checks the player's advertised capabilities (docs/device-protocol.md §6: 400 unsupported_command /
 * invalid_value), spends the per-player limit, logs the command and publishes it. The log row is
 * written first so an ack racing the publish finds it; it is removed if the broker refuses.
 */
export async function dispatchCommand(app: FastifyInstance, player: PlayerRow, issuedById: number, devicePayload: DevicePayload): Promise<CommandLogItem> {
  const command = buildEnvelope(devicePayload);
  const capabilities = capabilitiesSchema.safeParse(player.capabilities ?? {});
  const refusal = validateCommandAgainstCapabilities(command, capabilities.success ? capabilities.data : null);
  if (refusal) throw errors.badRequest(refusal.code, refusal.message);
  await app.consumeRateLimit('commandPerPlayer', player.playerKey);
  const row = await insertCommand(app.db, {
    commandId: command.command_id,
    playerId: player.id,
    issuedById,
    commandType: command.command_type,
    payload: command.payload as Record<string, unknown>,
    sentAt: new Date(command.timestamp),
  });
  try {
    await app.publishToDevice(topics.command(player.playerKey), command);
  } catch (err) {
    await deleteCommand(app.db, row.id);
    throw err;
  }
  app.log.info({ playerKey: player.playerKey, commandId: command.command_id, commandType: command.command_type }, 'command sent');
  return presentCommand(row, player.playerKey);
}

/** `POST /api/v1/players/{id}/commands`. */
export async function sendCommandToPlayer(app: FastifyInstance, ownerId: number, playerId: string, request: CommandRequest): Promise<CommandLogItem> {
  const player = await requireOwnedPlayer(app.db, ownerId, playerId);
  return sendToOwnedPlayer(app, ownerId, player, await resolveDevicePayload(app, ownerId, request));
}

/** Spends the per-member limit, then dispatches (also used by playset execution). */
export async function sendToOwnedPlayer(app: FastifyInstance, ownerId: number, player: PlayerRow, payload: DevicePayload): Promise<CommandLogItem> {
  await app.consumeRateLimit('commandPerUser', String(ownerId));
  return dispatchCommand(app, player, ownerId, payload);
}

/**
 * `POST /api/v1/players/commands`: the same command to every player of the caller. Each player is
 * judged on its own (capabilities, per-player limit, broker): one refusal does not stop the others.
 */
export async function sendCommandToAllPlayers(app: FastifyInstance, ownerId: number, request: CommandRequest): Promise<BroadcastResult> {
  const players = await listOwnedPlayers(app.db, ownerId);
  const payload = await resolveDevicePayload(app, ownerId, request);
  if (players.length === 0) return { items: [] };
  await app.consumeRateLimit('commandPerUser', String(ownerId), players.length);
  const items: BroadcastResult['items'] = [];
  for (const player of players) {
    try {
      items.push({ playerId: player.playerKey, command: await dispatchCommand(app, player, ownerId, payload), error: null });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      items.push({ playerId: player.playerKey, command: null, error: { code: err.code, message: err.message } });
    }
  }
  return { items };
}
