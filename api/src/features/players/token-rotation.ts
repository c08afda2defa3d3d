import { auditLog, players, users } from '@makapix/db';
import { isPlayerKey } from '@makapix/protocol';
import { and, eq, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { errors } from '../../errors.ts';
import { type Db, findPlayerByKey, lockPlayer, replaceActiveToken, updatePlayer } from './repo.ts';
import { requireOwnedPlayer } from './service.ts';
import { mintDeviceToken } from './tokens.ts';

/** Who rotated a player's device token, as the player's audit history records it. */
export type TokenRotationActor =
  | { kind: 'device'; playerId: number; playerKey: string }
  | { kind: 'owner'; userId: number }
  // docs/device-protocol.md §2.5: the firmware's bootstrap, with no credentials but the player key.
  | { kind: 'player_key'; ip: string };

export interface RotatedToken {
  token: string;
  rotatedAt: Date;
}

/** docs/device-protocol.md §2.5–2.6: a new token, the previous one revoked; credentials will not mint another. */
async function rotateDeviceToken(app: FastifyInstance, playerId: number, actor: TokenRotationActor): Promise<RotatedToken> {
  return app.db.transaction(async (tx) => {
    const locked = await lockPlayer(tx, playerId);
    if (!locked || locked.deletedAt || !locked.registeredAt) throw errors.notFound('Player');
    const rotatedAt = new Date();
    const { token, hash } = mintDeviceToken();
    await replaceActiveToken(tx, locked.id, hash, rotatedAt);
    if (!locked.credentialsDeliveredAt) await updatePlayer(tx, locked.id, { credentialsDeliveredAt: rotatedAt });
    await tx.insert(auditLog).values({
      actorId: actor.kind === 'owner' ? actor.userId : null,
      action: 'player.token_rotate',
      targetType: 'player',
      targetId: locked.playerKey,
      details: actor.kind === 'player_key' ? { via: actor.kind, ip: actor.ip } : { via: actor.kind },
    });
    return { token, rotatedAt };
  });
}

/** The owner's rotation from the web app (`POST /api/v1/players/{id}/token/rotate`). */
export async function rotateOwnedPlayerToken(app: FastifyInstance, ownerId: number, playerId: string): Promise<RotatedToken> {
  const player = await requireOwnedPlayer(app.db, ownerId, playerId);
  return rotateDeviceToken(app, player.id, { kind: 'owner', userId: ownerId });
}

/**
 * docs/device-protocol.md §2.5 (ours): the player's current device token or its owner may rotate. A device
 * token of another player is `player_key_mismatch`; a member who is not the owner is `forbidden`.
 */
export async function rotateTokenAs(
  app: FastifyInstance,
  actor: { device: { playerId: number; playerKey: string } | null; userId: number | null },
  playerKey: string,
): Promise<RotatedToken> {
  if (actor.device) {
    if (actor.device.playerKey !== playerKey) throw errors.forbidden('A device may rotate only its own token', 'player_key_mismatch');
    return rotateDeviceToken(app, actor.device.playerId, { kind: 'device', ...actor.device });
  }
  const player = isPlayerKey(playerKey) ? await findPlayerByKey(app.db, playerKey) : null;
  if (!player || !player.registeredAt || player.deletedAt) throw errors.notFound('Player');
  if (actor.userId === null || player.ownerId !== actor.userId) throw errors.forbidden('Only the owner of this player may rotate its token');
  return rotateDeviceToken(app, player.id, { kind: 'owner', userId: actor.userId });
}

/**
 * docs/device-protocol.md §2.5, issue 11 §3: the firmware rotates with no credentials when it has no stored
 * token and whenever renew-cert answers 401/403, and is stranded unless this answers 200. The
 * player key is a 122-bit secret only the device and its owner know, so knowing it is the
 * credential, as on the original server; limited per IP and per player (counted before the
 * look-up, so unknown keys cost the same), logged in the player's audit history, and refused
 * (404, like an unknown key) for a player that is not registered, deleted, or whose owner may not
 * use players (the broker refuses the same at CONNECT).
 */
export async function rotateTokenByPlayerKey(app: FastifyInstance, playerKey: string, ip: string): Promise<RotatedToken> {
  await app.consumeRateLimit('playerTokenBootstrapIp', ip);
  await app.consumeRateLimit('playerTokenBootstrapPlayer', playerKey);
  const playerId = await findBootstrappablePlayer(app.db, playerKey);
  if (playerId === null) throw errors.notFound('Player');
  return rotateDeviceToken(app, playerId, { kind: 'player_key', ip });
}

async function findBootstrappablePlayer(db: Db, playerKey: string): Promise<number | null> {
  const [row] = await db
    .select({ id: players.id })
    .from(players)
    .innerJoin(users, eq(users.id, players.ownerId))
    .where(
      and(
        eq(players.playerKey, playerKey),
        isNotNull(players.registeredAt),
        isNull(players.deletedAt),
        isNull(users.deletedAt),
        isNull(users.deactivatedAt),
        or(isNull(users.bannedUntil), sql`${users.bannedUntil} <= now()`),
      ),
    )
    .limit(1);
  return row?.id ?? null;
}
