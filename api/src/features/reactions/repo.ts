import { type Database, posts, reactions } from '@makapix/db';
import { and, asc, count, desc, eq, isNull } from 'drizzle-orm';
import { viewableByLink, type Viewer } from '../../domain/visibility.ts';
import { adjustReputation, countMemberReactions, lockMemberPostReactions, REPUTATION_POINTS } from '../users/reputation.ts';

export interface PostRef {
  id: number;
  ownerId: number;
  kind: 'artwork' | 'playlist';
}

/** A post this viewer may open by direct link (docs/product.md §4 social actions happen where one can look). */
export async function findVisiblePost(db: Database, viewer: Viewer, postId: number): Promise<PostRef | null> {
  const [row] = await db
    .select({ id: posts.id, ownerId: posts.ownerId, kind: posts.kind })
    .from(posts)
    .where(and(eq(posts.id, postId), viewableByLink(viewer)))
    .limit(1);
  return row ?? null;
}

/**
 * The owner of a live post whatever the viewer may see: the block rule (403 `blocked`, docs/product.md §4)
 * is decided on it before visibility, because visibility already hides a blocked member's posts
 * from the blocker, which would otherwise turn the refusal into a 404 one way only.
 */
export async function findPostOwnerId(db: Database, postId: number): Promise<number | null> {
  const [row] = await db.select({ ownerId: posts.ownerId }).from(posts).where(and(eq(posts.id, postId), isNull(posts.deletedAt))).limit(1);
  return row?.ownerId ?? null;
}

export interface ReactionKey {
  postId: number;
  userId: number;
  emoji: string;
}

/**
 * True when the reaction is new; re-adding an existing one is a no-op (docs/product.md §4 idempotent). The
 * member's first emoji on the post earns its artist reputation in the same transaction
 * (users/reputation.ts); the insert trigger's lock makes "first" exact under concurrency.
 */
export async function insertReaction(db: Database, input: ReactionKey, artistId: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.insert(reactions).values(input).onConflictDoNothing().returning({ id: reactions.id });
    if (rows.length === 0) return false;
    if (input.userId !== artistId && (await countMemberReactions(tx, input)) === 1) {
      await adjustReputation(tx, artistId, REPUTATION_POINTS.reactingMember);
    }
    return true;
  });
}

/** Removes the reaction; the member's last emoji on the post takes back the artist's point. */
export async function deleteReaction(db: Database, input: ReactionKey, artistId: number): Promise<void> {
  await db.transaction(async (tx) => {
    await lockMemberPostReactions(tx, input);
    const rows = await tx
      .delete(reactions)
      .where(and(eq(reactions.postId, input.postId), eq(reactions.userId, input.userId), eq(reactions.emoji, input.emoji)))
      .returning({ id: reactions.id });
    if (rows.length === 0 || input.userId === artistId) return;
    if ((await countMemberReactions(tx, input)) === 0) await adjustReputation(tx, artistId, -REPUTATION_POINTS.reactingMember);
  });
}

export async function reactionTotals(db: Database, postId: number): Promise<{ emoji: string; count: number }[]> {
  const n = count();
  return db
    .select({ emoji: reactions.emoji, count: n })
    .from(reactions)
    .where(eq(reactions.postId, postId))
    .groupBy(reactions.emoji)
    .orderBy(desc(n), asc(reactions.emoji));
}

export async function reactionsOf(db: Database, postId: number, userId: number): Promise<string[]> {
  const rows = await db
    .select({ emoji: reactions.emoji })
    .from(reactions)
    .where(and(eq(reactions.postId, postId), eq(reactions.userId, userId)))
    .orderBy(asc(reactions.createdAt), asc(reactions.id));
  return rows.map((r) => r.emoji);
}
