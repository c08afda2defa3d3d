import { comments, type Database, posts, users, type DbOrTx } from '@makapix/db';
import { summaryColumns } from '../../domain/post-summary.ts';
import { and, asc, eq, gt, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { SummaryRow } from '../../domain/post-summary.ts';

/** A drizzle handle or an open transaction (moderation changes and their audit rows commit together). */
export type { DbOrTx };

// Every "set" below only matches a row whose state actually changes, so the caller learns from the
// returned row whether anything happened (and audits / notifies only then), race-free.

const postColumns = {
  id: posts.id,
  ownerId: posts.ownerId,
  state: posts.state,
  approvedAt: posts.approvedAt,
  promotedAt: posts.promotedAt,
  hiddenByModAt: posts.hiddenByModAt,
};
export interface ModPostRow {
  id: number;
  ownerId: number;
  state: 'processing' | 'ready' | 'failed';
  approvedAt: Date | null;
  promotedAt: Date | null;
  hiddenByModAt: Date | null;
}
export type PostFlag = 'approvedAt' | 'promotedAt' | 'hiddenByModAt';

/** The post if `visible` (a visibility condition for the moderator) admits it. */
export async function findPost(db: DbOrTx, postId: number, visible: SQL): Promise<ModPostRow | null> {
  const [row] = await db.select(postColumns).from(posts).where(and(eq(posts.id, postId), visible)).limit(1);
  return row ?? null;
}

/** Sets (`on`) or clears a moderation timestamp; null when it already had that state. */
export async function setPostFlag(db: DbOrTx, postId: number, flag: PostFlag, on: boolean): Promise<ModPostRow | null> {
  const column = posts[flag];
  const [row] = await db
    .update(posts)
    .set({ [flag]: on ? sql`now()` : null })
    .where(and(eq(posts.id, postId), on ? isNull(column) : isNotNull(column)))
    .returning(postColumns);
  return row ?? null;
}

const commentColumns = { id: comments.id, postId: comments.postId, authorId: comments.authorId, hiddenAt: comments.hiddenAt };
export interface ModCommentRow {
  id: number;
  postId: number;
  authorId: number;
  hiddenAt: Date | null;
}

export async function findComment(db: DbOrTx, commentId: number): Promise<ModCommentRow | null> {
  const [row] = await db.select(commentColumns).from(comments).where(and(eq(comments.id, commentId), isNull(comments.deletedAt))).limit(1);
  return row ?? null;
}

export async function setCommentHidden(db: DbOrTx, commentId: number, on: boolean): Promise<ModCommentRow | null> {
  const [row] = await db
    .update(comments)
    .set({ hiddenAt: on ? sql`now()` : null })
    .where(and(eq(comments.id, commentId), on ? isNull(comments.hiddenAt) : isNotNull(comments.hiddenAt)))
    .returning(commentColumns);
  return row ?? null;
}

const memberColumns = {
  id: users.id,
  handle: users.handle,
  role: users.role,
  trusted: users.trusted,
  hiddenAt: users.hiddenAt,
  bannedUntil: users.bannedUntil,
  banReason: users.banReason,
};
export interface ModMemberRow {
  id: number;
  handle: string;
  role: 'member' | 'moderator' | 'owner';
  trusted: boolean;
  hiddenAt: Date | null;
  bannedUntil: Date | null;
  banReason: string | null;
}

/** A member who still exists (deleted accounts are gone for moderation too). */
export async function findMember(db: DbOrTx, userId: number, opts: { lock?: boolean } = {}): Promise<ModMemberRow | null> {
  const query = db.select(memberColumns).from(users).where(and(eq(users.id, userId), isNull(users.deletedAt))).limit(1);
  const [row] = opts.lock ? await query.for('update') : await query;
  return row ?? null;
}

export async function setMemberHidden(db: DbOrTx, userId: number, on: boolean): Promise<ModMemberRow | null> {
  const [row] = await db
    .update(users)
    .set({ hiddenAt: on ? sql`now()` : null })
    .where(and(eq(users.id, userId), on ? isNull(users.hiddenAt) : isNotNull(users.hiddenAt)))
    .returning(memberColumns);
  return row ?? null;
}

export async function setMemberTrusted(db: DbOrTx, userId: number, trusted: boolean): Promise<ModMemberRow | null> {
  const [row] = await db
    .update(users)
    .set({ trusted })
    .where(and(eq(users.id, userId), eq(users.trusted, !trusted)))
    .returning(memberColumns);
  return row ?? null;
}

/** A ban always changes something (a new end or reason), so it always returns the row. */
export async function setMemberBan(db: DbOrTx, userId: number, until: Date, reason: string): Promise<ModMemberRow | null> {
  const [row] = await db.update(users).set({ bannedUntil: until, banReason: reason }).where(eq(users.id, userId)).returning(memberColumns);
  return row ?? null;
}

export async function clearMemberBan(db: DbOrTx, userId: number): Promise<ModMemberRow | null> {
  const [row] = await db
    .update(users)
    .set({ bannedUntil: null, banReason: null })
    .where(and(eq(users.id, userId), isNotNull(users.bannedUntil)))
    .returning(memberColumns);
  return row ?? null;
}

export interface QueueRow extends SummaryRow {
  ownerHandle: string;
  ownerTrusted: boolean;
  hiddenByModAt: Date | null;
}

/**
 * docs/product.md §1 approval queue: ready, unapproved posts the moderator can see (`visible`), oldest first
 * so the queue is worked in arrival order.
 */
export async function listApprovalQueue(db: DbOrTx, visible: SQL, afterId: number | null, limit: number): Promise<QueueRow[]> {
  return db
    .select({
      ...summaryColumns,
      ownerHandle: users.handle,
      ownerTrusted: users.trusted,
      hiddenByModAt: posts.hiddenByModAt,
    })
    .from(posts)
    .innerJoin(users, eq(users.id, posts.ownerId))
    .where(and(visible, eq(posts.state, 'ready'), isNull(posts.approvedAt), afterId === null ? undefined : gt(posts.id, afterId)))
    .orderBy(asc(posts.id))
    .limit(limit);
}
