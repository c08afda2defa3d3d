import { artworkImpressions, artworkViews, comments, type Database, posts, reactions, users } from '@makapix/db';
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { PostStats } from '@makapix/protocol';
import type { DetailRow } from './present.ts';
import { listColumns } from '../../domain/post-summary.ts';
import { viewableByLink, type Viewer } from '../../domain/visibility.ts';

// Drizzle queries of the posts feature; every read of a post composes visibility.ts.

const detailColumns = {
  ...listColumns,
  description: posts.description,
  fileBytes: posts.fileBytes,
  minFrameDurationMs: posts.minFrameDurationMs,
  maxFrameDurationMs: posts.maxFrameDurationMs,
  totalDurationMs: posts.totalDurationMs,
  uniqueColors: posts.uniqueColors,
  transparencyMeta: posts.transparencyMeta,
  transparencyActual: posts.transparencyActual,
  alphaMeta: posts.alphaMeta,
  alphaActual: posts.alphaActual,
  failureReason: posts.failureReason,
  approvedAt: posts.approvedAt,
  promotedAt: posts.promotedAt,
  hiddenByOwnerAt: posts.hiddenByOwnerAt,
  hiddenByModAt: posts.hiddenByModAt,
  pendingStorageKey: posts.pendingStorageKey,
  metadataModifiedAt: posts.metadataModifiedAt,
  artworkModifiedAt: posts.artworkModifiedAt,
};

export interface Uploader {
  id: number;
  reputation: number;
  trusted: boolean;
  role: 'member' | 'moderator' | 'owner';
}

export async function findUploader(db: Database, userId: number): Promise<Uploader | null> {
  const [row] = await db
    .select({ id: users.id, reputation: users.reputation, trusted: users.trusted, role: users.role })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row ?? null;
}

/** docs/product.md §2 duplicates: the same bytes among live posts (the `posts_sha256_live_key` predicate). */
export async function findLivePostIdBySha256(db: Database, sha256: string): Promise<number | null> {
  const [row] = await db
    .select({ id: posts.id })
    .from(posts)
    .where(and(eq(posts.sha256, sha256), isNull(posts.deletedAt), ne(posts.state, 'failed')))
    .limit(1);
  return row?.id ?? null;
}

export type NewArtwork = Omit<typeof posts.$inferInsert, 'id' | 'kind'>;

export async function insertArtwork(db: Database, values: NewArtwork): Promise<number> {
  const [row] = await db.insert(posts).values({ ...values, kind: 'artwork' }).returning({ id: posts.id });
  if (!row) throw new Error('insert returned no row');
  return row.id;
}

export async function deletePostRow(db: Database, postId: number): Promise<void> {
  await db.delete(posts).where(eq(posts.id, postId));
}

/** An artwork as the viewer may see it by direct link (docs/product.md §1), with its owner's handle. */
export async function findViewablePost(db: Database, viewer: Viewer, postId: number): Promise<DetailRow | null> {
  const [row] = await db
    .select(detailColumns)
    .from(posts)
    .innerJoin(users, eq(users.id, posts.ownerId))
    .where(and(eq(posts.id, postId), eq(posts.kind, 'artwork'), viewableByLink(viewer)))
    .limit(1);
  return row ?? null;
}

export async function countsOf(db: Database, postId: number): Promise<{ reactions: number; comments: number; views: number }> {
  const [row] = await db
    .select({
      reactions: sql<number>`(select count(*)::int from ${reactions} where ${reactions.postId} = ${postId})`,
      comments: sql<number>`(select count(*)::int from ${comments} where ${comments.postId} = ${postId}
        and ${comments.deletedAt} is null and ${comments.hiddenAt} is null)`,
      views: sql<number>`(select count(*)::int from ${artworkViews} where ${artworkViews.postId} = ${postId})`,
    })
    .from(posts)
    .where(eq(posts.id, postId));
  return row ?? { reactions: 0, comments: 0, views: 0 };
}

/** Totals the artist sees on their own post page (docs/product.md §1). `today` is the UTC day. */
export async function ownerStatsOf(db: Database, postId: number, today: string): Promise<PostStats> {
  const [row] = await db
    .select({
      views: sql<number>`(select count(*)::int from ${artworkViews} where ${artworkViews.postId} = ${postId})`,
      viewsToday: sql<number>`(select count(*)::int from ${artworkViews} where ${artworkViews.postId} = ${postId} and ${artworkViews.day} = ${today})`,
      impressions: sql<number>`(select coalesce(sum(${artworkImpressions.count}), 0)::int from ${artworkImpressions} where ${artworkImpressions.postId} = ${postId})`,
      reactions: sql<number>`(select count(*)::int from ${reactions} where ${reactions.postId} = ${postId})`,
    })
    .from(posts)
    .where(eq(posts.id, postId));
  return row ?? { views: 0, viewsToday: 0, impressions: 0, reactions: 0 };
}

export interface MetadataChange {
  title?: string;
  description?: string | null;
  hashtags?: string[];
}

export async function updateMetadata(db: Database, postId: number, change: MetadataChange): Promise<void> {
  await db
    .update(posts)
    .set({ ...change, metadataModifiedAt: sql`now()` })
    .where(eq(posts.id, postId));
}

export async function setHiddenByOwner(db: Database, postId: number, hidden: boolean): Promise<void> {
  await db
    .update(posts)
    .set({ hiddenByOwnerAt: hidden ? sql`coalesce(${posts.hiddenByOwnerAt}, now())` : null })
    .where(eq(posts.id, postId));
}

/** Soft delete (docs/product.md §1); the worker's cleanup job purges the row and files after 7 days. */
export async function softDeletePost(db: Database, postId: number): Promise<void> {
  await db
    .update(posts)
    .set({ deletedAt: sql`coalesce(${posts.deletedAt}, now())` })
    .where(eq(posts.id, postId));
}

/**
 * Claims the replacement slot: succeeds only when the post is ready and no replacement is already
 * pending, so two concurrent replacements cannot both enqueue.
 */
export async function claimReplacement(db: Database, postId: number, pendingKey: string): Promise<boolean> {
  const rows = await db
    .update(posts)
    .set({ pendingStorageKey: pendingKey })
    .where(and(eq(posts.id, postId), eq(posts.state, 'ready'), isNull(posts.pendingStorageKey), isNull(posts.deletedAt)))
    .returning({ id: posts.id });
  return rows.length === 1;
}

export async function releaseReplacement(db: Database, postId: number, pendingKey: string): Promise<void> {
  await db
    .update(posts)
    .set({ pendingStorageKey: null })
    .where(and(eq(posts.id, postId), eq(posts.pendingStorageKey, pendingKey)));
}
