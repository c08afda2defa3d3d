import { randomUUID } from 'node:crypto';
import { decryptSecret, encryptSecret, issueClientCert } from '@makapix/pki';
import {
  CERT_RENEWAL_WINDOW_DAYS,
  generateRegistrationCode,
  isPlayerKey,
  type KickReason,
  type ProvisionRequest,
  type ProvisionResponse,
  publishKick,
  REGISTRATION_CODE_TTL_MS,
  type RenewCertResponse,
} from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import { errors } from '../../errors.ts';
import { loadCaMaterial, resignCrl } from '@makapix/revocation';
import { insertRevokedSerials } from './cert-repo.ts';
import { type OwnerPlayer } from '@makapix/protocol';
import { presentPlayer } from './present.ts';
import {
  type Db,
  findOwnedPlayer,
  findPlayerByKey,
  insertProvisionedPlayer,
  isPendingCodeConflict,
  listOwnedPlayers,
  lockPlayer,
  type PlayerRow,
  replaceActiveToken,
  updatePlayer,
} from './repo.ts';
import { mintDeviceToken } from './tokens.ts';

const DAY_MS = 86_400_000;
const PROVISION_ATTEMPTS = 8;

/** docs/device-protocol.md §2.3 (ours): the device key is stored encrypted, bound to its player key. */
export function sealDeviceKey(app: FastifyInstance, playerKey: string, keyPem: string): string {
  return encryptSecret(keyPem, app.devicePlane.pki.keyEncryptionSecret, playerKey);
}

/** docs/device-protocol.md §2.1: a fresh unowned player with a pending code, retried on the rare code collision. */
export async function provisionPlayer(app: FastifyInstance, input: ProvisionRequest): Promise<ProvisionResponse> {
  for (let attempt = 0; attempt < PROVISION_ATTEMPTS; attempt++) {
    const expiresAt = new Date(Date.now() + REGISTRATION_CODE_TTL_MS);
    const code = generateRegistrationCode();
    try {
      const row = await insertProvisionedPlayer(app.db, {
        playerKey: randomUUID(),
        code,
        expiresAt,
        deviceModel: input.device_model ?? null,
        firmwareVersion: input.firmware_version ?? null,
      });
      return {
        player_key: row.playerKey,
        registration_code: code,
        registration_code_expires_at: expiresAt.toISOString(),
        mqtt_broker: app.devicePlane.broker,
        https_api: app.devicePlane.httpsApi,
      };
    } catch (err) {
      if (!isPendingCodeConflict(err)) throw err;
    }
  }
  throw errors.unavailable('Could not allocate a registration code, try again');
}

/**
 * Adds serials to the revocation list, re-signs the CRL (docs/device-protocol.md §2.7: on every revocation) and
 * asks the brokers to cut sessions (after the file is written, so a reconnect meets the new CRL).
 */
export async function revokeSerials(
  app: FastifyInstance,
  player: Pick<PlayerRow, 'id' | 'playerKey'>,
  serials: readonly (string | null)[],
  reason: string,
  kick: { reason: KickReason; perSerial: boolean } | null,
): Promise<void> {
  const list = serials.filter((s): s is string => s !== null);
  if (list.length === 0) return;
  await insertRevokedSerials(app.db, list.map((serial) => ({ serial, playerId: player.id, reason })));
  await resignCrl({ db: app.db, pki: app.devicePlane.pki });
  if (!kick) return;
  if (!kick.perSerial) await publishKick(app.redis, player.playerKey, kick.reason);
  else for (const serial of list) await publishKick(app.redis, player.playerKey, kick.reason, { serial });
}

/**
 * docs/device-protocol.md §2.4. Make-before-break (issue 11 §3): while the player has a certificate the device
 * has not connected with yet (a re-issue or renewal; its key is still stored, sealed), renew-cert
 * hands out exactly that pair again, whatever the renewal window — so a device whose certificate
 * was superseded, or revoked by a re-issue of the previous server, always gets one it can use, and
 * nothing is ever replaced before the device has used it. Otherwise: within 90 days of expiry
 * (also after it), a new certificate is kept pending until the device connects with it
 * (promotePendingCertificate).
 */
export async function renewDeviceCertificate(app: FastifyInstance, playerKey: string): Promise<RenewCertResponse> {
  const found = await findPlayerByKey(app.db, playerKey);
  if (!found || found.deletedAt) throw errors.notFound('Player');
  const ca = await loadCaMaterial(app.devicePlane.pki);
  if (found.encryptedKeyPem) return unusedPair(app, found, ca.certPem);
  const opensAt = found.certNotAfter ? new Date(found.certNotAfter.getTime() - CERT_RENEWAL_WINDOW_DAYS * DAY_MS) : null;
  if (opensAt && opensAt.getTime() > Date.now()) {
    throw errors.badRequest('renewal_too_early', `The certificate can be renewed from ${opensAt.toISOString()} (${CERT_RENEWAL_WINDOW_DAYS} days before it expires)`);
  }
  const cert = issueClientCert({ ca, playerKey });
  const waiting = await app.db.transaction(async (tx) => {
    const locked = await lockPlayer(tx, found.id);
    if (!locked || locked.deletedAt) throw errors.notFound('Player');
    // A concurrent call stored a pair first: hand out that one, never replace it.
    if (locked.encryptedKeyPem) return locked;
    await updatePlayer(tx, locked.id, {
      pendingCertSerial: cert.serial,
      pendingCertNotAfter: cert.notAfter,
      pendingCertPem: cert.certPem,
      encryptedKeyPem: sealDeviceKey(app, playerKey, cert.keyPem),
    });
    return null;
  });
  if (waiting) return unusedPair(app, waiting, ca.certPem);
  return {
    cert_pem: cert.certPem,
    key_pem: cert.keyPem,
    ca_pem: ca.certPem,
    cert_expires_at: cert.notAfter.toISOString(),
    message: 'Certificate renewed. Reconnect with the new certificate; the previous one is revoked once you do.',
  };
}

