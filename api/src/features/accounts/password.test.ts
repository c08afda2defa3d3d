import { describe, expect, it } from 'vitest';
import { passwordSchema } from '@makapix/protocol';
import { hashPassword, needsRehash, SCRYPT_PARAMS, verifyPassword } from './password.ts';

describe('password KDF (docs/product.md §3)', () => {
  it('stores a self-describing scrypt string and verifies only the right password', async () => {
    const stored = await hashPassword('pixels4ever');
    const [kdf, n, r, p, salt, key] = stored.split('$');
    expect([kdf, Number(n), Number(r), Number(p)]).toEqual(['scrypt', SCRYPT_PARAMS.N, SCRYPT_PARAMS.r, SCRYPT_PARAMS.p]);
    expect(Buffer.from(salt ?? '', 'base64url')).toHaveLength(16);
    expect(Buffer.from(key ?? '', 'base64url')).toHaveLength(32);
    expect(await verifyPassword('pixels4ever', stored)).toBe(true);
    expect(await verifyPassword('pixels4evex', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('pixels4ever')).not.toBe(await hashPassword('pixels4ever'));
  });

  it('verifies hashes made with other (older) parameters and flags them for re-hashing', async () => {
    const current = await hashPassword('pixels4ever');
    expect(needsRehash(current)).toBe(false);
    // The same password hashed with N=2^14: still valid, but due for an upgrade.
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.from('0123456789abcdef');
    const older = ['scrypt', 2 ** 14, 8, 1, salt.toString('base64url'), scryptSync('pixels4ever', salt, 32, { N: 2 ** 14, r: 8, p: 1 }).toString('base64url')].join('$');
    expect(await verifyPassword('pixels4ever', older)).toBe(true);
    expect(needsRehash(older)).toBe(true);
  });

  it('refuses malformed or absurd stored hashes instead of throwing', async () => {
    for (const bad of ['', 'bcrypt$x', 'scrypt$3$8$1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA', `scrypt$${2 ** 24}$8$1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA`]) {
      expect(await verifyPassword('pixels4ever', bad)).toBe(false);
      expect(needsRehash(bad)).toBe(true);
    }
  });

  it('requires 8+ characters with a letter and a digit', () => {
    expect(passwordSchema.safeParse('pixels4ever').success).toBe(true);
    expect(passwordSchema.safeParse('ünïcödé9').success).toBe(true);
    for (const weak of ['pix4', 'onlyletters', '1234567890', '']) expect(passwordSchema.safeParse(weak).success).toBe(false);
  });
});
