import { type Database, playlistItems, posts, users } from '@makapix/db';
import { and, asc, count, desc, eq, inArray, lt } from 'drizzle-orm';
import type { SummaryRow } from '../../domain/post-summary.ts';
import { summaryColumns } from '../../domain/post-summary.ts';
import { onProfile, viewableByLink, type Viewer } from '../../domain/visibility.ts';

// A playlist is a post of kind `playlist` (packages/db schema/posts.ts) with ordered playlist_items.
// Its visibility is a post's: "hidden" is hidden_by_owner_at, so visibility.ts applies unchanged.

export interface PlaylistRow {
  id: number;
  ownerId: number;
  ownerHandle: string;
  title: string;
  description: string | null;
  hiddenByOwnerAt: Date | null;
  createdAt: Date;
  metadataModifiedAt: Date;
}

const playlistColumns = {
  id: posts.id,
  ownerId: posts.ownerId,
  ownerHandle: users.handle,
  title: posts.title,
  description: posts.description,
  hiddenByOwnerAt: posts.hiddenByOwnerAt,
  createdAt: posts.createdAt,
  metadataModifiedAt: posts.metadataModifiedAt,
};

const isPlaylist = eq(posts.kind, 'playlist');

export async function insertPlaylist(db: Database, input: { ownerId: number; title: string; description: string | null; hidden: boolean }): Promise<number> {
  const [row] = await db
    .insert(posts)
    .values({
      kind: 'playlist',
      ownerId: input.ownerId,
      title: input.title,
      description: input.description,
      // No files to process: a playlist is ready at once.
      state: 'ready',
      hiddenByOwnerAt: input.hidden ? new Date() : null,
    })
    .returning({ id: posts.id });
  if (!row) throw new Error('playlist insert returned no row');
  return row.id;
}

/** A playlist the viewer may open by link (owners see their hidden ones). */
export async function findPlaylist(db: Database, viewer: Viewer, id: number): Promise<PlaylistRow | null> {
  const [row] = await db
    .select(playlistColumns)
    .from(posts)
    .innerJoin(users, eq(users.id, posts.ownerId))
    .where(and(eq(posts.id, id), isPlaylist, viewableByLink(viewer)))
    .limit(1);
  return row ?? null;
}

/** A member's playlists as the viewer may see them on the profile, newest first (keyset on id). */
export async function listPlaylistsOf(db: Database, viewer: Viewer, ownerId: number, limit: number, beforeId: number | null): Promise<PlaylistRow[]> {
  return db
    .select(playlistColumns)
    .from(posts)
    .innerJoin(users, eq(users.id, posts.ownerId))
    .where(and(isPlaylist, onProfile(viewer, ownerId), beforeId === null ? undefined : lt(posts.id, beforeId)))
    .orderBy(desc(posts.id))
    .limit(limit + 1);
}

export interface PlaylistChanges {
  title?: string;
  description?: string | null;
  hidden?: boolean;
}

export async function updatePlaylist(db: Database, id: number, changes: PlaylistChanges): Promise<void> {
  await db
    .update(posts)
    .set({
      ...(changes.title === undefined ? {} : { title: changes.title }),
      ...(changes.description === undefined ? {} : { description: changes.description }),
      ...(changes.hidden === undefined ? {} : { hiddenByOwnerAt: changes.hidden ? new Date() : null }),
      metadataModifiedAt: new Date(),
    })
    .where(and(eq(posts.id, id), isPlaylist));
}

export async function softDeletePlaylist(db: Database, id: number): Promise<void> {
  await db.update(posts).set({ deletedAt: new Date() }).where(and(eq(posts.id, id), isPlaylist));
}

/** Of these ids, the ready artworks this viewer can see (docs/product.md §5: only artworks the owner can see). */
export async function usableArtworkIds(db: Database, viewer: Viewer, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: posts.id })
    .from(posts)
    .where(and(inArray(posts.id, ids), eq(posts.kind, 'artwork'), eq(posts.state, 'ready'), viewableByLink(viewer)));
  return new Set(rows.map((r) => r.id));
}

/** Replaces the whole ordered list in one transaction; positions are 0..n-1. */
export async function replaceItems(db: Database, playlistId: number, items: { artworkId: number; dwellTimeMs: number }[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(playlistItems).where(eq(playlistItems.playlistId, playlistId));
    if (items.length > 0) {
      await tx.insert(playlistItems).values(items.map((item, position) => ({ playlistId, position, ...item })));
    }
    await tx.update(posts).set({ metadataModifiedAt: new Date() }).where(eq(posts.id, playlistId));
  });
}

export interface ItemRow {
  position: number;
  dwellTimeMs: number;
  artwork: SummaryRow;
  artworkOwnerHandle: string;
}

/** The items whose artwork this viewer can see, in order. */
export async function listItems(db: Database, viewer: Viewer, playlistId: number): Promise<ItemRow[]> {
  return db
    .select({ position: playlistItems.position, dwellTimeMs: playlistItems.dwellTimeMs, artwork: summaryColumns, artworkOwnerHandle: users.handle })
    .from(playlistItems)
    .innerJoin(posts, eq(posts.id, playlistItems.artworkId))
    .innerJoin(users, eq(users.id, posts.ownerId))
    .where(and(eq(playlistItems.playlistId, playlistId), viewableByLink(viewer)))
    .orderBy(asc(playlistItems.position));
}

/** How many items of each playlist this viewer can see. */
export async function visibleItemCounts(db: Database, viewer: Viewer, playlistIds: number[]): Promise<Map<number, number>> {
  if (playlistIds.length === 0) return new Map();
  const n = count();
  const rows = await db
    .select({ playlistId: playlistItems.playlistId, n })
    .from(playlistItems)
    .innerJoin(posts, eq(posts.id, playlistItems.artworkId))
    .where(and(inArray(playlistItems.playlistId, playlistIds), viewableByLink(viewer)))
    .groupBy(playlistItems.playlistId);
  return new Map(rows.map((r) => [r.playlistId, r.n]));
}
