import { PERMANENT_BAN_UNTIL, players, refreshTokens } from '@makapix/db';
import { publishKick } from '@makapix/protocol';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { errors } from '../errors.ts';
import { insertAudit } from '../features/moderation/audit-repo.ts';
import { clearMemberBan, type DbOrTx, type ModMemberRow, setMemberBan } from '../features/moderation/repo.ts';
import { loadActionableMember, notifyMember } from '../features/moderation/service.ts';
import type { AuthUser } from '../plugins/auth.ts';

// docs/product.md §1: bans are enforced on web, API and MQTT at once. Spans accounts (the user row and its
// refresh tokens), players (their live MQTT sessions) and moderation (audit, notification):
// - web/API: plugins/auth.ts re-reads users.banned_until on every authenticated request, and open
//   SSE streams (authenticated once, at connect) are ended within 2 s by plugins/live-streams.ts;
// - refresh tokens are revoked so no new session can be minted after the ban ends by an old cookie;
// - MQTT: docs/device-protocol.md §1 (ours) — every live session of the member's players is cut within 2 s
//   through the broker kick channel, and the broker refuses them at CONNECT while the ban lasts.

export interface BanInput {
  /** End of the ban; null or absent = permanent. */
  until?: Date | null;
  reason: string;
}

/** Revokes every live refresh token of the member; resolves to how many were revoked. */
async function revokeRefreshTokens(db: DbOrTx, userId: number): Promise<number> {
  const rows = await db
    .update(refreshTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)))
    .returning({ id: refreshTokens.id });
  return rows.length;
}

async function listPlayerKeys(db: DbOrTx, ownerId: number): Promise<string[]> {
  const rows = await db
    .select({ key: players.playerKey })
    .from(players)
    .where(and(eq(players.ownerId, ownerId), isNull(players.deletedAt)));
  return rows.map((r) => r.key);
}

export async function banMember(app: FastifyInstance, actor: AuthUser, userId: number, input: BanInput): Promise<ModMemberRow> {
  const until = input.until ?? PERMANENT_BAN_UNTIL;
  if (until <= new Date()) throw errors.badRequest('ban_until_past', 'A ban must end in the future');
  if (until > PERMANENT_BAN_UNTIL) throw errors.badRequest('ban_until_too_late', `A ban ends at the latest at ${PERMANENT_BAN_UNTIL.toISOString()}`);
  const permanent = until.getTime() === PERMANENT_BAN_UNTIL.getTime();

  const { member, playerKeys } = await app.db.transaction(async (tx) => {
    await loadActionableMember(tx, actor, userId);
    const banned = await setMemberBan(tx, userId, until, input.reason);
    if (!banned) throw errors.notFound('Member');
    const refreshTokensRevoked = await revokeRefreshTokens(tx, userId);
    await insertAudit(tx, {
      actorId: actor.id,
      action: 'user.ban',
      targetType: 'user',
      targetId: userId,
      details: { until: until.toISOString(), permanent, reason: input.reason, refreshTokensRevoked },
    });
    return { member: banned, playerKeys: await listPlayerKeys(tx, userId) };
  });

  // After the commit, so a broker re-checking the owner on a reconnect already sees the ban, and so
  // does every api process re-checking the member's open SSE streams (plugins/live-streams.ts).
  await Promise.all([...playerKeys.map((key) => publishKick(app.redis, key, 'owner_banned')), app.liveStreams.revalidateMember(userId)]);
  app.log.info({ userId, players: playerKeys.length, until: until.toISOString() }, 'member banned');
  await notifyMember(app, actor, { recipientId: userId, type: 'moderation', action: 'user.ban', details: { until: until.toISOString(), permanent, reason: input.reason } });
  return member;
}

/** Lifts a ban (temporary or permanent). Players reconnect on their own once it is lifted. */
export async function unbanMember(app: FastifyInstance, actor: AuthUser, userId: number): Promise<ModMemberRow> {
  const { member, changed } = await app.db.transaction(async (tx) => {
    const current = await loadActionableMember(tx, actor, userId);
    const cleared = await clearMemberBan(tx, userId);
    if (!cleared) return { member: current, changed: false };
    await insertAudit(tx, {
      actorId: actor.id,
      action: 'user.unban',
      targetType: 'user',
      targetId: userId,
      details: { previousUntil: current.bannedUntil?.toISOString() ?? null, previousReason: current.banReason },
    });
    return { member: cleared, changed: true };
  });
  if (changed) await notifyMember(app, actor, { recipientId: userId, type: 'moderation', action: 'user.unban' });
  return member;
}
