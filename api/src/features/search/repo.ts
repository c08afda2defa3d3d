import { blocks, type Database, posts, users } from '@makapix/db';
import { and, arrayContains, asc, desc, eq, gt, ilike, isNull, lt, or, sql } from 'drizzle-orm';
import type { ListRow } from '../../domain/post-summary.ts';
import { listColumns } from '../../domain/post-summary.ts';
import { inPublicFeeds, isArtwork, type Viewer } from '../../domain/visibility.ts';

// docs/product.md §1 search. `ILIKE '%…%'` is served by the pg_trgm GIN indexes on posts.title and
// users.handle_canonical (3+ characters); shorter queries still work, by scan.
//
// Planned per execution on purpose (issue 14; feeds/repo.ts prepares the feeds instead): the best
// plan depends on the text. A rare fragment wants the trigram index then a sort of its few matches;
// a common one wants the id index walked backwards until a page is found. A generic plan knows
// neither and, picked wrongly, walks the whole table for a rare word. The constants are literals
// all the same (domain/visibility.ts), so each custom plan may use the partial feed index.

/** A LIKE pattern matching `text` anywhere, with the LIKE wildcards in it taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Artworks in public feeds whose title contains the text or that carry it as a hashtag. */
export async function searchArtworks(
  db: Database,
  viewer: Viewer,
  q: { text: string; hashtag: string },
  page: { beforeId: number | null; limit: number },
): Promise<ListRow[]> {
  const matches = q.hashtag === '' ? ilike(posts.title, containsPattern(q.text)) : or(ilike(posts.title, containsPattern(q.text)), arrayContains(posts.hashtags, [q.hashtag]));
  return db
    .select(listColumns)
    .from(posts)
    .innerJoin(users, eq(users.id, posts.ownerId))
    .where(and(isArtwork, inPublicFeeds(viewer), matches, page.beforeId === null ? undefined : lt(posts.id, page.beforeId)))
    .orderBy(desc(posts.id))
    .limit(page.limit + 1);
}

export interface ArtistRow {
  id: number;
  handle: string;
  handleCanonical: string;
  avatarUrl: string | null;
}

/**
 * Members whose handle contains the text, alphabetically. Deleted, deactivated, hidden and banned
 * members are left out, and so are members the viewer blocked (docs/product.md §4).
 */
export async function searchArtists(
  db: Database,
  viewer: Viewer,
  text: string,
  page: { after: string | null; limit: number },
): Promise<ArtistRow[]> {
  const notBlocked =
    viewer.userId === null ? undefined : sql`not exists (select 1 from ${blocks} b where b.blocker_id = ${viewer.userId} and b.blocked_id = ${users.id})`;
  return db
    .select({ id: users.id, handle: users.handle, handleCanonical: users.handleCanonical, avatarUrl: users.avatarUrl })
    .from(users)
    .where(
      and(
        ilike(users.handleCanonical, containsPattern(text)),
        isNull(users.deletedAt),
        isNull(users.deactivatedAt),
        isNull(users.hiddenAt),
        sql`(${users.bannedUntil} is null or ${users.bannedUntil} <= now())`,
        notBlocked,
        page.after === null ? undefined : gt(users.handleCanonical, page.after),
      ),
    )
    .orderBy(asc(users.handleCanonical))
    .limit(page.limit + 1);
}

/** Hashtags containing the text, over the posts the viewer may see in public feeds, with counts. */
export async function searchHashtags(
  db: Database,
  viewer: Viewer,
  text: string,
  page: { after: string | null; limit: number },
): Promise<{ tag: string; postCount: number }[]> {
  const result = await db.execute<{ tag: string; post_count: number }>(sql`
    select t.tag, count(*)::int as post_count
    from ${posts} cross join lateral unnest(${posts.hashtags}) as t(tag)
    where ${posts.kind} = 'artwork' and ${inPublicFeeds(viewer)} and t.tag like ${containsPattern(text)}
      ${page.after === null ? sql`` : sql`and t.tag > ${page.after}`}
    group by t.tag
    order by t.tag
    limit ${page.limit + 1}`);
  return result.rows.map((r) => ({ tag: r.tag, postCount: r.post_count }));
}
