import { createHash } from 'node:crypto';
import { type DeviceToken, generateDeviceToken } from '@makapix/protocol';

// docs/device-protocol.md §2.6: device tokens are stored only as SHA-256 hashes (hex); the plain token leaves
// the api once, in the response that mints it.

export function hashDeviceToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function mintDeviceToken(): { token: DeviceToken; hash: string } {
  const token = generateDeviceToken();
  return { token, hash: hashDeviceToken(token) };
}
