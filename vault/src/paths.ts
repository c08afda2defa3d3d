import { createHash } from 'node:crypto';

/**
 * The one module that knows vault layouts (docs/architecture.md §3.9, docs/device-protocol.md §8).
 * Both layouts share one tree: canonical files sit three directories deep, device aliases two deep,
 * so a name never means both, and parseArtworkPath tells them apart by depth.
 *
 * Every path is `{hex shard}/{storage key}{suffix}.{ext}`; the storage key and extension are the only
 * caller-supplied parts, so strict validation of those two rules out path traversal.
 */

/** Lower-case hyphenated UUID (any version: seeded artworks predate our v4 minting). */
const STORAGE_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** docs/product.md §2: the formats the vault holds. */
export const VAULT_EXTS = ['png', 'gif', 'webp', 'bmp'] as const;
export type VaultExt = (typeof VAULT_EXTS)[number];

export class VaultPathError extends Error {
  override readonly name = 'VaultPathError';
}

export function isStorageKey(value: unknown): value is string {
  return typeof value === 'string' && STORAGE_KEY.test(value);
}

export function assertStorageKey(value: unknown): asserts value is string {
  if (!isStorageKey(value)) throw new VaultPathError(`invalid storage key: ${JSON.stringify(value)}`);
}

export function isVaultExt(value: unknown): value is VaultExt {
  return typeof value === 'string' && (VAULT_EXTS as readonly string[]).includes(value);
}

export function assertVaultExt(value: unknown): asserts value is VaultExt {
  if (!isVaultExt(value)) throw new VaultPathError(`invalid vault extension: ${JSON.stringify(value)}`);
}

function digest(storageKey: string): Buffer {
  assertStorageKey(storageKey);
  return createHash('sha256').update(storageKey, 'utf8').digest();
}

// A feed page builds two URLs per post, each hashing its storage key; the shard is a pure function
// of the key, so it is memoized (bounded: cleared when full, as a crawler can walk every post).
const SHARD_MEMO_LIMIT = 50_000;
const shardMemo = new Map<string, string>();

/** docs/device-protocol.md §8 canonical shard: first 6 hex chars of SHA-256(storage_key), split `h1/h2/h3`. */
export function storageShard(storageKey: string): string {
  let shard = shardMemo.get(storageKey);
  if (shard === undefined) {
    const hex = digest(storageKey).subarray(0, 3).toString('hex');
    shard = `${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex.slice(4, 6)}`;
    if (shardMemo.size >= SHARD_MEMO_LIMIT) shardMemo.clear();
    shardMemo.set(storageKey, shard);
  }
  return shard;
}

/** docs/device-protocol.md §8 device alias, as the p3a firmware derives it: `d[0] & 0x3F` / `d[1] & 0x3F` in hex. */
export function deviceAliasShard(storageKey: string): string {
  const d = digest(storageKey);
  const hex2 = (byte: number | undefined) => ((byte ?? 0) & 0x3f).toString(16).padStart(2, '0');
  return `${hex2(d[0])}/${hex2(d[1])}`;
}

/** docs/product.md §2: the nearest-neighbour preview, always WebP. */
export function upscaledName(storageKey: string): string {
  assertStorageKey(storageKey);
  return `${storageKey}_upscaled.webp`;
}

function fileName(storageKey: string, ext: VaultExt): string {
  assertStorageKey(storageKey);
  assertVaultExt(ext);
  return `${storageKey}.${ext}`;
}

export function canonicalPath(storageKey: string, ext: VaultExt): string {
  return `${storageShard(storageKey)}/${fileName(storageKey, ext)}`;
}

export function aliasPath(storageKey: string, ext: VaultExt): string {
  return `${deviceAliasShard(storageKey)}/${fileName(storageKey, ext)}`;
}

export function upscaledPath(storageKey: string): string {
  return `${storageShard(storageKey)}/${upscaledName(storageKey)}`;
}

export function upscaledAliasPath(storageKey: string): string {
  return `${deviceAliasShard(storageKey)}/${upscaledName(storageKey)}`;
}

/** docs/device-protocol.md §8: `art_url` = `{VAULT_PUBLIC_BASE_URL}/{storage_shard}/{storage_key}.{ext}`. */
export function artUrl(baseUrl: string, storageKey: string, ext: VaultExt): string {
  return `${baseUrl.replace(/\/+$/, '')}/${canonicalPath(storageKey, ext)}`;
}

export function upscaledUrl(baseUrl: string, storageKey: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${upscaledPath(storageKey)}`;
}

export interface ArtworkPathInfo {
  storageKey: string;
  ext: VaultExt;
  upscaled: boolean;
  layout: 'canonical' | 'alias';
}

const FILE_NAME = /^([0-9a-f-]{36})(_upscaled)?\.([a-z]+)$/;

/**
 * Reads a vault-relative path back (for the integrity sweep). Null unless the path is exactly what
 * this module would build for that key, shard included, so stray files are easy to report.
 */
export function parseArtworkPath(relPath: string): ArtworkPathInfo | null {
  const segments = relPath.split('/');
  const match = FILE_NAME.exec(segments[segments.length - 1] ?? '');
  if (!match) return null;
  const [, storageKey, upscaledMark, ext] = match;
  if (!isStorageKey(storageKey) || !isVaultExt(ext)) return null;
  const upscaled = upscaledMark !== undefined;
  if (upscaled && ext !== 'webp') return null;
  const layout = segments.length === 4 ? 'canonical' : segments.length === 3 ? 'alias' : null;
  if (!layout) return null;
  const expected =
    layout === 'canonical'
      ? upscaled ? upscaledPath(storageKey) : canonicalPath(storageKey, ext)
      : upscaled ? upscaledAliasPath(storageKey) : aliasPath(storageKey, ext);
  return expected === relPath ? { storageKey, ext, upscaled, layout } : null;
}
