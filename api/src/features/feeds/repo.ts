import { type Database, follows, posts, users } from '@makapix/db';
import { and, arrayContains, desc, eq, inArray, isNull, lt, type SQL, sql } from 'drizzle-orm';
import type { ListRow } from '../posts/present.ts';
import { listColumns } from '../posts/repo.ts';
import {
  inPromotedPrepared,
  inPublicFeeds,
  inPublicFeedsPrepared,
  onProfile,
  preparedViewerValues,
  type Viewer,
} from '../posts/visibility.ts';

// Feed queries: one keyset query over posts (newest first by id), joined to each owner's handle,
// whose condition composes the visibility rules. One round trip per page, no per-row queries.

export interface Page {
  /** Exclusive upper bound from the cursor; null for the first page. */
  beforeId: number | null;
  limit: number;
}

/** Fetches `limit + 1` rows so `pageOf` can tell whether a next page exists. */
async function listArtworks(db: Database, condition: SQL, page: Page): Promise<ListRow[]> {
  return db
    .select(listColumns)
    .from(posts)
    .innerJoin(users, eq(users.id, posts.ownerId))
    .where(and(eq(posts.kind, 'artwork'), condition, page.beforeId === null ? undefined : lt(posts.id, page.beforeId)))
    .orderBy(desc(posts.id))
    .limit(page.limit + 1);
}

/**
 * The recent, promoted and following feeds run as prepared statements: every member's page would
 * otherwise cost drizzle a fresh query build and PostgreSQL a fresh plan (together about a third of
 * the page's CPU). One SQL text serves every viewer (visibility.ts inPublicFeedsPrepared); the
 * cursor's absence is an upper bound past every id. Hashtag pages stay ad hoc: their best plan
 * depends on how rare the tag is, which a generic plan cannot know.
 */
function prepareFeeds(db: Database) {
  const feed = (condition: SQL, name: string) =>
    db
      .select(listColumns)
      .from(posts)
      .innerJoin(users, eq(users.id, posts.ownerId))
      .where(and(eq(posts.kind, 'artwork'), condition, lt(posts.id, sql.placeholder('beforeId'))))
      .orderBy(desc(posts.id))
      .limit(sql.placeholder('limit'))
      .prepare(name);
  const followees = db.select({ id: follows.followeeId }).from(follows).where(eq(follows.followerId, sql.placeholder('viewerId')));
  return {
    recent: feed(inPublicFeedsPrepared(), 'feed_recent'),
    promoted: feed(inPromotedPrepared(), 'feed_promoted'),
    following: feed(and(inPublicFeedsPrepared(), inArray(posts.ownerId, followees))!, 'feed_following'),
  };
}

const preparedFeeds = new WeakMap<Database, ReturnType<typeof prepareFeeds>>();

function runFeed(db: Database, kind: keyof ReturnType<typeof prepareFeeds>, viewer: Viewer, page: Page): Promise<ListRow[]> {
  let feeds = preparedFeeds.get(db);
  if (!feeds) {
    feeds = prepareFeeds(db);
    preparedFeeds.set(db, feeds);
  }
  return feeds[kind].execute({ ...preparedViewerValues(viewer), beforeId: page.beforeId ?? Number.MAX_SAFE_INTEGER, limit: page.limit + 1 });
}

export const recentPosts = (db: Database, viewer: Viewer, page: Page) => runFeed(db, 'recent', viewer, page);

export const promotedPosts = (db: Database, viewer: Viewer, page: Page) => runFeed(db, 'promoted', viewer, page);

export const hashtagPosts = (db: Database, viewer: Viewer, tag: string, page: Page) =>
  listArtworks(db, and(inPublicFeeds(viewer), arrayContains(posts.hashtags, [tag]))!, page);

/** SPEC.md §4 following feed: public posts of the artists the member follows. */
export const followingPosts = (db: Database, viewer: Viewer & { userId: number }, page: Page) => runFeed(db, 'following', viewer, page);

export const profilePosts = (db: Database, viewer: Viewer, ownerId: number, page: Page) => listArtworks(db, onProfile(viewer, ownerId), page);

/** A profile exists while its account is not deleted (visibility of its posts is onProfile's job). */
export async function findProfileUser(db: Database, userId: number): Promise<{ id: number } | null> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .limit(1);
  return row ?? null;
}
