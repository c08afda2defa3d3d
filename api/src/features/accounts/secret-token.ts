import { createHash, randomBytes } from 'node:crypto';

/**
 * Opaque secrets handed to a member (refresh cookie, emailed verification and reset links): 32
 * random bytes as base64url. Only the SHA-256 (hex) is stored (docs/product.md §3), so a database leak
 * yields no usable token; a plain hash suffices because the secret has 256 bits of entropy.
 */
export function newSecretToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSecretToken(token) };
}

export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** base64url of 32 bytes: exactly 43 characters. Anything else cannot be a token we issued. */
export const SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const VERIFY_EMAIL_TTL_MS = 24 * 3600_000;
export const RESET_PASSWORD_TTL_MS = 3600_000;
export const REFRESH_TOKEN_TTL_MS = 7 * 24 * 3600_000;
