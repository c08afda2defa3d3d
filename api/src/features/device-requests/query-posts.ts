import {
  decodeCursor,
  encodeCursor,
  errorResponse,
  fitResponse,
  normalizeHashtag,
  queryPostsChannelError,
  type DeviceResponse,
  type QueryPostsRequest,
  type QueryPostsResponse,
  successResponse,
} from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { canonicalHandle } from '@makapix/protocol';
import type { DeviceContext } from './device-context.ts';
import { toPostObjects } from './post-objects.ts';
import { type ChannelScope, type FeedOrder, queryFeedPosts } from './posts-repo.ts';
import { findActiveUserByCanonicalHandle, findActiveUserById, type TargetUser } from './repo.ts';

// docs/device-protocol.md §5 query_posts: channel → scope, sort → keyset order, opaque cursor, trimmed to fit.

const TIMESTAMP_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const KEY_FORMAT = { id: /^\d{1,16}$/, created_at: TIMESTAMP_KEY, reacted_at: TIMESTAMP_KEY, random: /^[0-9a-f]{32}$/ } as const;

const cursorSchema = z
  .object({
    /** Order the cursor belongs to; a cursor from another order is refused. */
    s: z.enum(['id', 'created_at', 'random', 'reacted_at']),
    k: z.string(),
    i: z.int().positive(),
    /** random: the seed, so later pages follow the same order even when the request omits it. */
    r: z.string().max(32).optional(),
  })
  // The key goes into SQL as a timestamp or hash: a forged one is a client mistake, not a 500.
  .refine((c) => KEY_FORMAT[c.s].test(c.k));
type Cursor = z.infer<typeof cursorSchema>;

/**
 * `reactions` is ordered by the newest reaction unless the device asks for created_at or random;
 * `reacted_at` means nothing elsewhere and falls back to server order (a compliant device never
 * notices).
 */
function orderOf(request: QueryPostsRequest, seed: string): FeedOrder {
  if (request.sort === 'random') return { sort: 'random', seed };
  if (request.sort === 'created_at') return { sort: 'created_at' };
  return request.channel === 'reactions' ? { sort: 'reacted_at' } : { sort: 'id' };
}

/**
 * The user a `by_user` / `reactions` channel names: by `user_sqid` when given (the public id,
 * docs/product.md §3), else by `user_handle` (with or without `@`, compared as handles are: ignoring case
 * and look-alike characters). Null when nobody live matches.
 */
async function resolveTargetUser(app: FastifyInstance, ref: Pick<QueryPostsRequest, 'user_sqid' | 'user_handle'>): Promise<TargetUser | null> {
  if (ref.user_sqid) {
    const id = app.publicId.decode(ref.user_sqid);
    return id === null ? null : findActiveUserById(app.db, id);
  }
  const handle = (ref.user_handle ?? '').trim().replace(/^@/, '');
  if (handle.length === 0 || handle.length > 64) return null;
  return findActiveUserByCanonicalHandle(app.db, canonicalHandle(handle));
}

function randomSeed(): string {
  return String(globalThis.crypto.getRandomValues(new Uint32Array(1))[0]);
}

export async function queryPosts(
  app: FastifyInstance,
  ctx: DeviceContext,
  request: QueryPostsRequest,
  requestId: string,
  vaultBaseUrl: string,
): Promise<DeviceResponse> {
  const channelError = queryPostsChannelError(request);
  if (channelError) return errorResponse(requestId, channelError, `channel ${request.channel} needs ${channelError.replace(/^(missing|invalid)_/, '')}`);

  let cursor: Cursor | null = null;
  if (request.cursor !== null && request.cursor !== '') {
    cursor = decodeCursor(request.cursor, cursorSchema);
    if (!cursor) return errorResponse(requestId, 'invalid_request', 'cursor is not valid');
  }
  const requestSeed = request.random_seed === null || request.random_seed === undefined ? undefined : String(request.random_seed);
  if (cursor?.r !== undefined && requestSeed !== undefined && cursor.r !== requestSeed) {
    return errorResponse(requestId, 'invalid_request', 'cursor belongs to another random_seed');
  }
  const order = orderOf(request, requestSeed ?? cursor?.r ?? randomSeed());
  if (cursor && cursor.s !== order.sort) return errorResponse(requestId, 'invalid_request', 'cursor belongs to another sort');

  let scope: ChannelScope;
  switch (request.channel) {
    case 'all':
    case 'artwork':
      scope = { type: 'public' };
      break;
    case 'promoted':
      scope = { type: 'promoted' };
      break;
    case 'user':
      scope = { type: 'own' };
      break;
    case 'hashtag':
      scope = { type: 'hashtag', tag: normalizeHashtag(request.hashtag ?? '') ?? '' };
      break;
    case 'by_user':
    case 'reactions': {
      const target = await resolveTargetUser(app, request);
      if (!target) return errorResponse(requestId, 'user_not_found', 'no such user');
      scope = request.channel === 'by_user' ? { type: 'by_user', userId: target.id } : { type: 'reactions', userId: target.id };
      break;
    }
  }

  const rows = await queryFeedPosts(app.db, {
    viewer: ctx.viewer,
    scope,
    criteria: request.criteria,
    order,
    after: cursor ? { key: cursor.k, id: cursor.i } : null,
    limit: request.limit,
  });
  const page = rows.slice(0, request.limit);
  const hasMore = rows.length > request.limit;
  const cursorOf = (row: { id: number; sortKey: string }) =>
    encodeCursor({ s: order.sort, k: row.sortKey, i: row.id, ...(order.sort === 'random' ? { r: order.seed } : {}) } satisfies Cursor);
  const sortKeys = new Map(page.map((row) => [row.id, row.sortKey]));
  const last = page[page.length - 1];

  const posts = await toPostObjects(app.db, page, { include: request.include_fields, viewer: ctx.viewer, vaultBaseUrl });
  const payload: QueryPostsResponse = successResponse(requestId, {
    posts,
    next_cursor: hasMore && last ? cursorOf(last) : null,
    has_more: hasMore,
  });
  // docs/device-protocol.md §5: at most 131,072 bytes; the cursor then continues at the first item cut.
  return fitResponse(payload, 'posts', undefined, (kept) => cursorOf({ id: kept.post_id, sortKey: sortKeys.get(kept.post_id) ?? '' }));
}
