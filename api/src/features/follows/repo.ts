import { type Database, follows, users } from '@makapix/db';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { adjustReputation, REPUTATION_POINTS } from '../users/reputation.ts';
import { memberRefColumns, type MemberRefRow, type TimeCursor } from '../../domain/social.ts';

export interface MemberState {
  id: number;
  hiddenAt: Date | null;
  deletedAt: Date | null;
  deactivatedAt: Date | null;
}

export async function findMember(db: Database, id: number): Promise<MemberState | null> {
  const [row] = await db
    .select({ id: users.id, hiddenAt: users.hiddenAt, deletedAt: users.deletedAt, deactivatedAt: users.deactivatedAt })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return row ?? null;
}

/**
 * True when the row is new (a repeated follow changes nothing and notifies no one). A new follower
 * earns the followee reputation in the same transaction (users/reputation.ts).
 */
export async function insertFollow(db: Database, followerId: number, followeeId: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.insert(follows).values({ followerId, followeeId }).onConflictDoNothing().returning({ at: follows.createdAt });
    if (rows.length === 0) return false;
    await adjustReputation(tx, followeeId, REPUTATION_POINTS.follower);
    return true;
  });
}

/** Removes the follow and, if there was one, takes back the followee's reputation for it. */
export async function deleteFollow(db: Database, followerId: number, followeeId: number): Promise<void> {
  await db.transaction(async (tx) => {
    const rows = await tx
      .delete(follows)
      .where(and(eq(follows.followerId, followerId), eq(follows.followeeId, followeeId)))
      .returning({ followeeId: follows.followeeId });
    if (rows.length > 0) await adjustReputation(tx, followeeId, -REPUTATION_POINTS.follower);
  });
}

export async function isFollowing(db: Database, followerId: number, followeeId: number): Promise<boolean> {
  const [row] = await db
    .select({ one: sql<number>`1` })
    .from(follows)
    .where(and(eq(follows.followerId, followerId), eq(follows.followeeId, followeeId)))
    .limit(1);
  return row !== undefined;
}

export interface FollowRow {
  member: MemberRefRow;
  followedAt: Date;
  cursorTime: string;
}

/** Members gone from the site (deleted, deactivated, hidden by a moderator) drop out of the lists. */
const listed = and(isNull(users.deletedAt), isNull(users.deactivatedAt), isNull(users.hiddenAt));

/**
 * One side of the follow graph, newest first, keyset on (created_at, other member's id).
 * `direction` 'followers' lists who follows `userId`; 'following' whom `userId` follows.
 */
export async function listFollows(
  db: Database,
  direction: 'followers' | 'following',
  userId: number,
  limit: number,
  after: TimeCursor | null,
): Promise<FollowRow[]> {
  const [self, other] = direction === 'followers' ? [follows.followeeId, follows.followerId] : [follows.followerId, follows.followeeId];
  return db
    .select({ member: memberRefColumns, followedAt: follows.createdAt, cursorTime: sql<string>`${follows.createdAt}::text` })
    .from(follows)
    .innerJoin(users, eq(users.id, other))
    .where(and(eq(self, userId), listed, after ? sql`(${follows.createdAt}, ${other}) < (${after.t}::timestamptz, ${after.id})` : undefined))
    .orderBy(desc(follows.createdAt), desc(other))
    .limit(limit + 1);
}
