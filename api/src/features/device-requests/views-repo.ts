import { artworkImpressions, artworkViews, type Database, deviceViewEvents, posts } from '@makapix/db';
import { and, eq, sql } from 'drizzle-orm';
import { viewableByLink, type Viewer } from '../../domain/visibility.ts';

/**
 * The owner of a ready post the viewer (the player's owner) may open by link, or null — exactly the
 * web's rule for counting a view (features/views: viewableByLink), so a player can never count a
 * view of a post its owner would get 404 for (issue 11 §5).
 */
export async function findViewablePostOwner(db: Database, postId: number, viewer: Viewer): Promise<{ ownerId: number } | null> {
  const [row] = await db
    .select({ ownerId: posts.ownerId })
    .from(posts)
    .where(and(eq(posts.id, postId), eq(posts.state, 'ready'), viewableByLink(viewer)))
    .limit(1);
  return row ?? null;
}

export interface ViewEventRow {
  playerId: number;
  postId: number;
  deviceTimestamp: Date;
  timezone: string | null;
  intent: 'artwork' | 'channel';
  playOrder: number | null;
  channel: string | null;
  channelUserSqid: string | null;
  channelHashtag: string | null;
}

/** UTC calendar day of the server clock: a device's clock decides nothing about counting. */
const utcToday = sql<string>`(now() at time zone 'UTC')::date`;

/**
 * Stores the event and, unless `count` is null, counts it: an Artwork View for `viewerKey` (once per
 * post per UTC day, by the unique key) or one impression. One transaction, so a failure leaves
 * neither, and the device's retry is not mistaken for a duplicate. `stored` is false when the same
 * player + post + device timestamp was already stored (a duplicate, however old).
 */
export async function storeViewEvent(
  db: Database,
  event: ViewEventRow,
  count: { kind: 'artwork'; viewerKey: string } | { kind: 'impression' } | null,
): Promise<{ stored: boolean; counted: boolean }> {
  return db.transaction(async (tx) => {
    const inserted = await tx.insert(deviceViewEvents).values(event).onConflictDoNothing().returning({ id: deviceViewEvents.id });
    if (inserted.length === 0) return { stored: false, counted: false };
    if (count === null) return { stored: true, counted: false };
    if (count.kind === 'artwork') {
      const views = await tx
        .insert(artworkViews)
        .values({ postId: event.postId, viewerKey: count.viewerKey, day: utcToday })
        .onConflictDoNothing()
        .returning({ id: artworkViews.id });
      return { stored: true, counted: views.length > 0 };
    }
    await tx
      .insert(artworkImpressions)
      .values({ postId: event.postId, day: utcToday, count: 1 })
      .onConflictDoUpdate({
        target: [artworkImpressions.postId, artworkImpressions.day],
        set: { count: sql`${artworkImpressions.count} + 1` },
      });
    return { stored: true, counted: true };
  });
}
