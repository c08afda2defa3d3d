import {
  type DevicePlaysetChannel,
  devicePlaysetChannelSchema,
  type DeviceRequestOf,
  type DeviceResponse,
  errorResponse,
  FOLLOWED_ARTISTS_PLAYSET,
  type GetPlaysetResponse,
  PLAYSET_MAX_CHANNELS,
  successResponse,
} from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import type { DeviceContext } from './device-context.ts';
import { findSavedPlayset, listFollowedArtists } from './repo.ts';

/**
 * docs/device-protocol.md §5 get_playset. `followed_artists` is computed now: one `user` channel per followed
 * artist (identifier = the artist's public id, display name `@handle`), capped at the 64 channels a
 * playset may have (most recently followed first). Any other name is one of the owner's saved playsets.
 */
export async function getPlayset(
  app: FastifyInstance,
  ctx: DeviceContext,
  request: DeviceRequestOf<'get_playset'>,
  requestId: string,
): Promise<DeviceResponse> {
  if (request.playset_name === FOLLOWED_ARTISTS_PLAYSET) {
    const artists = await listFollowedArtists(app.db, ctx.owner.id, PLAYSET_MAX_CHANNELS);
    const channels: DevicePlaysetChannel[] = artists.map((a) => ({
      type: 'user',
      identifier: app.publicId.encode(a.id),
      display_name: `@${a.handle}`,
    }));
    return successResponse(requestId, {
      playset_name: FOLLOWED_ARTISTS_PLAYSET,
      channels,
      exposure_mode: 'equal',
      pick_mode: 'recency',
    } satisfies Omit<GetPlaysetResponse, 'request_id' | 'success'>);
  }
  const saved = await findSavedPlayset(app.db, ctx.owner.id, request.playset_name);
  if (!saved) return errorResponse(requestId, 'playset_not_found', `no playset named ${request.playset_name}`);
  // Stored channels were validated on save; anything that no longer parses is skipped, not sent.
  const channels = saved.channels.flatMap((c) => {
    const parsed = devicePlaysetChannelSchema.safeParse(c);
    return parsed.success ? [parsed.data] : [];
  });
  return successResponse(requestId, {
    playset_name: saved.name,
    channels,
    exposure_mode: saved.exposureMode,
    pick_mode: saved.pickMode,
  } satisfies Omit<GetPlaysetResponse, 'request_id' | 'success'>);
}