/** The newest certificate (pending, else current) with its stored key: the one the device has not used yet. */
function unusedPair(app: FastifyInstance, row: PlayerRow, caPem: string): RenewCertResponse {
  const certPem = row.pendingCertPem ?? row.certPem;
  const notAfter = row.pendingCertPem ? row.pendingCertNotAfter : row.certNotAfter;
  if (!certPem || !notAfter || !row.encryptedKeyPem) throw errors.notFound('Player certificate');
  return {
    cert_pem: certPem,
    key_pem: decryptSecret(row.encryptedKeyPem, app.devicePlane.pki.keyEncryptionSecret, row.playerKey),
    ca_pem: caPem,
    cert_expires_at: notAfter.toISOString(),
    message: 'This player has a newer certificate than the one you used. Reconnect with it; the previous one is revoked once you do.',
  };
}

/**
 * docs/device-protocol.md §2.4 (ours): called by the device handlers when a message arrives whose session
 * certificate is the player's pending one. Makes it current and revokes the previous serial (CRL
 * re-signed, sessions on the old serial cut). The device holds the new key now, so the stored copy
 * is dropped (docs/device-protocol.md §2.3 (ours)). Resolves true when it promoted, false otherwise.
 */
export async function promotePendingCertificate(app: FastifyInstance, playerKey: string, serial: string): Promise<boolean> {
  if (!isPlayerKey(playerKey)) return false;
  const found = await findPlayerByKey(app.db, playerKey);
  if (!found || found.deletedAt || found.pendingCertSerial !== serial.toLowerCase()) return false;
  const previous = await app.db.transaction(async (tx) => {
    const locked = await lockPlayer(tx, found.id);
    if (!locked || locked.deletedAt || locked.pendingCertSerial !== serial.toLowerCase()) return undefined;
    await updatePlayer(tx, locked.id, {
      certSerial: locked.pendingCertSerial,
      certNotAfter: locked.pendingCertNotAfter,
      certPem: locked.pendingCertPem,
      pendingCertSerial: null,
      pendingCertNotAfter: null,
      pendingCertPem: null,
      encryptedKeyPem: null,
    });
    return locked.certSerial;
  });
  if (previous === undefined) return false;
  await revokeSerials(app, found, [previous], 'renewed', { reason: 'certificate_revoked', perSerial: true });
  app.log.info({ playerKey, serial, previous }, 'renewed certificate in use; previous serial revoked');
  return true;
}

export async function requireOwnedPlayer(db: Db, ownerId: number, playerId: string): Promise<PlayerRow> {
  const player = isPlayerKey(playerId) ? await findOwnedPlayer(db, ownerId, playerId) : null;
  if (!player) throw errors.notFound('Player');
  return player;
}

export async function listPlayers(app: FastifyInstance, ownerId: number): Promise<OwnerPlayer[]> {
  const now = new Date();
  return (await listOwnedPlayers(app.db, ownerId)).map((row) => presentPlayer(row, app.publicId, now));
}

export async function getPlayer(app: FastifyInstance, ownerId: number, playerId: string): Promise<OwnerPlayer> {
  return presentPlayer(await requireOwnedPlayer(app.db, ownerId, playerId), app.publicId);
}

export async function renamePlayer(app: FastifyInstance, ownerId: number, playerId: string, name: string): Promise<OwnerPlayer> {
  const player = await requireOwnedPlayer(app.db, ownerId, playerId);
  return presentPlayer(await updatePlayer(app.db, player.id, { name }), app.publicId);
}

/**
 * Owner re-issue (docs/product.md §1 "renew its certificate"), make-before-break (issue 11 §3): a new pair
 * is stored as the pending certificate and nothing the device holds is revoked — its session stays
 * up. The device gets the new pair from `GET /api/player/{key}/credentials` or, as the shipping
 * firmware does, from renew-cert with its token (whatever the window, renewDeviceCertificate); the
 * previous serial is revoked once it connects with the new one. While a re-issued or renewed pair
 * is still unused, re-issuing again keeps it (the device may already have it).
 */
export async function reissueCertificate(app: FastifyInstance, ownerId: number, playerId: string): Promise<OwnerPlayer> {
  const player = await requireOwnedPlayer(app.db, ownerId, playerId);
  if (player.pendingCertSerial) return presentPlayer(player, app.publicId);
  const cert = issueClientCert({ ca: await loadCaMaterial(app.devicePlane.pki), playerKey: player.playerKey });
  const row = await app.db.transaction(async (tx) => {
    const locked = await lockPlayer(tx, player.id);
    if (!locked || locked.deletedAt) throw errors.notFound('Player');
    if (locked.pendingCertSerial) return locked;
    return updatePlayer(tx, locked.id, {
      pendingCertSerial: cert.serial,
      pendingCertNotAfter: cert.notAfter,
      pendingCertPem: cert.certPem,
      encryptedKeyPem: sealDeviceKey(app, locked.playerKey, cert.keyPem),
    });
  });
  return presentPlayer(row, app.publicId);
}
