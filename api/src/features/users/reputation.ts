import { type DbOrTx, reactions, users } from '@makapix/db';
import { and, count, eq, sql } from 'drizzle-orm';

/**
 * Reputation, which sets a member's hourly upload allowance (docs/product.md §2: 4 below 100, 16 from 100,
 * 64 from 500; posts/service.ts uploadAllowanceFor). docs/product.md names the tiers but not how reputation is
 * earned; the rule here is the appreciation a member's work gets from *other* members:
 *
 *   reputation = members who reacted to one of my posts, counted once per post   (× 1)
 *              + members who follow me                                        (× 10)
 *              + my posts a moderator promoted                                (× 20)
 *
 * - A reacting member counts once per post however many emoji they add (≤5), so one friend cannot
 *   quintuple it; the artist's own reactions count for nothing.
 * - Each term is applied as a delta in the same transaction as the reaction, follow or promotion
 *   it stems from, and taken back by the removal (unreact, unfollow, a block removing follows,
 *   unpromote), so it is O(1) per action rather than a recount over every post of the artist.
 * - It never drops below 0 (reputation set by hand, e.g. the demo seed, may predate these deltas).
 * - What a post earned stays when the post is deleted: its reactions and promotion can no longer be
 *   taken back, and deleting one's work is not a penalty.
 *
 * So 100 (16/h) is, e.g., ten followers or a hundred members' reactions; 500 (64/h) an established
 * artist with a following, several promoted posts and hundreds of appreciations.
 */
export const REPUTATION_POINTS = {
  reactingMember: 1,
  follower: 10,
  promotedPost: 20,
} as const;

/** Adds `delta` (negative to take points back) to the member's reputation, never below 0. */
export async function adjustReputation(db: DbOrTx, userId: number, delta: number): Promise<void> {
  if (delta === 0) return;
  await db
    .update(users)
    .set({ reputation: sql`greatest(0, ${users.reputation} + ${delta})` })
    .where(eq(users.id, userId));
}

/**
 * How many emoji the member has on the post. Call it after taking the per member-and-post lock
 * (`lockMemberPostReactions`, or the insert trigger that takes the same one), so the "first" and
 * "last" reaction it decides are not raced by a concurrent add or remove.
 */
export async function countMemberReactions(db: DbOrTx, input: { userId: number; postId: number }): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(reactions)
    .where(and(eq(reactions.userId, input.userId), eq(reactions.postId, input.postId)));
  return row?.n ?? 0;
}

/** The transaction-scoped lock the `reactions_per_member_limit` trigger takes (drizzle/0002), same key. */
export async function lockMemberPostReactions(db: DbOrTx, input: { userId: number; postId: number }): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`reactions:${input.userId}:${input.postId}`}, 0))`);
}
