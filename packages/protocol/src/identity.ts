import { z } from 'zod';
import { opaqueText } from './text.ts';

// docs/device-protocol.md §1: a player is identified by its `player_key`, a lower-case UUID v4 that is also the
// CN of its client certificate and the `{key}` level of every topic it may touch.
export const PLAYER_KEY_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const playerKeySchema = opaqueText()
  .regex(PLAYER_KEY_RE, { error: 'player_key must be a lower-case UUID v4' });
export type PlayerKey = z.infer<typeof playerKeySchema>;

export function isPlayerKey(value: unknown): value is PlayerKey {
  return typeof value === 'string' && PLAYER_KEY_RE.test(value);
}

/** The client id the shipping p3a firmware connects with. */
export function firmwareClientId(key: PlayerKey): string {
  return `p3a-${key}`;
}

/**
 * docs/device-protocol.md §1 (ours): a certificate identity may only use a client id equal to its key or ending
 * in `-{key}`, so one device cannot kick another off the broker by stealing its client id.
 */
export function clientIdMatchesKey(clientId: string, key: string): boolean {
  if (key.length === 0) return false;
  return clientId === key || clientId.endsWith(`-${key}`);
}

// docs/device-protocol.md §1: device bearer token `mpx_live_` + 43 URL-safe characters (32 random bytes, base64url).
export const DEVICE_TOKEN_PREFIX = 'mpx_live_';
export const DEVICE_TOKEN_RE = /^mpx_live_[A-Za-z0-9_-]{43}$/;
export const deviceTokenSchema = z
  .string()
  .regex(DEVICE_TOKEN_RE, { error: 'device token must be mpx_live_ followed by 43 URL-safe characters' });
export type DeviceToken = z.infer<typeof deviceTokenSchema>;

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A fresh device token from 32 cryptographically random bytes (Web Crypto, so it runs anywhere). */
export function generateDeviceToken(): DeviceToken {
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  return `${DEVICE_TOKEN_PREFIX}${base64Url(bytes)}`;
}

/** Extracts the token from an `Authorization: Bearer …` header value, or null. */
export function parseBearerDeviceToken(header: string | undefined | null): DeviceToken | null {
  if (!header) return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  const token = match?.[1];
  return token !== undefined && DEVICE_TOKEN_RE.test(token) ? token : null;
}
