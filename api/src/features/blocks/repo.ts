import { blocks, type Database, follows, users } from '@makapix/db';
import { and, desc, eq, or, sql } from 'drizzle-orm';
import { adjustReputation, REPUTATION_POINTS } from '../users/reputation.ts';
import { memberRefColumns, type MemberRefRow, type TimeCursor } from '../../domain/social.ts';

/** docs/product.md §4: a block in either direction refuses comments, reactions and follows between the two. */
export async function isBlockedEitherWay(db: Database, a: number, b: number): Promise<boolean> {
  const [row] = await db
    .select({ one: sql<number>`1` })
    .from(blocks)
    .where(or(and(eq(blocks.blockerId, a), eq(blocks.blockedId, b)), and(eq(blocks.blockerId, b), eq(blocks.blockedId, a))))
    .limit(1);
  return row !== undefined;
}

/**
 * Blocks and removes follows both ways in one transaction, so no half-applied block is ever seen;
 * each removed follow takes back its followee's reputation (users/reputation.ts) in it too.
 */
export async function insertBlock(db: Database, blockerId: number, blockedId: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insert(blocks).values({ blockerId, blockedId }).onConflictDoNothing();
    const removed = await tx
      .delete(follows)
      .where(
        or(
          and(eq(follows.followerId, blockerId), eq(follows.followeeId, blockedId)),
          and(eq(follows.followerId, blockedId), eq(follows.followeeId, blockerId)),
        ),
      )
      .returning({ followeeId: follows.followeeId });
    // Ascending ids: two blocks between the same pair lock the users rows in the same order.
    for (const followeeId of removed.map((r) => r.followeeId).sort((a, b) => a - b)) {
      await adjustReputation(tx, followeeId, -REPUTATION_POINTS.follower);
    }
  });
}

export async function deleteBlock(db: Database, blockerId: number, blockedId: number): Promise<void> {
  await db.delete(blocks).where(and(eq(blocks.blockerId, blockerId), eq(blocks.blockedId, blockedId)));
}

export interface BlockRow {
  member: MemberRefRow;
  blockedAt: Date;
  /** created_at in PostgreSQL's text form, for the keyset cursor. */
  cursorTime: string;
}

/** The blocker's list, newest block first, keyset on (created_at, blocked_id). */
export async function listBlocks(db: Database, blockerId: number, limit: number, after: TimeCursor | null): Promise<BlockRow[]> {
  const rows = await db
    .select({ member: memberRefColumns, blockedAt: blocks.createdAt, cursorTime: sql<string>`${blocks.createdAt}::text` })
    .from(blocks)
    .innerJoin(users, eq(users.id, blocks.blockedId))
    .where(
      and(
        eq(blocks.blockerId, blockerId),
        after ? sql`(${blocks.createdAt}, ${blocks.blockedId}) < (${after.t}::timestamptz, ${after.id})` : undefined,
      ),
    )
    .orderBy(desc(blocks.createdAt), desc(blocks.blockedId))
    .limit(limit + 1);
  return rows;
}
