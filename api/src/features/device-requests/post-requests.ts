import {
  type CommentObject,
  decodeCursor,
  type DeviceErrorResponse,
  type DeviceRequestOf,
  type DeviceResponse,
  encodeCursor,
  errorResponse,
  fitResponse,
  type GetCommentsResponse,
  successResponse,
} from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isAppError } from '../../errors.ts';
import { addReaction, removeReaction } from '../reactions/service.ts';
import type { DeviceContext } from './device-context.ts';
import { toPostObjects } from './post-objects.ts';
import { findPostForViewer, type PostRow } from './posts-repo.ts';
import { type CommentRow, listPostComments } from './repo.ts';

// docs/device-protocol.md §5: get_post, submit_reaction / revoke_reaction, get_comments.

/** not_found / deleted / not_visible for a post the owner may not see by link, else the post. */
async function postOrError(app: FastifyInstance, ctx: DeviceContext, postId: number, requestId: string): Promise<PostRow | DeviceErrorResponse> {
  const found = await findPostForViewer(app.db, postId, ctx.viewer);
  if (!found) return errorResponse(requestId, 'not_found', 'no such post');
  if (found.deleted) return errorResponse(requestId, 'deleted', 'the post was deleted');
  if (!found.visible) return errorResponse(requestId, 'not_visible', 'the post is not visible to this player');
  return found.post;
}

const isError = (v: PostRow | DeviceErrorResponse): v is DeviceErrorResponse => 'success' in v;

export async function getPost(
  app: FastifyInstance,
  ctx: DeviceContext,
  request: DeviceRequestOf<'get_post'>,
  requestId: string,
  vaultBaseUrl: string,
): Promise<DeviceResponse> {
  const post = await postOrError(app, ctx, request.post_id, requestId);
  if (isError(post)) return post;
  const [object] = await toPostObjects(app.db, [post], { include: request.include_fields, viewer: ctx.viewer, vaultBaseUrl });
  if (!object) return errorResponse(requestId, 'not_found', 'no such post');
  return successResponse(requestId, { post: object });
}

/** Social-service errors in device codes; `blocked` has no device code and reads as not visible. */
const REACTION_ERRORS: Record<string, 'invalid_emoji' | 'reaction_limit_exceeded' | 'not_found' | 'not_visible'> = {
  invalid_emoji: 'invalid_emoji',
  reaction_limit_exceeded: 'reaction_limit_exceeded',
  not_found: 'not_found',
  blocked: 'not_visible',
};

/** The reaction belongs to the player's owner and goes through the same service as the web's. */
export async function changeReaction(
  app: FastifyInstance,
  ctx: DeviceContext,
  request: DeviceRequestOf<'submit_reaction'> | DeviceRequestOf<'revoke_reaction'>,
  requestId: string,
): Promise<DeviceResponse> {
  const post = await postOrError(app, ctx, request.post_id, requestId);
  if (isError(post)) return post;
  const input = { userId: ctx.owner.id, postId: request.post_id, emoji: request.emoji };
  try {
    if (request.request_type === 'submit_reaction') await addReaction(app, input);
    else await removeReaction(app, input);
  } catch (err) {
    const code = isAppError(err) ? REACTION_ERRORS[err.code] : undefined;
    if (isAppError(err) && code) return errorResponse(requestId, code, err.message);
    throw err;
  }
  return successResponse(requestId, { error: null });
}

const commentCursorSchema = z.object({ c: z.int().positive() });

/**
 * Deleted and moderator-hidden comments keep their place in the thread (docs/product.md §4) without body or
 * author; so do comments of members the owner blocked (the blocker no longer sees their content).
 */
function commentObject(row: CommentRow): CommentObject {
  const gone = row.deletedAt !== null || row.hiddenAt !== null || row.blockedByViewer;
  return {
    comment_id: row.id,
    post_id: row.postId,
    author_handle: gone || row.authorGone ? null : row.authorHandle,
    body: gone ? '' : row.body,
    depth: row.depth,
    parent_id: row.parentId,
    created_at: row.createdAt.toISOString(),
    deleted: gone,
  };
}

export async function getComments(
  app: FastifyInstance,
  ctx: DeviceContext,
  request: DeviceRequestOf<'get_comments'>,
  requestId: string,
): Promise<DeviceResponse> {
  let afterId: number | null = null;
  if (request.cursor !== null && request.cursor !== '') {
    const cursor = decodeCursor(request.cursor, commentCursorSchema);
    if (!cursor) return errorResponse(requestId, 'invalid_request', 'cursor is not valid');
    afterId = cursor.c;
  }
  const post = await postOrError(app, ctx, request.post_id, requestId);
  if (isError(post)) return post;
  const rows = await listPostComments(app.db, { postId: post.id, viewerId: ctx.owner.id, afterId, limit: request.limit + 1 });
  const page = rows.slice(0, request.limit);
  const hasMore = rows.length > request.limit;
  const last = page[page.length - 1];
  const cursorOf = (id: number) => encodeCursor({ c: id });
  const payload: GetCommentsResponse = successResponse(requestId, {
    comments: page.map(commentObject),
    next_cursor: hasMore && last ? cursorOf(last.id) : null,
    has_more: hasMore,
  });
  return fitResponse(payload, 'comments', undefined, (kept) => cursorOf(Number(kept.comment_id)));
}
