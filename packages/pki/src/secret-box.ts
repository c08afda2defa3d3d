import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encryption at rest for device private keys (docs/device-protocol.md §2, "(ours)": never stored in plain text).
 * Format: `v1.<salt>.<iv>.<tag>.<ciphertext>`, each part base64url. A fresh salt per message derives a
 * fresh AES-256-GCM key from the configured secret with HKDF-SHA256, so a nonce is never reused under
 * one key. The version and the caller's context (e.g. the player key) are authenticated as AAD, so a
 * ciphertext moved to another row fails to decrypt.
 */
const VERSION = 'v1';
const INFO = 'makapix/pki/secret-box/v1';
const MIN_SECRET_BYTES = 16;

export class SecretDecryptError extends Error {
  override readonly name = 'SecretDecryptError';
}

function deriveKey(keyMaterial: string | Uint8Array, salt: Buffer): Buffer {
  const ikm = typeof keyMaterial === 'string' ? Buffer.from(keyMaterial, 'utf8') : Buffer.from(keyMaterial);
  // HKDF is right for a high-entropy configured secret; a short one means a misconfiguration.
  if (ikm.length < MIN_SECRET_BYTES) throw new Error(`secret key material must be at least ${MIN_SECRET_BYTES} bytes`);
  return Buffer.from(hkdfSync('sha256', ikm, salt, INFO, 32));
}

function aad(context: string): Buffer {
  return Buffer.from(`${VERSION}\0${context}`, 'utf8');
}

export function encryptSecret(plaintext: string, keyMaterial: string | Uint8Array, context = ''): string {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(keyMaterial, salt), iv);
  cipher.setAAD(aad(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, salt, iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

export function decryptSecret(boxed: string, keyMaterial: string | Uint8Array, context = ''): string {
  const parts = boxed.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretDecryptError('unsupported secret format');
  const [salt, iv, tag, ciphertext] = parts.slice(1).map((p) => Buffer.from(p, 'base64url'));
  if (!salt || salt.length !== 16 || !iv || iv.length !== 12 || !tag || tag.length !== 16 || !ciphertext) {
    throw new SecretDecryptError('malformed secret');
  }
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(keyMaterial, salt), iv, { authTagLength: 16 });
  decipher.setAAD(aad(context));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretDecryptError('secret failed authentication (wrong key, wrong context or tampered)');
  }
}
