import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deviceArtworkUrl, deviceExtension, shownArtworkUrl, vaultBaseOf } from '../src/vault-path.ts';

// An independent re-statement of the firmware's rule (docs/device-protocol.md §8), to check the shared one.
function firmwarePath(storageKey: string, ext: string): string {
  const d = createHash('sha256').update(storageKey).digest();
  const hex = (b: number) => (b & 0x3f).toString(16).padStart(2, '0');
  return `${hex(d[0]!)}/${hex(d[1]!)}/${storageKey}.${ext}`;
}

describe('vault path derivation as the p3a does it', () => {
  const key = '0b7e2c9a-4c1d-4f7e-9a51-2d3c4b5a6e7f';

  it('derives two shard levels from SHA-256 of the storage key, masked to 0x3F', () => {
    const url = deviceArtworkUrl('http://localhost:8080/vault/', key, 'png');
    expect(url).toBe(`http://localhost:8080/vault/${firmwarePath(key, 'png')}`);
    const [a, b] = url.split('/vault/')[1]!.split('/');
    expect(parseInt(a!, 16)).toBeLessThanOrEqual(0x3f);
    expect(parseInt(b!, 16)).toBeLessThanOrEqual(0x3f);
  });

  it('agrees with the firmware rule for many keys', () => {
    for (let i = 0; i < 200; i++) {
      const k = crypto.randomUUID();
      expect(deviceArtworkUrl('https://v.example', k, 'gif')).toBe(`https://v.example/${firmwarePath(k, 'gif')}`);
    }
  });

  it('plays png, gif and webp natively and fetches the .webp rendition of anything else', () => {
    expect(deviceExtension('png')).toBe('png');
    expect(deviceExtension('gif')).toBe('gif');
    expect(deviceExtension('webp')).toBe('webp');
    expect(deviceExtension('bmp')).toBe('webp');
    expect(deviceArtworkUrl('https://v.example', key, 'bmp')).toBe(`https://v.example/${firmwarePath(key, 'webp')}`);
  });

  it('uses the canonical three-level shard for show_artwork and reads the vault base of an art_url', () => {
    const shard = createHash('sha256').update(key).digest('hex').slice(0, 6);
    const url = shownArtworkUrl('https://v.example/vault', key, 'png');
    expect(url).toBe(`https://v.example/vault/${shard.slice(0, 2)}/${shard.slice(2, 4)}/${shard.slice(4, 6)}/${key}.png`);
    expect(vaultBaseOf(url)).toBe('https://v.example/vault');
    expect(vaultBaseOf('https://v.example/elsewhere.png')).toBeNull();
  });
});
