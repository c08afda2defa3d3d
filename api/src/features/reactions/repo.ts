import { type Database, posts, reactions } from '@makapix/db';
import { and, asc, count, desc, eq, isNull } from 'drizzle-orm';
import { viewableByLink, type Viewer } from '../posts/visibility.ts';

export interface PostRef {
  id: number;
  ownerId: number;
  kind: 'artwork' | 'playlist';
}

/** A post this viewer may open by direct link (SPEC.md §4 social actions happen where one can look). */
export async function findVisiblePost(db: Database, viewer: Viewer, postId: number): Promise<PostRef | null> {
  const [row] = await db
    .select({ id: posts.id, ownerId: posts.ownerId, kind: posts.kind })
    .from(posts)
    .where(and(eq(posts.id, postId), viewableByLink(viewer)))
    .limit(1);
  return row ?? null;
}

/**
 * The owner of a live post whatever the viewer may see: the block rule (403 `blocked`, SPEC.md §4)
 * is decided on it before visibility, because visibility already hides a blocked member's posts
 * from the blocker, which would otherwise turn the refusal into a 404 one way only.
 */
export async function findPostOwnerId(db: Database, postId: number): Promise<number | null> {
  const [row] = await db.select({ ownerId: posts.ownerId }).from(posts).where(and(eq(posts.id, postId), isNull(posts.deletedAt))).limit(1);
  return row?.ownerId ?? null;
}

/** True when the reaction is new; re-adding an existing one is a no-op (SPEC.md §4 idempotent). */
export async function insertReaction(db: Database, input: { postId: number; userId: number; emoji: string }): Promise<boolean> {
  const rows = await db.insert(reactions).values(input).onConflictDoNothing().returning({ id: reactions.id });
  return rows.length > 0;
}

export async function deleteReaction(db: Database, input: { postId: number; userId: number; emoji: string }): Promise<void> {
  await db
    .delete(reactions)
    .where(and(eq(reactions.postId, input.postId), eq(reactions.userId, input.userId), eq(reactions.emoji, input.emoji)));
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

/**
 * The constraint named by a failed statement with this SQLSTATE (23514 check_violation raised by
 * the limit triggers, 23505 unique_violation). drizzle wraps driver errors, so the cause chain is walked.
 */
export function violatedConstraint(err: unknown, sqlstate: '23505' | '23514'): string | null {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, constraint } = e as { code?: unknown; constraint?: unknown };
    if (code === sqlstate) return typeof constraint === 'string' ? constraint : '';
  }
  return null;
}
