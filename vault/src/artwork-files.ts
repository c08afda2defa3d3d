import {
  type VaultExt,
  VaultPathError,
  aliasPath,
  assertStorageKey,
  assertVaultExt,
  canonicalPath,
  upscaledAliasPath,
  upscaledPath,
} from './paths.ts';
import type { VaultStore } from './store.ts';

export interface ArtworkFile {
  ext: VaultExt;
  bytes: Uint8Array;
  /** The `_upscaled.webp` preview (docs/product.md §2); only valid with ext `webp`. */
  upscaled?: boolean;
}

/** Both names of one file: the canonical path first, then the p3a device alias (docs/device-protocol.md §8). */
function pathsFor(storageKey: string, ext: VaultExt, upscaled: boolean): [string, string] {
  return upscaled
    ? [upscaledPath(storageKey), upscaledAliasPath(storageKey)]
    : [canonicalPath(storageKey, ext), aliasPath(storageKey, ext)];
}

/**
 * Writes every rendition of one artwork, all or nothing (docs/product.md §2: "a failure leaves no files").
 *
 * The device alias is a second atomic write of the same bytes rather than a hard link: links exist
 * only on local disk, while the VaultStore contract must hold for S3-compatible buckets too, and
 * artworks are at most 5 MiB (usually a few KiB), so the duplicate bytes cost little. Each name is
 * then an independent, immutable object that the integrity sweep re-hashes on its own.
 *
 * Returns the relative paths written.
 */
export async function writeArtworkFiles(
  store: VaultStore,
  storageKey: string,
  files: readonly ArtworkFile[],
): Promise<string[]> {
  assertStorageKey(storageKey);
  const plan: { path: string; bytes: Uint8Array }[] = [];
  const seen = new Set<string>();
  // Validate everything before the first write, so bad input never needs a rollback.
  for (const file of files) {
    assertVaultExt(file.ext);
    const upscaled = file.upscaled === true;
    if (upscaled && file.ext !== 'webp') throw new VaultPathError('the upscaled preview must be webp');
    const id = `${file.ext}:${upscaled}`;
    if (seen.has(id)) throw new VaultPathError(`duplicate artwork file: ${id}`);
    seen.add(id);
    for (const path of pathsFor(storageKey, file.ext, upscaled)) plan.push({ path, bytes: file.bytes });
  }

  const written: string[] = [];
  try {
    for (const { path, bytes } of plan) {
      await store.put(path, bytes);
      written.push(path);
    }
  } catch (err) {
    // Best effort in reverse order; the original failure is what the caller (a retried job) needs.
    for (const path of written.reverse()) await store.delete(path).catch(() => false);
    throw err;
  }
  return written;
}

export interface DeleteArtworkOptions {
  /** Also remove the `_upscaled.webp` preview. */
  upscaled?: boolean;
}

/** Removes the listed renditions under both layouts; returns how many files existed and were removed. */
export async function deleteArtworkFiles(
  store: VaultStore,
  storageKey: string,
  exts: readonly VaultExt[],
  options: DeleteArtworkOptions = {},
): Promise<number> {
  assertStorageKey(storageKey);
  exts.forEach((ext) => assertVaultExt(ext));
  const paths = exts.flatMap((ext) => pathsFor(storageKey, ext, false));
  if (options.upscaled) paths.push(...pathsFor(storageKey, 'webp', true));
  let removed = 0;
  for (const path of paths) if (await store.delete(path)) removed++;
  return removed;
}
