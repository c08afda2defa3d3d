import { artworkImpressions, artworkViews, type Database, posts, reactions } from '@makapix/db';
import { and, eq, sql } from 'drizzle-orm';
import { viewableByLink, type Viewer } from '../../domain/visibility.ts';

/** The owner of an artwork the viewer may see by direct link; null when they may not. */
export async function findViewableArtworkOwner(db: Database, viewer: Viewer, postId: number): Promise<number | null> {
  const [row] = await db
    .select({ ownerId: posts.ownerId })
    .from(posts)
    .where(and(eq(posts.id, postId), eq(posts.kind, 'artwork'), eq(posts.state, 'ready'), viewableByLink(viewer)))
    .limit(1);
  return row?.ownerId ?? null;
}

/**
 * docs/product.md §4: once per viewer per artwork per UTC day. The unique key
 * (post_id, viewer_key, day) makes this idempotent; true when this call counted the view.
 */
export async function recordView(db: Database, postId: number, viewerKey: string, day: string): Promise<boolean> {
  const rows = await db
    .insert(artworkViews)
    .values({ postId, viewerKey, day })
    .onConflictDoNothing({ target: [artworkViews.postId, artworkViews.viewerKey, artworkViews.day] })
    .returning({ id: artworkViews.id });
  return rows.length === 1;
}

/** Impressions are a plain counter per post per UTC day (docs/product.md §4 "counted separately"). */
export async function recordImpression(db: Database, postId: number, day: string): Promise<void> {
  await db
    .insert(artworkImpressions)
    .values({ postId, day, count: 1 })
    .onConflictDoUpdate({ target: [artworkImpressions.postId, artworkImpressions.day], set: { count: sql`${artworkImpressions.count} + 1` } });
}

export interface DailyStats {
  day: string;
  views: number;
  impressions: number;
  reactions: number;
}

/** One row per UTC day from `from` to `to` inclusive, zero-filled, oldest first. */
export async function dailyStats(db: Database, postId: number, from: string, to: string): Promise<DailyStats[]> {
  // Days are UTC calendar days: the series is of plain timestamps, turned into instants only to
  // bound reactions.created_at, so the session time zone never shifts a day.
  const result = await db.execute<{ day: string; views: number; impressions: number; reactions: number }>(sql`
    select to_char(g.d, 'YYYY-MM-DD') as day,
      (select count(*)::int from ${artworkViews} v where v.post_id = ${postId} and v.day = g.d::date) as views,
      coalesce((select i.count from ${artworkImpressions} i where i.post_id = ${postId} and i.day = g.d::date), 0)::int as impressions,
      (select count(*)::int from ${reactions} r where r.post_id = ${postId}
        and r.created_at >= (g.d at time zone 'UTC') and r.created_at < ((g.d + interval '1 day') at time zone 'UTC')) as reactions
    from generate_series(${from}::date::timestamp, ${to}::date::timestamp, interval '1 day') as g(d)
    order by g.d`);
  return result.rows.map((r) => ({ day: r.day, views: r.views, impressions: r.impressions, reactions: r.reactions }));
}
