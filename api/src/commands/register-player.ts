import { issueClientCert } from '@makapix/pki';
import { MAX_PLAYERS_PER_USER, type RegisterRequest } from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import { errors } from '../errors.ts';
import { loadCaMaterial } from '@makapix/revocation';
import { type OwnerPlayer } from '@makapix/protocol';
import { presentPlayer } from '../features/players/present.ts';
import { countOwnedPlayers, lockPendingByCode, lockUser, updatePlayer } from '../features/players/repo.ts';
import { sealDeviceKey } from '../features/players/service.ts';

/**
 * docs/device-protocol.md §2.2: binds a provisioned player to the member who typed its code, marks it registered
 * and issues its client certificate (key stored encrypted). One transaction: the member row is locked
 * so two registrations cannot both pass the 128-player limit, and the code row is locked so one code
 * registers once (the loser sees it as used: 404).
 */
export async function registerPlayer(app: FastifyInstance, ownerId: number, input: RegisterRequest): Promise<OwnerPlayer> {
  const ca = await loadCaMaterial(app.devicePlane.pki);
  const row = await app.db.transaction(async (tx) => {
    await lockUser(tx, ownerId);
    const pending = await lockPendingByCode(tx, input.registration_code);
    if (!pending) throw errors.notFound('Registration code', 'registration_code_invalid');
    if ((await countOwnedPlayers(tx, ownerId)) >= MAX_PLAYERS_PER_USER) {
      throw errors.conflict('player_limit_reached', `A member can have at most ${MAX_PLAYERS_PER_USER} players`);
    }
    const cert = issueClientCert({ ca, playerKey: pending.playerKey });
    return updatePlayer(tx, pending.id, {
      ownerId,
      name: input.name,
      registeredAt: new Date(),
      registrationCode: null,
      registrationCodeExpiresAt: null,
      certSerial: cert.serial,
      certNotAfter: cert.notAfter,
      certPem: cert.certPem,
      encryptedKeyPem: sealDeviceKey(app, pending.playerKey, cert.keyPem),
    });
  });
  app.log.info({ playerKey: row.playerKey, ownerId }, 'player registered');
  return presentPlayer(row, app.publicId);
}
