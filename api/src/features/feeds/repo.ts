import { type Database, follows, posts, users } from '@makapix/db';
import { and, arrayContains, desc, eq, inArray, isNull, lt, type SQL } from 'drizzle-orm';
import type { ListRow } from '../posts/present.ts';
import { listColumns } from '../posts/repo.ts';
import { inPromoted, inPublicFeeds, onProfile, type Viewer } from '../posts/visibility.ts';

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

export const recentPosts = (db: Database, viewer: Viewer, page: Page) => listArtworks(db, inPublicFeeds(viewer), page);

export const promotedPosts = (db: Database, viewer: Viewer, page: Page) => listArtworks(db, inPromoted(viewer), page);

export const hashtagPosts = (db: Database, viewer: Viewer, tag: string, page: Page) =>
  listArtworks(db, and(inPublicFeeds(viewer), arrayContains(posts.hashtags, [tag]))!, page);

/** SPEC.md §4 following feed: public posts of the artists the member follows. */
export function followingPosts(db: Database, viewer: Viewer & { userId: number }, page: Page) {
  const followees = db.select({ id: follows.followeeId }).from(follows).where(eq(follows.followerId, viewer.userId));
  return listArtworks(db, and(inPublicFeeds(viewer), inArray(posts.ownerId, followees))!, page);
}

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
