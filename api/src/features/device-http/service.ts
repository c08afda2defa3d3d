import {
  decodeCursor,
  encodeCursor,
  type PromotedFeedField,
  type PromotedFeedItem,
  type PromotedFeedQuery,
  type PromotedFeedResponse,
} from '@makapix/protocol';
import { artUrl } from '@makapix/vault';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../../errors.ts';
import { listPromotedArtworks, type PromotedRow } from './repo.ts';

const cursorSchema = z.object({ p: z.string().max(40), i: z.int().positive() });

function fullItem(row: PromotedRow, vaultBaseUrl: string): Record<PromotedFeedField, unknown> {
  return {
    id: row.id,
    storage_key: row.storageKey,
    storage_shard: row.storageShard,
    native_format: row.nativeFormat,
    art_url: row.storageKey && row.nativeFormat ? artUrl(vaultBaseUrl, row.storageKey, row.nativeFormat) : null,
    created_at: row.createdAt.toISOString(),
    artwork_modified_at: row.artworkModifiedAt?.toISOString() ?? null,
    width: row.width,
    height: row.height,
    frame_count: row.frameCount,
    owner_handle: row.ownerHandle,
  };
}

/**
 * `GET /api/feed/promoted` (docs/device-protocol.md §2): the requested fields only, nulls omitted, and a cursor
 * the firmware can paste into the next URL as is (base64url).
 */
export async function promotedFeed(app: FastifyInstance, query: PromotedFeedQuery, vaultBaseUrl: string): Promise<PromotedFeedResponse> {
  let after: { key: string; id: number } | null = null;
  if (query.cursor !== undefined) {
    const cursor = decodeCursor(query.cursor, cursorSchema);
    if (!cursor) throw errors.validation([{ path: 'querystring.cursor', message: 'not a valid cursor' }]);
    after = { key: cursor.p, id: cursor.i };
  }
  const rows = await listPromotedArtworks(app.db, after, query.limit);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const items = page.map((row) => {
    const full = fullItem(row, vaultBaseUrl);
    const item: Record<string, unknown> = {};
    for (const field of query.fields) if (full[field] !== null && full[field] !== undefined) item[field] = full[field];
    return item as PromotedFeedItem;
  });
  return { items, next_cursor: rows.length > query.limit && last ? encodeCursor({ p: last.promotedKey, i: last.id }) : null };
}
