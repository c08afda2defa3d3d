import { PG_CHECK_VIOLATION, TRIGGER_CONSTRAINTS, violatedConstraint } from '@makapix/db';
import { encodeCursor, type List, type ListQuery, pageOf } from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../../errors.ts';
import { assertNotBlocked } from '../blocks/service.ts';
import { readCursor } from '../../domain/social.ts';
import { notify } from '../notifications/service.ts';
import type { Viewer } from '../../domain/visibility.ts';
import { findVisiblePost } from '../reactions/repo.ts';
import { interactablePost, visiblePost } from '../reactions/service.ts';
import { viewerForUser } from '../../domain/viewer.ts';
import { type CommentJson, buildThreads, type ThreadJson, toCommentJson } from './present.ts';
import {
  type CommentRef,
  findComment,
  findCommentRow,
  insertComment,
  listReplies,
  listRootComments,
  softDeleteComment,
  updateCommentBody,
} from './repo.ts';

/** docs/product.md §1: threads are at most three levels deep (depth 0, 1, 2). */
export const MAX_COMMENT_DEPTH = 2;

const idCursor = z.object({ id: z.number().int().positive() });

/** Roots oldest first (keyset), each with its replies and theirs. */
export async function listComments(app: FastifyInstance, viewer: Viewer, postId: number, query: ListQuery): Promise<List<ThreadJson>> {
  await visiblePost(app, viewer, postId);
  const after = readCursor(query.cursor, idCursor);
  const rows = await listRootComments(app.db, postId, viewer.userId, query.limit, after?.id ?? null);
  const page = pageOf(rows, query.limit, (last) => encodeCursor({ id: last.id }));
  const level1 = await listReplies(app.db, page.items.map((r) => r.id), viewer.userId);
  const level2 = await listReplies(app.db, level1.map((r) => r.id), viewer.userId);
  return { items: buildThreads(page.items, [...level1, ...level2], viewer, app.publicId.encode), nextCursor: page.nextCursor };
}

async function presentComment(app: FastifyInstance, viewer: Viewer, id: number): Promise<CommentJson> {
  const row = await findCommentRow(app.db, id, viewer.userId);
  if (!row) throw errors.notFound('Comment');
  return toCommentJson(row, viewer, app.publicId.encode);
}

/** A parent one may reply to: on the same post and still readable by the replier. */
async function replyableParent(app: FastifyInstance, viewer: Viewer, postId: number, parentSqid: string): Promise<CommentRef> {
  const id = app.publicId.decode(parentSqid);
  const parent = id === null ? null : await findComment(app.db, id);
  const readable = parent && !parent.deletedAt && (!parent.hiddenAt || viewer.isModerator || parent.authorId === viewer.userId);
  if (!parent || parent.postId !== postId || !readable) throw errors.notFound('Parent comment');
  if (parent.depth >= MAX_COMMENT_DEPTH) throw errors.badRequest('comment_too_deep', `Replies nest at most ${MAX_COMMENT_DEPTH} levels deep`);
  return parent;
}

/**
 * docs/product.md §1/§4: 30 comments per 5 min per member, ≤1000 per post (trigger `comments_per_post_limit`),
 * refused both ways across a block with the artist or the parent's author. Notifies the artist
 * (`comment`) and the parent's author (`reply`), each at most once.
 */
export async function createComment(
  app: FastifyInstance,
  userId: number,
  postId: number,
  input: { body: string; parentId?: string | undefined },
): Promise<CommentJson> {
  await app.consumeRateLimit('comment', `user:${userId}`);
  const viewer = await viewerForUser(app.db, userId);
  const post = await interactablePost(app, userId, postId, viewer);
  const parent = input.parentId === undefined ? null : await replyableParent(app, viewer, post.id, input.parentId);
  if (parent) await assertNotBlocked(app, userId, parent.authorId);

  let id: number;
  try {
    id = await insertComment(app.db, { postId: post.id, authorId: userId, parentId: parent?.id ?? null, depth: parent ? parent.depth + 1 : 0, body: input.body });
  } catch (err) {
    const constraint = violatedConstraint(err, PG_CHECK_VIOLATION);
    if (constraint === TRIGGER_CONSTRAINTS.commentLimit) throw errors.conflict('comment_limit_reached', 'This post has reached 1000 comments');
    // The parent was deleted (cascade) between the check and the insert.
    if (constraint === TRIGGER_CONSTRAINTS.commentParent) throw errors.notFound('Parent comment');
    throw err;
  }

  if (parent) await notify(app, { recipientId: parent.authorId, actorId: userId, type: 'reply', postId: post.id, commentId: id });
  if (!parent || parent.authorId !== post.ownerId) {
    await notify(app, { recipientId: post.ownerId, actorId: userId, type: 'comment', postId: post.id, commentId: id });
  }
  return presentComment(app, viewer, id);
}

/** The author's own live comment on a post they can still see; anyone else → 403. */
async function ownComment(app: FastifyInstance, viewer: Viewer & { userId: number }, sqid: string): Promise<CommentRef> {
  const id = app.publicId.decode(sqid);
  const comment = id === null ? null : await findComment(app.db, id);
  if (!comment || comment.deletedAt || !(await findVisiblePost(app.db, viewer, comment.postId))) throw errors.notFound('Comment');
  if (comment.authorId !== viewer.userId) throw errors.forbidden('Only the author can change this comment');
  return comment;
}

export async function editComment(app: FastifyInstance, userId: number, sqid: string, body: string): Promise<CommentJson> {
  const viewer = { ...(await viewerForUser(app.db, userId)), userId };
  const comment = await ownComment(app, viewer, sqid);
  await updateCommentBody(app.db, comment.id, body);
  return presentComment(app, viewer, comment.id);
}

/** Soft delete by the author (docs/product.md §4); deleting twice is a no-op. */
export async function deleteComment(app: FastifyInstance, userId: number, sqid: string): Promise<void> {
  const id = app.publicId.decode(sqid);
  const existing = id === null ? null : await findComment(app.db, id);
  if (existing?.deletedAt && existing.authorId === userId) return;
  const viewer = { ...(await viewerForUser(app.db, userId)), userId };
  const comment = await ownComment(app, viewer, sqid);
  await softDeleteComment(app.db, comment.id);
}
