import { createHash, timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { normalizeSerial } from '@makapix/pki';
import { clientIdMatchesKey, isPlayerKey } from '@makapix/protocol';
import type { Identity } from './acl.ts';
import type { AccessDecision } from './player-access.ts';

/** MQTT 3.1.1 CONNACK return codes (Aedes maps them to the MQTT 5 reason codes 0x85–0x88). */
export const ReturnCode = {
  IDENTIFIER_REJECTED: 2,
  SERVER_UNAVAILABLE: 3,
  BAD_USERNAME_OR_PASSWORD: 4,
  NOT_AUTHORIZED: 5,
} as const;
export type RejectCode = (typeof ReturnCode)[keyof typeof ReturnCode];

export type AuthOutcome = { ok: true; identity: Identity } | { ok: false; returnCode: RejectCode; reason: string };

const reject = (returnCode: RejectCode, reason: string): AuthOutcome => ({ ok: false, returnCode, reason });

export interface PeerCertificateIdentity {
  playerKey: string;
  certSerial: string;
}

/**
 * docs/device-protocol.md §1: a player is its client certificate. The TLS layer has already verified the chain
 * against the platform CA and the CRL (rejectUnauthorized); this reads CN = player key and the serial.
 */
export function peerCertificateIdentity(socket: TLSSocket): PeerCertificateIdentity | { error: string } {
  // Read at preConnect and again at authenticate: decode the certificate once per socket.
  let identity = peerIdentities.get(socket);
  if (identity === undefined) {
    identity = readPeerIdentity(socket);
    peerIdentities.set(socket, identity);
  }
  return identity;
}

const peerIdentities = new WeakMap<TLSSocket, PeerCertificateIdentity | { error: string }>();

function readPeerIdentity(socket: TLSSocket): PeerCertificateIdentity | { error: string } {
  if (!socket.authorized) return { error: `client certificate not authorized: ${String(socket.authorizationError)}` };
  // The X509Certificate view reads only the fields asked for; getPeerCertificate() would build a
  // whole object (fingerprints, modulus, extensions) for every connection.
  const cert = socket.getPeerX509Certificate();
  if (!cert) return { error: 'no client certificate' };
  const cns = cert.subject.split('\n').filter((line) => line.startsWith('CN='));
  const cn = cns[0]?.slice('CN='.length);
  // A certificate with several CNs is ambiguous; ours always carry exactly one.
  if (cns.length !== 1 || cn === undefined || !isPlayerKey(cn)) return { error: 'certificate CN is not a player key' };
  try {
    return { playerKey: cn, certSerial: normalizeSerial(cert.serialNumber) };
  } catch {
    return { error: 'certificate serial is malformed' };
  }
}

export interface DeviceAuthDeps {
  isRevokedInCrl(serial: string): boolean;
  checkAccess(playerKey: string, serial: string): Promise<AccessDecision>;
}

/**
 * The CONNECT decision for a certificate identity (docs/device-protocol.md §1): the client id must be the key or
 * end in `-{key}` (identifier rejected otherwise, so no device can take over another's session), the
 * serial must not be in the CRL, and the player / owner must still be eligible in the database.
 */
export async function authenticateDevice(
  peer: PeerCertificateIdentity,
  clientId: string,
  deps: DeviceAuthDeps,
): Promise<AuthOutcome> {
  if (!clientIdMatchesKey(clientId, peer.playerKey)) return reject(ReturnCode.IDENTIFIER_REJECTED, 'client id does not match certificate');
  if (deps.isRevokedInCrl(peer.certSerial)) return reject(ReturnCode.NOT_AUTHORIZED, 'certificate_revoked');
  let access: AccessDecision;
  try {
    access = await deps.checkAccess(peer.playerKey, peer.certSerial);
  } catch (err) {
    // Fail closed, but say "server unavailable": the device should retry later, not give up.
    return reject(ReturnCode.SERVER_UNAVAILABLE, `access check failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!access.allowed) return reject(ReturnCode.NOT_AUTHORIZED, access.reason);
  return { ok: true, identity: { kind: 'player', playerKey: peer.playerKey, certSerial: peer.certSerial } };
}

const digest = (value: Buffer | string) => createHash('sha256').update(value).digest();

/** Constant-time comparison of a presented secret (hashing first equalises the lengths). */
export function secretEquals(presented: Buffer | string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

export interface ServiceAccount {
  username: string;
  password: string;
}

/** docs/device-protocol.md §1: platform services authenticate on the internal listener with username/password. */
export function authenticateService(
  account: ServiceAccount,
  username: string | undefined,
  password: Buffer | undefined,
): AuthOutcome {
  const userOk = secretEquals(username, account.username);
  const passOk = secretEquals(password, account.password);
  if (!userOk || !passOk) return reject(ReturnCode.BAD_USERNAME_OR_PASSWORD, 'bad service credentials');
  return { ok: true, identity: { kind: 'service', username: account.username } };
}
