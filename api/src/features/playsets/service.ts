import { uniqueViolation } from '@makapix/db';
import {
  type PlaysetOut,
  decodeCursor,
  type DevicePlaysetChannel,
  encodeCursor,
  EXPOSURE_MODES,
  FOLLOWED_ARTISTS_PLAYSET,
  type List,
  type ListQuery,
  NAMED_CHANNELS,
  PICK_MODES,
  PLAYSET_MAX_CHANNELS,
  type PlaysetBody,
  type PlaysetChannel,
  playsetChannelSchema,
  playsetFromBody,
  pageOf,
  toDeviceChannels,
} from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../../errors.ts';
import {
  countPlaysets,
  deletePlayset,
  existingUserIds,
  findPlayset,
  insertPlayset,
  listFollowedArtists,
  listPlaysets,
  PLAYSET_NAME_UNIQUE,
  type PlaysetRow,
  type PlaysetValues,
  updatePlayset,
} from './repo.ts';

/** Ours: docs/product.md §5 sets no number; a cap keeps one member from filling the table. */
export const MAX_PLAYSETS_PER_USER = 100;


const storedChannels = z.array(playsetChannelSchema);

function present(row: PlaysetRow): PlaysetOut {
  return {
    name: row.name,
    channels: storedChannels.parse(row.channels).map((c) =>
      c.type === 'named'
        ? { type: c.type, name: c.name, ...(c.weight !== undefined && { weight: c.weight }) }
        : {
            type: c.type,
            identifier: c.identifier,
            ...(c.display_name !== undefined && { displayName: c.display_name }),
            ...(c.weight !== undefined && { weight: c.weight }),
          },
    ),
    exposureMode: row.exposureMode,
    pickMode: row.pickMode,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * docs/product.md §5 rules beyond the schema: `followed_artists` is reserved (always available, computed),
 * user / reactions channels name an existing member by public id, hashtags are stored lower-case
 * without `#` (docs/device-protocol.md §5).
 */
async function normalize(app: FastifyInstance, body: PlaysetBody): Promise<PlaysetValues> {
  if (body.name === FOLLOWED_ARTISTS_PLAYSET) {
    throw errors.badRequest('playset_name_reserved', `"${FOLLOWED_ARTISTS_PLAYSET}" is always available and cannot be saved`);
  }
  const playset = playsetFromBody(body);
  const channels: PlaysetChannel[] = playset.channels.map((c) => (c.type === 'hashtag' ? { ...c, identifier: c.identifier.replace(/^#/, '').toLowerCase() } : c));
  const wanted = channels.flatMap((c, i) => (c.type === 'user' || c.type === 'reactions' ? [{ i, id: app.publicId.decode(c.identifier) }] : []));
  const found = await existingUserIds(app.db, wanted.flatMap((w) => (w.id === null ? [] : [w.id])));
  const unknown = wanted.filter((w) => w.id === null || !found.has(w.id));
  if (unknown.length > 0) {
    throw errors.validation(unknown.map((u) => ({ path: `body.channels.${u.i}.identifier`, message: 'no member has this id' })));
  }
  return { name: playset.name, channels, exposureMode: playset.exposure_mode, pickMode: playset.pick_mode };
}

function nameTaken(err: unknown): never {
  if (uniqueViolation(err, PLAYSET_NAME_UNIQUE)) throw errors.conflict('playset_name_taken', 'You already have a playset with this name');
  throw err;
}

const cursorSchema = z.object({ id: z.int().positive() });

export async function listOwnPlaysets(app: FastifyInstance, ownerId: number, query: ListQuery): Promise<List<PlaysetOut>> {
  const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor, cursorSchema);
  if (query.cursor !== undefined && !cursor) throw errors.validation([{ path: 'querystring.cursor', message: 'invalid cursor' }]);
  const rows = await listPlaysets(app.db, ownerId, { afterId: cursor?.id ?? null, limit: query.limit });
  const page = pageOf(rows, query.limit, (last) => encodeCursor({ id: last.id }));
  return { items: page.items.map(present), nextCursor: page.nextCursor };
}

export async function getOwnPlayset(app: FastifyInstance, ownerId: number, name: string): Promise<PlaysetOut> {
  const row = await findPlayset(app.db, ownerId, name);
  if (!row) throw errors.notFound('Playset');
  return present(row);
}

export async function createPlayset(app: FastifyInstance, ownerId: number, body: PlaysetBody): Promise<PlaysetOut> {
  const values = await normalize(app, body);
  if ((await countPlaysets(app.db, ownerId)) >= MAX_PLAYSETS_PER_USER) {
    throw errors.conflict('playset_limit_reached', `A member can save at most ${MAX_PLAYSETS_PER_USER} playsets`);
  }
  return present(await insertPlayset(app.db, ownerId, values).catch(nameTaken));
}

/** Replaces a playset; the body's name may differ (rename). */
export async function replacePlayset(app: FastifyInstance, ownerId: number, name: string, body: PlaysetBody): Promise<PlaysetOut> {
  const row = await findPlayset(app.db, ownerId, name);
  if (!row) throw errors.notFound('Playset');
  const values = await normalize(app, body);
  return present(await updatePlayset(app.db, row.id, values).catch(nameTaken));
}

export async function removePlayset(app: FastifyInstance, ownerId: number, name: string): Promise<void> {
  if (!(await deletePlayset(app.db, ownerId, name))) throw errors.notFound('Playset');
}

/**
 * The `execute_playset` payload for a saved playset, or for the dynamic `followed_artists` (one
 * `user` channel per followed artist, display name `@handle`, docs/device-protocol.md §5).
 */
export async function devicePlayset(app: FastifyInstance, ownerId: number, name: string): Promise<{ name: string; channels: DevicePlaysetChannel[] }> {
  if (name === FOLLOWED_ARTISTS_PLAYSET) {
    const artists = await listFollowedArtists(app.db, ownerId, PLAYSET_MAX_CHANNELS);
    if (artists.length === 0) throw errors.badRequest('playset_empty', 'You do not follow any artist yet');
    return {
      name,
      channels: artists.map((a) => ({ type: 'user', identifier: app.publicId.encode(a.id), display_name: `@${a.handle}` })),
    };
  }
  const row = await findPlayset(app.db, ownerId, name);
  if (!row) throw errors.notFound('Playset');
  return { name: row.name, channels: toDeviceChannels(storedChannels.parse(row.channels)) };
}
