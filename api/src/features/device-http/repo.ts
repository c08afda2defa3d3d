import { type Database, posts, users } from '@makapix/db';
import { and, desc, eq, sql } from 'drizzle-orm';
import { inPromoted, VISITOR } from '../../domain/visibility.ts';

export interface PromotedRow {
  id: number;
  storageKey: string | null;
  storageShard: string | null;
  nativeFormat: 'png' | 'gif' | 'webp' | 'bmp' | null;
  createdAt: Date;
  artworkModifiedAt: Date | null;
  width: number | null;
  height: number | null;
  frameCount: number | null;
  ownerHandle: string;
  /** Keyset position: promoted_at as microsecond UTC text (a JS Date would drop microseconds). */
  promotedKey: string;
}

/**
 * docs/device-protocol.md §2: what an unregistered device plays — promoted artworks as a visitor sees them,
 * most recently promoted first. limit + 1 rows, so the caller knows whether there is more.
 */
export async function listPromotedArtworks(db: Database, after: { key: string; id: number } | null, limit: number): Promise<PromotedRow[]> {
  const promotedKey = sql<string>`to_char(${posts.promotedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const rows = await db
    .select({
      id: posts.id,
      storageKey: posts.storageKey,
      storageShard: posts.storageShard,
      nativeFormat: posts.nativeFormat,
      createdAt: posts.createdAt,
      artworkModifiedAt: posts.artworkModifiedAt,
      width: posts.width,
      height: posts.height,
      frameCount: posts.frameCount,
      ownerHandle: users.handle,
      promotedKey: promotedKey.as('promoted_key'),
    })
    .from(posts)
    .innerJoin(users, eq(users.id, posts.ownerId))
    .where(
      and(
        inPromoted(VISITOR),
        eq(posts.kind, 'artwork'),
        after ? sql`(${posts.promotedAt}, ${posts.id}) < (${after.key}::timestamptz, ${after.id})` : undefined,
      ),
    )
    .orderBy(desc(posts.promotedAt), desc(posts.id))
    .limit(limit + 1);
  return rows;
}
