import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface RsaKeyPair {
  /** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), the format docs/device-protocol.md §2 hands to devices. */
  privateKeyPem: string;
  publicKeyPem: string;
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
}

/**
 * RSA-2048 keys come from Node's native OpenSSL: forge's pure-JS prime search takes seconds per key,
 * which would dominate provisioning cost. Forge only receives the finished key to sign certificates.
 */
export function generateRsaKeyPair(modulusLength = 2048): RsaKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    privateKeyPem: privateKey,
    publicKeyPem: publicKey,
    privateKey: forge.pki.privateKeyFromPem(privateKey),
    publicKey: forge.pki.publicKeyFromPem(publicKey),
  };
}

/**
 * A positive serial with 126 bits of randomness (RFC 5280 §4.1.2.2 caps serials at 20 octets; CA/B
 * guidance asks for ≥64 random bits). The first byte is forced into 0x40–0x7f so the DER INTEGER is
 * positive and minimal, and every serial has the same 32-hex-digit form.
 */
export function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x40;
  return bytes.toString('hex');
}

/**
 * Canonical serial text used everywhere in the platform (DB rows, CRL input and output, certInfo):
 * lower-case hex of the unsigned integer with leading zero bytes removed, even length.
 */
export function normalizeSerial(serial: string): string {
  const hex = serial.replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex)) throw new Error(`invalid certificate serial: ${serial}`);
  let even = hex.length % 2 === 1 ? `0${hex}` : hex;
  while (even.length > 2 && even.startsWith('00')) even = even.slice(2);
  if (/^0+$/.test(even)) throw new Error('certificate serial must be positive');
  return even;
}

/** DER INTEGER content bytes (forge binary string) for a positive serial: a 0x00 pad keeps it positive. */
export function serialToDerBytes(serial: string): string {
  const hex = normalizeSerial(serial);
  const padded = parseInt(hex.slice(0, 2), 16) >= 0x80 ? `00${hex}` : hex;
  return forge.util.hexToBytes(padded);
}

/** Whole seconds: X.509 times carry no fractions, so comparisons against parsed certs stay exact. */
export function truncateToSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

export const DAY_MS = 86_400_000;
