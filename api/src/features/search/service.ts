import { decodeCursor, encodeCursor, pageOf, type List, type ListQuery } from '@makapix/protocol';
import { z } from 'zod';
import { errors } from '../../errors.ts';
import { pageFrom, presentPage, type FeedsContext } from '../feeds/service.ts';
import { normalizeHashtagInput } from '@makapix/protocol';
import type { PostSummary } from '@makapix/protocol';
import type { Viewer } from '../../domain/visibility.ts';
import * as repo from './repo.ts';


export interface ArtistHit {
  id: string;
  handle: string;
  avatarUrl: string | null;
}
export interface HashtagHit {
  tag: string;
  postCount: number;
}

// Artists and hashtags are listed alphabetically, so their cursor is the last key returned.
const keyCursorSchema = z.object({ k: z.string().min(1).max(256) });

function afterKey(query: ListQuery): string | null {
  if (query.cursor === undefined) return null;
  const cursor = decodeCursor(query.cursor, keyCursorSchema);
  if (!cursor) throw errors.validation([{ path: 'querystring.cursor', message: 'invalid cursor' }]);
  return cursor.k;
}

export async function searchArtworks(ctx: FeedsContext, viewer: Viewer, q: string, query: ListQuery): Promise<List<PostSummary>> {
  const page = pageFrom(query);
  const rows = await repo.searchArtworks(ctx.app.db, viewer, { text: q, hashtag: normalizeHashtagInput(q) }, page);
  return presentPage(ctx, rows, page.limit);
}

/** Handles are compared in their canonical (lower-case) form; a leading `@` is ignored. */
export async function searchArtists(ctx: FeedsContext, viewer: Viewer, q: string, query: ListQuery): Promise<List<ArtistHit>> {
  const text = q.replace(/^@+/, '').toLowerCase();
  if (text === '') return { items: [], nextCursor: null };
  const rows = await repo.searchArtists(ctx.app.db, viewer, text, { after: afterKey(query), limit: query.limit });
  const page = pageOf(rows, query.limit, (last) => encodeCursor({ k: last.handleCanonical }));
  return {
    items: page.items.map((r) => ({ id: ctx.app.publicId.encode(r.id), handle: r.handle, avatarUrl: r.avatarUrl })),
    nextCursor: page.nextCursor,
  };
}

export async function searchHashtags(ctx: FeedsContext, viewer: Viewer, q: string, query: ListQuery): Promise<List<HashtagHit>> {
  const text = normalizeHashtagInput(q);
  if (text === '') return { items: [], nextCursor: null };
  const rows = await repo.searchHashtags(ctx.app.db, viewer, text, { after: afterKey(query), limit: query.limit });
  return pageOf(rows, query.limit, (last) => encodeCursor({ k: last.tag }));
}
