import { players } from '@makapix/db';
import { playerStatusEvent, publishPlayerEvent } from '@makapix/protocol';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { defineJob } from '../registry.ts';

/**
 * docs/product.md §6 / docs/device-protocol.md §4: a player that sent no status for `staleAfterMs` (3 minutes) is
 * offline. One UPDATE, so it is idempotent and safe to run from several workers at once (a row is
 * changed, and so announced, by one of them only).
 *
 * docs/product.md §5: owners see status changes live. Each player it turns offline is announced on its
 * owner's player-events channel with the same `status` event the api's status handler publishes,
 * so the owner's open SSE stream shows it. An event that cannot be published is logged, not
 * retried: the row is already offline, and the owner's next page load shows it.
 */
export const markStalePlayersOfflineJob = defineJob('mark-stale-players-offline', async ({ staleAfterMs }, ctx) => {
  const cutoff = sql`now() - make_interval(secs => ${staleAfterMs / 1000})`;
  const rows = await ctx.db
    .update(players)
    .set({ status: 'offline' })
    .where(and(eq(players.status, 'online'), or(isNull(players.lastSeenAt), lt(players.lastSeenAt, cutoff))))
    .returning({
      playerKey: players.playerKey,
      ownerId: players.ownerId,
      registered: sql<boolean>`${players.registeredAt} is not null`,
      deleted: sql<boolean>`${players.deletedAt} is not null`,
      status: players.status,
      currentPostId: players.currentPostId,
      firmwareVersion: players.firmwareVersion,
      lastSeenAt: players.lastSeenAt,
    });
  if (rows.length === 0) return { markedOffline: 0, announced: 0 };
  ctx.log.info({ count: rows.length, players: rows.map((r) => r.playerKey) }, 'stale players marked offline');

  const now = new Date();
  // Only players an owner can see (registered, not deleted) appear in an owner's stream.
  const owned = rows.filter((r): r is typeof r & { ownerId: number } => r.ownerId !== null && r.registered && !r.deleted);
  const results = await Promise.allSettled(owned.map((r) => publishPlayerEvent(ctx.redis, r.ownerId, playerStatusEvent(r.playerKey, r, now))));
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length > 0) {
    ctx.log.warn({ failed: failed.length, err: (failed[0] as PromiseRejectedResult).reason }, 'could not announce some stale players to their owners');
  }
  return { markedOffline: rows.length, announced: owned.length - failed.length };
});
