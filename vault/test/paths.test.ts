import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  VAULT_EXTS,
  VaultPathError,
  aliasPath,
  artUrl,
  canonicalPath,
  deviceAliasShard,
  parseArtworkPath,
  storageShard,
  upscaledAliasPath,
  upscaledName,
  upscaledPath,
  upscaledUrl,
} from '../src/index.ts';

// Literal expectations computed once with `sha256sum`-equivalent hashing; the independent computation
// below catches a wrong literal, the literals catch a regression that changes both sides alike.
const VECTORS = [
  { key: '00000000-0000-4000-8000-000000000000', shard: 'db/80/55', alias: '1b/00' },
  { key: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', shard: '16/36/2f', alias: '16/36' },
  { key: 'c9bf9e57-1685-4c89-bafb-ff5af830be8a', shard: 'a4/89/1d', alias: '24/09' },
] as const;

function independentShard(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return [hex.slice(0, 2), hex.slice(2, 4), hex.slice(4, 6)].join('/');
}

function independentAlias(key: string): string {
  const d = createHash('sha256').update(key).digest();
  return [d[0], d[1]].map((b) => ((b as number) % 64).toString(16).padStart(2, '0')).join('/');
}

describe('storageShard (docs/device-protocol.md §8 canonical layout)', () => {
  it.each(VECTORS)('$key → $shard', ({ key, shard }) => {
    expect(independentShard(key)).toBe(shard);
    expect(storageShard(key)).toBe(shard);
  });
});

describe('deviceAliasShard (docs/device-protocol.md §8 p3a alias)', () => {
  it.each(VECTORS)('$key → $alias', ({ key, alias }) => {
    expect(independentAlias(key)).toBe(alias);
    expect(deviceAliasShard(key)).toBe(alias);
  });

  it('masks each byte to 6 bits: 0xdb 0x80 become 1b 00', () => {
    const d = createHash('sha256').update(VECTORS[0].key).digest();
    expect([d[0], d[1]]).toEqual([0xdb, 0x80]);
    expect(deviceAliasShard(VECTORS[0].key)).toBe('1b/00');
  });

  it('stays within 00–3f for many keys', () => {
    for (let i = 0; i < 256; i++) {
      const key = `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
      const [a, b] = deviceAliasShard(key).split('/').map((part) => parseInt(part, 16));
      expect(a).toBeLessThanOrEqual(0x3f);
      expect(b).toBeLessThanOrEqual(0x3f);
      expect(deviceAliasShard(key)).toMatch(/^[0-3][0-9a-f]\/[0-3][0-9a-f]$/);
    }
  });
});

describe('paths and URLs', () => {
  const key = VECTORS[2].key;

  it('builds canonical, alias and upscaled paths', () => {
    expect(canonicalPath(key, 'png')).toBe(`a4/89/1d/${key}.png`);
    expect(aliasPath(key, 'gif')).toBe(`24/09/${key}.gif`);
    expect(upscaledName(key)).toBe(`${key}_upscaled.webp`);
    expect(upscaledPath(key)).toBe(`a4/89/1d/${key}_upscaled.webp`);
    expect(upscaledAliasPath(key)).toBe(`24/09/${key}_upscaled.webp`);
  });

  it('builds art_url from the public base, with or without a trailing slash', () => {
    expect(artUrl('https://cdn.example/vault', key, 'webp')).toBe(`https://cdn.example/vault/a4/89/1d/${key}.webp`);
    expect(artUrl('http://localhost:8080/vault//', key, 'bmp')).toBe(`http://localhost:8080/vault/a4/89/1d/${key}.bmp`);
    expect(upscaledUrl('https://x/v/', key)).toBe(`https://x/v/a4/89/1d/${key}_upscaled.webp`);
  });

  it('rejects anything but a lower-case hyphenated UUID', () => {
    const bad = [
      key.toUpperCase(),
      key.replace(/-/g, ''),
      `${key}\n`,
      `../${key}`,
      '../../etc/passwd',
      `${key.slice(0, -1)}/`,
      '',
      `${key}.png`,
    ];
    for (const candidate of bad) {
      expect(() => storageShard(candidate)).toThrow(VaultPathError);
      expect(() => canonicalPath(candidate, 'png')).toThrow(VaultPathError);
      expect(() => aliasPath(candidate, 'png')).toThrow(VaultPathError);
      expect(() => upscaledName(candidate)).toThrow(VaultPathError);
    }
  });

  it('accepts only png, gif, webp and bmp', () => {
    expect([...VAULT_EXTS]).toEqual(['png', 'gif', 'webp', 'bmp']);
    for (const ext of ['jpg', 'PNG', '', 'png/../x', 'webp ', 'svg']) {
      expect(() => canonicalPath(key, ext as 'png')).toThrow(VaultPathError);
      expect(() => aliasPath(key, ext as 'png')).toThrow(VaultPathError);
      expect(() => artUrl('https://x', key, ext as 'png')).toThrow(VaultPathError);
    }
  });
});

describe('parseArtworkPath', () => {
  const key = VECTORS[1].key;

  it('reads back every path this module builds', () => {
    expect(parseArtworkPath(canonicalPath(key, 'gif'))).toEqual({ storageKey: key, ext: 'gif', upscaled: false, layout: 'canonical' });
    expect(parseArtworkPath(aliasPath(key, 'png'))).toEqual({ storageKey: key, ext: 'png', upscaled: false, layout: 'alias' });
    expect(parseArtworkPath(upscaledPath(key))).toEqual({ storageKey: key, ext: 'webp', upscaled: true, layout: 'canonical' });
    expect(parseArtworkPath(upscaledAliasPath(key))).toEqual({ storageKey: key, ext: 'webp', upscaled: true, layout: 'alias' });
  });

  it('rejects paths in the wrong shard or of the wrong shape', () => {
    expect(parseArtworkPath(`00/00/00/${key}.png`)).toBeNull();
    expect(parseArtworkPath(`00/00/${key}.png`)).toBeNull();
    expect(parseArtworkPath(`16/36/2f/${key}_upscaled.png`)).toBeNull();
    expect(parseArtworkPath(`16/36/2f/${key}.jpg`)).toBeNull();
    expect(parseArtworkPath(`16/${key}.png`)).toBeNull();
    expect(parseArtworkPath('16/36/2f/readme.txt')).toBeNull();
  });
});
