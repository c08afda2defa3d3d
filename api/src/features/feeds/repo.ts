import { type Database, follows, limitBucket, LIMIT_BUCKETS, type LimitBucket, literalLimit, posts, preparedPerDb, users } from '@makapix/db';
import { and, arrayContains, desc, eq, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { ListRow } from '../../domain/post-summary.ts';
import { listColumns } from '../../domain/post-summary.ts';
import {
  inPromotedPrepared,
  inPublicFeeds,
  inPublicFeedsPrepared,
  isArtwork,
  onProfilePrepared,
  preparedViewerValues,
  type Viewer,
} from '../../domain/visibility.ts';

// Feed queries: one keyset query over posts (newest first by id), joined to each owner's handle,
// whose condition composes the visibility rules. One round trip per page, no per-row queries.

export interface Page {
  /** Exclusive upper bound from the cursor; null for the first page. */
  beforeId: number | null;
  limit: number;
}

const beforeCursor = lt(posts.id, sql.placeholder('beforeId'));

/**
 * The recent, promoted, following and profile feeds run as named prepared statements whose plan
 * PostgreSQL keeps (a generic plan after five executions; domain/generic-plans.int.test.ts): one
 * viewer-independent SQL text per feed (the viewer's block and hidden-tag values are placeholders,
 * domain/visibility.ts), every constant a literal, and a literal LIMIT per page-size bucket
 * (packages/db/src/prepared.ts), so the plan walks `posts_public_feed_idx` (or `posts_owner_idx`)
 * backwards and stops after one page. The cursor's absence is an upper bound past every id.
 * Hashtag pages stay ad hoc: their best plan depends on how rare the tag is (a GIN bitmap for a
 * rare tag, the id index for a common one), which a generic plan cannot know.
 */
const prepareFeed = (db: Database, condition: SQL, name: string, bucket: LimitBucket) =>
  db
    .select(listColumns)
    .from(posts)
    .innerJoin(users, eq(users.id, posts.ownerId))
    .where(and(isArtwork, condition, beforeCursor))
    .orderBy(desc(posts.id))
    // One row past the bucket tells whether a next page exists.
    .limit(literalLimit(bucket + 1))
    .prepare(`${name}_${bucket}`);

function prepareFeeds(db: Database) {
  const statements = (condition: SQL, name: string) =>
    Object.fromEntries(LIMIT_BUCKETS.map((bucket) => [bucket, prepareFeed(db, condition, name, bucket)])) as Record<LimitBucket, ReturnType<typeof prepareFeed>>;
  const followees = db.select({ id: follows.followeeId }).from(follows).where(eq(follows.followerId, sql.placeholder('viewerId')));
  return {
    recent: statements(inPublicFeedsPrepared(), 'feed_recent'),
    promoted: statements(inPromotedPrepared(), 'feed_promoted'),
    following: statements(and(inPublicFeedsPrepared(), inArray(posts.ownerId, followees))!, 'feed_following'),
    profile: statements(onProfilePrepared(false), 'feed_profile'),
    ownProfile: statements(onProfilePrepared(true), 'feed_own_profile'),
  };
}

const preparedFeeds = preparedPerDb(prepareFeeds);
type Feed = keyof ReturnType<typeof prepareFeeds>;

/** Fetches `limit + 1` rows (so `pageOf` can tell whether a next page exists) through the page size's bucket. */
async function runFeed(db: Database, feed: Feed, viewer: Viewer, page: Page, extra: Record<string, unknown> = {}): Promise<ListRow[]> {
  const bucket = limitBucket(page.limit);
  const rows = await preparedFeeds(db)[feed][bucket].execute({
    ...preparedViewerValues(viewer),
    ...extra,
    beforeId: page.beforeId ?? Number.MAX_SAFE_INTEGER,
  });
  return rows.length > page.limit + 1 ? rows.slice(0, page.limit + 1) : rows;
}

export const recentPosts = (db: Database, viewer: Viewer, page: Page) => runFeed(db, 'recent', viewer, page);

export const promotedPosts = (db: Database, viewer: Viewer, page: Page) => runFeed(db, 'promoted', viewer, page);

export const hashtagPosts = (db: Database, viewer: Viewer, tag: string, page: Page): Promise<ListRow[]> =>
  db
    .select(listColumns)
    .from(posts)
    .innerJoin(users, eq(users.id, posts.ownerId))
    .where(and(isArtwork, inPublicFeeds(viewer), arrayContains(posts.hashtags, [tag]), page.beforeId === null ? undefined : lt(posts.id, page.beforeId)))
    .orderBy(desc(posts.id))
    .limit(page.limit + 1);

/** docs/product.md §4 following feed: public posts of the artists the member follows. */
export const followingPosts = (db: Database, viewer: Viewer & { userId: number }, page: Page) => runFeed(db, 'following', viewer, page);

/** An artist's profile (domain/visibility.ts onProfile): the artist's own view, or everyone else's. */
export const profilePosts = (db: Database, viewer: Viewer, ownerId: number, page: Page) =>
  runFeed(db, viewer.userId === ownerId ? 'ownProfile' : 'profile', viewer, page, { ownerId });

const profileUser = preparedPerDb((db: Database) =>
  db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, sql.placeholder('userId')), sql`${users.deletedAt} is null`))
    .limit(literalLimit(1))
    .prepare('feed_profile_user'),
);

/** A profile exists while its account is not deleted (visibility of its posts is onProfile's job). */
export async function findProfileUser(db: Database, userId: number): Promise<{ id: number } | null> {
  const [row] = await profileUser(db).execute({ userId });
  return row ?? null;
}
