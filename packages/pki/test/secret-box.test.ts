import { describe, expect, it } from 'vitest';
import { SecretDecryptError, decryptSecret, encryptSecret } from '../src/index.ts';

const SECRET = 'a-config-secret-of-enough-entropy-0123456789';
const KEY_PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';

function flipChar(text: string, index: number): string {
  const c = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + c + text.slice(index + 1);
}

describe('encryptSecret / decryptSecret (docs/device-protocol.md §2: device keys encrypted at rest)', () => {
  it('round-trips and never stores the plaintext', () => {
    const boxed = encryptSecret(KEY_PEM, SECRET, 'player-1');
    expect(boxed.startsWith('v1.')).toBe(true);
    expect(boxed.split('.')).toHaveLength(5);
    expect(boxed).not.toContain('PRIVATE KEY');
    expect(decryptSecret(boxed, SECRET, 'player-1')).toBe(KEY_PEM);
  });

  it('uses a fresh salt and nonce every time', () => {
    expect(encryptSecret(KEY_PEM, SECRET)).not.toBe(encryptSecret(KEY_PEM, SECRET));
  });

  it('accepts binary key material', () => {
    const key = Buffer.alloc(32, 7);
    expect(decryptSecret(encryptSecret('x', key), key)).toBe('x');
  });

  it('fails with the wrong key or the wrong context', () => {
    const boxed = encryptSecret(KEY_PEM, SECRET, 'player-1');
    expect(() => decryptSecret(boxed, `${SECRET}!`, 'player-1')).toThrow(SecretDecryptError);
    expect(() => decryptSecret(boxed, SECRET, 'player-2')).toThrow(SecretDecryptError);
  });

  it('detects tampering with the ciphertext, tag, nonce or salt', () => {
    const boxed = encryptSecret(KEY_PEM, SECRET);
    const parts = boxed.split('.');
    for (let part = 1; part < 5; part++) {
      const copy = [...parts];
      copy[part] = flipChar(copy[part] ?? '', 2);
      expect(() => decryptSecret(copy.join('.'), SECRET)).toThrow(SecretDecryptError);
    }
    expect(() => decryptSecret(`v2.${parts.slice(1).join('.')}`, SECRET)).toThrow(/unsupported/);
    expect(() => decryptSecret('v1.a.b', SECRET)).toThrow(SecretDecryptError);
  });

  it('refuses key material too short to be a real secret', () => {
    expect(() => encryptSecret('x', 'short')).toThrow(/at least 16 bytes/);
  });
});
