import { constants, createPrivateKey, generateKeyPairSync, type KeyObject, privateEncrypt, randomUUID } from 'node:crypto';
import { type CaMaterial, loadCa, normalizeSerial, randomSerialHex } from '@makapix/pki';
import forge from 'node-forge';

/**
 * Client certificates for a benchmark fleet with the docs/device-protocol.md §2.3 profile (CN = player key, SAN
 * DNS `player-{key}`, clientAuth, SHA-256, RSA-2048). Generating 10,000 RSA keys would take minutes,
 * so every certificate is issued over ONE shared device key pair; the TLS handshake cost per
 * connection is the same as with distinct keys. Forge builds the certificate, the RSA signature is
 * made by Node's native OpenSSL (forge's pure-JS RSA would dominate the run).
 */

export interface FleetPlayer {
  key: string;
  certPem: string;
  serial: string;
  notAfter: string;
}

export interface Fleet {
  /** PKCS#8 PEM of the shared device key. */
  keyPem: string;
  players: FleetPlayer[];
}

/** DER prefix of a PKCS#1 v1.5 DigestInfo for SHA-256 (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');
const VALID_DAYS = 30;
const BACKDATE_MS = 3_600_000;

/** A forge "private key" whose sign() is a native RSA PKCS#1 v1.5 signature over forge's digest. */
function nativeSigner(key: KeyObject): forge.pki.rsa.PrivateKey {
  const signer = {
    sign(md: forge.md.MessageDigest): string {
      const digest = Buffer.from(md.digest().getBytes(), 'binary');
      const padded = Buffer.concat([SHA256_DIGEST_INFO, digest]);
      return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, padded).toString('binary');
    },
  };
  return signer as unknown as forge.pki.rsa.PrivateKey;
}

export function issueFleet(ca: CaMaterial, count: number): Fleet {
  const loaded = loadCa(ca);
  const signer = nativeSigner(createPrivateKey(ca.keyPem));
  const deviceKeys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const publicKey = forge.pki.publicKeyFromPem(deviceKeys.publicKey);
  const notBefore = new Date(Math.floor((Date.now() - BACKDATE_MS) / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + VALID_DAYS * 86_400_000);

  const players: FleetPlayer[] = [];
  for (let i = 0; i < count; i++) {
    const key = randomUUID();
    const cert = forge.pki.createCertificate();
    cert.publicKey = publicKey;
    cert.serialNumber = randomSerialHex();
    cert.validity.notBefore = notBefore;
    cert.validity.notAfter = notAfter;
    cert.setSubject([{ name: 'commonName', value: key }]);
    cert.setIssuer(loaded.cert.subject.attributes);
    cert.setExtensions([
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: `player-${key}` }] },
      { name: 'authorityKeyIdentifier', keyIdentifier: loaded.keyIdentifier },
    ]);
    cert.sign(signer, forge.md.sha256.create());
    players.push({
      key,
      certPem: forge.pki.certificateToPem(cert),
      serial: normalizeSerial(cert.serialNumber),
      notAfter: notAfter.toISOString(),
    });
  }
  return { keyPem: deviceKeys.privateKey, players };
}
