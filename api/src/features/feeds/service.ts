import { decodeCursor, encodeCursor, pageOf, type List, type ListQuery } from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../../errors.ts';
import { normalizeHashtagInput } from '@makapix/protocol';
import { type PostSummary } from '@makapix/protocol';
import { type ListRow, toPostSummary } from '../../domain/post-summary.ts';
import type { Viewer } from '../../domain/visibility.ts';
import * as repo from './repo.ts';

export interface FeedsContext {
  app: Pick<FastifyInstance, 'db' | 'publicId'>;
  vaultBaseUrl: string;
}

// docs/product.md §3 keyset lists: the cursor is the id of the last item returned (ids only grow, so a
// page never shifts when newer posts arrive).
const idCursorSchema = z.object({ id: z.int().positive() });

export function pageFrom(query: ListQuery): repo.Page {
  if (query.cursor === undefined) return { beforeId: null, limit: query.limit };
  const cursor = decodeCursor(query.cursor, idCursorSchema);
  if (!cursor) throw errors.validation([{ path: 'querystring.cursor', message: 'invalid cursor' }]);
  return { beforeId: cursor.id, limit: query.limit };
}

/** Turns `limit + 1` rows into a page. */
export function presentPage(ctx: FeedsContext, rows: ListRow[], limit: number): List<PostSummary> {
  const page = pageOf(rows, limit, (last) => encodeCursor({ id: last.id }));
  return {
    items: page.items.map((r) => toPostSummary(r, r.ownerHandle, ctx.app.publicId, ctx.vaultBaseUrl)),
    nextCursor: page.nextCursor,
  };
}

export async function recentFeed(ctx: FeedsContext, viewer: Viewer, query: ListQuery) {
  const page = pageFrom(query);
  return presentPage(ctx, await repo.recentPosts(ctx.app.db, viewer, page), page.limit);
}

export async function promotedFeed(ctx: FeedsContext, viewer: Viewer, query: ListQuery) {
  const page = pageFrom(query);
  return presentPage(ctx, await repo.promotedPosts(ctx.app.db, viewer, page), page.limit);
}

/** Hashtags are matched normalized (docs/product.md §2), so `/feeds/hashtags/PixelArt` finds `pixelart`. */
export async function hashtagFeed(ctx: FeedsContext, viewer: Viewer, rawTag: string, query: ListQuery) {
  const tag = normalizeHashtagInput(rawTag);
  if (tag === '') throw errors.validation([{ path: 'params.tag', message: 'the hashtag is empty' }]);
  const page = pageFrom(query);
  return presentPage(ctx, await repo.hashtagPosts(ctx.app.db, viewer, tag, page), page.limit);
}

export async function followingFeed(ctx: FeedsContext, viewer: Viewer, query: ListQuery) {
  const { userId } = viewer;
  if (userId === null) throw errors.unauthorized();
  const page = pageFrom(query);
  return presentPage(ctx, await repo.followingPosts(ctx.app.db, { ...viewer, userId }, page), page.limit);
}

/** An artist's profile (docs/product.md §1): unapproved posts show here; 404 for an unknown or deleted member. */
export async function profileFeed(ctx: FeedsContext, viewer: Viewer, ownerId: number | null, query: ListQuery) {
  const owner = ownerId === null ? null : await repo.findProfileUser(ctx.app.db, ownerId);
  if (!owner) throw errors.notFound('Member');
  const page = pageFrom(query);
  return presentPage(ctx, await repo.profilePosts(ctx.app.db, viewer, owner.id, page), page.limit);
}
