import { blocks, comments, type Database, users } from '@makapix/db';
import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { memberRefColumns, type MemberRefRow } from '../../domain/social.ts';

export interface CommentRef {
  id: number;
  postId: number;
  authorId: number;
  parentId: number | null;
  depth: number;
  deletedAt: Date | null;
  hiddenAt: Date | null;
}

export interface CommentRow {
  id: number;
  postId: number;
  parentId: number | null;
  depth: number;
  body: string;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  hiddenAt: Date | null;
  author: MemberRefRow;
  /** The viewer blocked the author (docs/product.md §4: the blocker no longer sees their content). */
  authorBlocked: boolean;
}

export async function findComment(db: Database, id: number): Promise<CommentRef | null> {
  const [row] = await db
    .select({
      id: comments.id,
      postId: comments.postId,
      authorId: comments.authorId,
      parentId: comments.parentId,
      depth: comments.depth,
      deletedAt: comments.deletedAt,
      hiddenAt: comments.hiddenAt,
    })
    .from(comments)
    .where(eq(comments.id, id))
    .limit(1);
  return row ?? null;
}

const rowColumns = (viewerId: number | null) => ({
  id: comments.id,
  postId: comments.postId,
  parentId: comments.parentId,
  depth: comments.depth,
  body: comments.body,
  createdAt: comments.createdAt,
  editedAt: comments.editedAt,
  deletedAt: comments.deletedAt,
  hiddenAt: comments.hiddenAt,
  author: memberRefColumns,
  authorBlocked:
    viewerId === null
      ? sql<boolean>`false`
      : sql<boolean>`exists (select 1 from ${blocks} b where b.blocker_id = ${viewerId} and b.blocked_id = ${comments.authorId})`,
});

const selectRows = (db: Database, viewerId: number | null) =>
  db.select(rowColumns(viewerId)).from(comments).innerJoin(users, eq(users.id, comments.authorId));

export async function findCommentRow(db: Database, id: number, viewerId: number | null): Promise<CommentRow | null> {
  const [row] = await selectRows(db, viewerId).where(eq(comments.id, id)).limit(1);
  return row ?? null;
}

/** Top-level comments of a post, oldest first, keyset on id (index comments_post_idx). */
export async function listRootComments(db: Database, postId: number, viewerId: number | null, limit: number, afterId: number | null): Promise<CommentRow[]> {
  return selectRows(db, viewerId)
    .where(and(eq(comments.postId, postId), isNull(comments.parentId), afterId === null ? undefined : gt(comments.id, afterId)))
    .orderBy(asc(comments.id))
    .limit(limit + 1);
}

/** Direct replies of these comments, oldest first. */
export async function listReplies(db: Database, parentIds: number[], viewerId: number | null): Promise<CommentRow[]> {
  if (parentIds.length === 0) return [];
  return selectRows(db, viewerId).where(inArray(comments.parentId, parentIds)).orderBy(asc(comments.id));
}

export interface NewComment {
  postId: number;
  authorId: number;
  parentId: number | null;
  depth: number;
  body: string;
}

export async function insertComment(db: Database, input: NewComment): Promise<number> {
  const [row] = await db.insert(comments).values(input).returning({ id: comments.id });
  if (!row) throw new Error('comment insert returned no row');
  return row.id;
}

export async function updateCommentBody(db: Database, id: number, body: string): Promise<void> {
  await db.update(comments).set({ body, editedAt: new Date() }).where(eq(comments.id, id));
}

/** Soft delete: the row stays so replies keep their place (docs/product.md §4). */
export async function softDeleteComment(db: Database, id: number): Promise<void> {
  await db.update(comments).set({ deletedAt: new Date() }).where(and(eq(comments.id, id), isNull(comments.deletedAt)));
}
