import { decryptSecret } from '@makapix/pki';
import type { CredentialsResponse } from '@makapix/protocol';
import { loadCaMaterial } from '@makapix/revocation';
import type { FastifyInstance } from 'fastify';
import { AppError, errors } from '../../errors.ts';
import { clearDeliveredKey, findPlayerByKey, lockPlayer, replaceActiveToken, updatePlayer } from './repo.ts';
import { promotePendingCertificate } from './service.ts';
import { mintDeviceToken } from './tokens.ts';

/*
 * docs/device-protocol.md §2.3 (ours): "the device private key is never stored in plain text (encrypted at rest,
 * or dropped after delivery with the owner able to re-issue)". We do both: the key is stored
 * encrypted while the device may still need to fetch it (the firmware polls and retries), and
 * dropped once the device has connected over mTLS with the certificate it belongs to, which proves
 * it holds the key. From then on the credentials endpoint answers 404 `credentials_delivered`;
 * the owner's re-issue (`POST /api/v1/players/{id}/renew-cert`) stores a new pair to fetch.
 */

function credentialsDelivered(): AppError {
  return new AppError(
    'credentials_delivered',
    'These credentials were delivered and the player has connected with them, so its private key is no longer kept. ' +
      "The player's owner can re-issue its certificate (renew certificate) to make a new pair available here.",
  );
}

/**
 * docs/device-protocol.md §2.3: 404 until registered; then the newest certificate (a pending renewal if there is
 * one) with its key, until the device connects with it; `api_token` only on the first fetch.
 */
export async function deliverCredentials(app: FastifyInstance, playerKey: string): Promise<CredentialsResponse> {
  const found = await findPlayerByKey(app.db, playerKey);
  if (!found || !found.registeredAt || found.deletedAt) throw errors.notFound('Player credentials');
  if (found.certPem && !found.encryptedKeyPem) throw credentialsDelivered();
  const { player, apiToken } = await app.db.transaction(async (tx) => {
    const locked = await lockPlayer(tx, found.id);
    if (!locked || locked.deletedAt) throw errors.notFound('Player credentials');
    if (locked.certPem && !locked.encryptedKeyPem) throw credentialsDelivered();
    if (locked.credentialsDeliveredAt) return { player: locked, apiToken: null };
    const now = new Date();
    const { token, hash } = mintDeviceToken();
    await replaceActiveToken(tx, locked.id, hash, now);
    return { player: await updatePlayer(tx, locked.id, { credentialsDeliveredAt: now }), apiToken: token };
  });
  const certPem = player.pendingCertPem ?? player.certPem;
  if (!certPem || !player.encryptedKeyPem) throw errors.notFound('Player credentials');
  const ca = await loadCaMaterial(app.devicePlane.pki);
  return {
    ca_pem: ca.certPem,
    cert_pem: certPem,
    key_pem: decryptSecret(player.encryptedKeyPem, app.devicePlane.pki.keyEncryptionSecret, player.playerKey),
    broker: app.devicePlane.broker,
    https_api: app.devicePlane.httpsApi,
    api_token: apiToken,
  };
}

/** What the device handlers know of a player when one of its messages arrives. */
export interface CertificateSnapshot {
  playerKey: string;
  certSerial: string | null;
  pendingCertSerial: string | null;
  /** The stored key is still there (it belongs to the pending certificate if any, else the current one). */
  holdsDeviceKey: boolean;
}

/**
 * Called for every device message with the serial its mTLS session authenticated with (the broker
 * puts it in the inbox entry). A message over the pending certificate promotes it (§2.4 (ours)),
 * which drops the key too; a message over the current certificate, with no renewal pending, drops
 * the key of that certificate. Costs nothing once the key is gone (a comparison on the row in hand).
 */
export async function noteCertificateInUse(app: FastifyInstance, player: CertificateSnapshot, serial: string): Promise<void> {
  if (player.pendingCertSerial !== null && player.pendingCertSerial === serial) {
    await promotePendingCertificate(app, player.playerKey, serial);
    return;
  }
  // With a renewal pending, the stored key is the pending certificate's: the device has not used it yet.
  if (!player.holdsDeviceKey || player.pendingCertSerial !== null || player.certSerial !== serial) return;
  if (await clearDeliveredKey(app.db, player.playerKey, serial)) {
    app.log.info({ playerKey: player.playerKey, serial }, 'device connected with its certificate; stored private key dropped');
  }
}
