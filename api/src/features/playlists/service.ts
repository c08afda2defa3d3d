import { encodeCursor, type List, type ListQuery, pageOf } from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../../errors.ts';
import { findMember } from '../follows/repo.ts';
import { readCursor } from '../../domain/social.ts';
import { type PostSummary } from '@makapix/protocol';
import { toPostSummary } from '../../domain/post-summary.ts';
import type { Viewer } from '../../domain/visibility.ts';
import {
  findPlaylist,
  insertPlaylist,
  listItems,
  listPlaylistsOf,
  type PlaylistChanges,
  type PlaylistRow,
  replaceItems,
  softDeletePlaylist,
  updatePlaylist,
  usableArtworkIds,
  visibleItemCounts,
} from './repo.ts';

export interface PlaylistsContext {
  app: FastifyInstance;
  vaultBaseUrl: string;
}

export interface PlaylistSummary {
  id: string;
  owner: { id: string; handle: string };
  title: string;
  description: string | null;
  public: boolean;
  itemCount: number;
  createdAt: string;
  modifiedAt: string;
}
export interface PlaylistDetail extends PlaylistSummary {
  items: { position: number; dwellTimeMs: number; artwork: PostSummary }[];
}

function toSummary(ctx: PlaylistsContext, row: PlaylistRow, itemCount: number): PlaylistSummary {
  const encode = ctx.app.publicId.encode;
  return {
    id: encode(row.id),
    owner: { id: encode(row.ownerId), handle: row.ownerHandle },
    title: row.title,
    description: row.description,
    public: row.hiddenByOwnerAt === null,
    itemCount,
    createdAt: row.createdAt.toISOString(),
    modifiedAt: row.metadataModifiedAt.toISOString(),
  };
}

async function visiblePlaylist(ctx: PlaylistsContext, viewer: Viewer, sqid: string): Promise<PlaylistRow> {
  const id = ctx.app.publicId.decode(sqid);
  const row = id === null ? null : await findPlaylist(ctx.app.db, viewer, id);
  if (!row) throw errors.notFound('Playlist');
  return row;
}

/** Mutations are the owner's: anyone else who can see the playlist gets 403, others 404. */
async function ownPlaylist(ctx: PlaylistsContext, viewer: Viewer, sqid: string): Promise<PlaylistRow> {
  const row = await visiblePlaylist(ctx, viewer, sqid);
  if (row.ownerId !== viewer.userId) throw errors.forbidden('Only the owner can change this playlist');
  return row;
}

/** Items visible to this viewer: an artwork hidden or deleted since it was added drops out for them. */
export async function getPlaylist(ctx: PlaylistsContext, viewer: Viewer, sqid: string): Promise<PlaylistDetail> {
  const row = await visiblePlaylist(ctx, viewer, sqid);
  const items = await listItems(ctx.app.db, viewer, row.id);
  return {
    ...toSummary(ctx, row, items.length),
    items: items.map((item) => ({
      position: item.position,
      dwellTimeMs: item.dwellTimeMs,
      artwork: toPostSummary(item.artwork, item.artworkOwnerHandle, ctx.app.publicId, ctx.vaultBaseUrl),
    })),
  };
}

export async function createPlaylist(
  ctx: PlaylistsContext,
  viewer: Viewer & { userId: number },
  input: { title: string; description?: string | null | undefined; public: boolean },
): Promise<PlaylistDetail> {
  const id = await insertPlaylist(ctx.app.db, { ownerId: viewer.userId, title: input.title, description: input.description ?? null, hidden: !input.public });
  return getPlaylist(ctx, viewer, ctx.app.publicId.encode(id));
}

export async function changePlaylist(
  ctx: PlaylistsContext,
  viewer: Viewer,
  sqid: string,
  input: { title?: string | undefined; description?: string | null | undefined; public?: boolean | undefined },
): Promise<PlaylistDetail> {
  const row = await ownPlaylist(ctx, viewer, sqid);
  const changes: PlaylistChanges = {};
  if (input.title !== undefined) changes.title = input.title;
  if (input.description !== undefined) changes.description = input.description;
  if (input.public !== undefined) changes.hidden = !input.public;
  await updatePlaylist(ctx.app.db, row.id, changes);
  return getPlaylist(ctx, viewer, sqid);
}

/**
 * docs/product.md §5: replaces the ordered items (≤100, dwell 1 s–1 h each). Every artwork must be a ready
 * one the owner can see; otherwise 400 `invalid_playlist_item` naming each refused entry.
 */
export async function setPlaylistItems(
  ctx: PlaylistsContext,
  viewer: Viewer,
  sqid: string,
  items: { postId: string; dwellTimeMs: number }[],
): Promise<PlaylistDetail> {
  const row = await ownPlaylist(ctx, viewer, sqid);
  const decoded = items.map((item) => ({ ...item, artworkId: ctx.app.publicId.decode(item.postId) }));
  const usable = await usableArtworkIds(ctx.app.db, viewer, decoded.flatMap((d) => (d.artworkId === null ? [] : [d.artworkId])));
  const refused = decoded.flatMap((d, index) => (d.artworkId !== null && usable.has(d.artworkId) ? [] : [{ index, postId: d.postId }]));
  if (refused.length > 0) throw errors.badRequest('invalid_playlist_item', 'Some items are not artworks you can see', refused);
  await replaceItems(
    ctx.app.db,
    row.id,
    decoded.map((d) => ({ artworkId: d.artworkId as number, dwellTimeMs: d.dwellTimeMs })),
  );
  return getPlaylist(ctx, viewer, sqid);
}

/** Soft delete, like any post (docs/product.md §2); the purge job removes it later. */
export async function deletePlaylist(ctx: PlaylistsContext, viewer: Viewer, sqid: string): Promise<void> {
  const row = await ownPlaylist(ctx, viewer, sqid);
  await softDeletePlaylist(ctx.app.db, row.id);
}

const idCursor = z.object({ id: z.number().int().positive() });

export async function listMemberPlaylists(ctx: PlaylistsContext, viewer: Viewer, ownerSqid: string, query: ListQuery): Promise<List<PlaylistSummary>> {
  const ownerId = ctx.app.publicId.decode(ownerSqid);
  const owner = ownerId === null ? null : await findMember(ctx.app.db, ownerId);
  if (!owner || owner.deletedAt) throw errors.notFound('Member');
  const after = readCursor(query.cursor, idCursor);
  const rows = await listPlaylistsOf(ctx.app.db, viewer, owner.id, query.limit, after?.id ?? null);
  const page = pageOf(rows, query.limit, (last) => encodeCursor({ id: last.id }));
  const counts = await visibleItemCounts(ctx.app.db, viewer, page.items.map((r) => r.id));
  return { items: page.items.map((r) => toSummary(ctx, r, counts.get(r.id) ?? 0)), nextCursor: page.nextCursor };
}
