import { players } from '@makapix/db';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { defineJob } from '../registry.ts';

/**
 * SPEC.md §6 / PROTOCOL.md §4: a player that sent no status for `staleAfterMs` (3 minutes) is
 * offline. One UPDATE, so it is idempotent and safe to run from several workers at once.
 */
export const markStalePlayersOfflineJob = defineJob('mark-stale-players-offline', async ({ staleAfterMs }, ctx) => {
  const cutoff = sql`now() - make_interval(secs => ${staleAfterMs / 1000})`;
  const rows = await ctx.db
    .update(players)
    .set({ status: 'offline' })
    .where(and(eq(players.status, 'online'), or(isNull(players.lastSeenAt), lt(players.lastSeenAt, cutoff))))
    .returning({ playerKey: players.playerKey });
  if (rows.length > 0) ctx.log.info({ count: rows.length, players: rows.map((r) => r.playerKey) }, 'stale players marked offline');
  return { markedOffline: rows.length };
});
