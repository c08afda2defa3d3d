import { publishKick } from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import { errors } from '../errors.ts';
import { lockPlayer, revokeActiveTokens, updatePlayer } from '../features/players/repo.ts';
import { requireOwnedPlayer, revokeSerials } from '../features/players/service.ts';

/**
 * docs/product.md §1 "delete (revokes its certificate and kicks it)": soft-deletes the player, revokes every
 * certificate serial it holds (CRL re-signed), revokes its device token, drops the stored key, and
 * asks the brokers to close its live session (docs/device-protocol.md §1 (ours): within 2 seconds).
 */
export async function deletePlayer(app: FastifyInstance, ownerId: number, playerId: string): Promise<void> {
  const player = await requireOwnedPlayer(app.db, ownerId, playerId);
  const serials = await app.db.transaction(async (tx) => {
    const locked = await lockPlayer(tx, player.id);
    if (!locked || locked.deletedAt) throw errors.notFound('Player');
    const now = new Date();
    await updatePlayer(tx, locked.id, { deletedAt: now, status: 'offline', encryptedKeyPem: null, registrationCode: null });
    await revokeActiveTokens(tx, locked.id, now);
    return [locked.certSerial, locked.pendingCertSerial];
  });
  await revokeSerials(app, player, serials, 'player_deleted', null);
  await publishKick(app.redis, player.playerKey, 'player_deleted');
  app.log.info({ playerKey: player.playerKey, ownerId }, 'player deleted');
}
