import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LocalVaultStore,
  VaultPathError,
  type VaultStore,
  aliasPath,
  canonicalPath,
  deleteArtworkFiles,
  upscaledAliasPath,
  upscaledPath,
  writeArtworkFiles,
} from '../src/index.ts';

const KEY = 'c9bf9e57-1685-4c89-bafb-ff5af830be8a';
let root: string;
let store: LocalVaultStore;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vault-art-'));
  store = new LocalVaultStore(root);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function files(): Promise<string[]> {
  const out: string[] = [];
  for await (const path of store.list()) out.push(path);
  return out.sort();
}

/** Delegates to the real store but fails the Nth put, as a full disk or crashed bucket would. */
function failingOnPut(inner: VaultStore, failAt: number): VaultStore {
  let puts = 0;
  return {
    put: async (path, bytes) => {
      puts++;
      if (puts === failAt) throw new Error(`injected failure on put ${puts}`);
      await inner.put(path, bytes);
    },
    get: (path) => inner.get(path),
    exists: (path) => inner.exists(path),
    delete: (path) => inner.delete(path),
    list: (prefix) => inner.list(prefix),
    stat: (path) => inner.stat(path),
    sweepTempFiles: (olderThanMs) => inner.sweepTempFiles(olderThanMs),
  };
}

describe('writeArtworkFiles', () => {
  it('writes each rendition at its canonical path and its device alias path (docs/device-protocol.md §8)', async () => {
    const written = await writeArtworkFiles(store, KEY, [
      { ext: 'png', bytes: Buffer.from('png-bytes') },
      { ext: 'webp', bytes: Buffer.from('webp-bytes') },
      { ext: 'webp', bytes: Buffer.from('preview'), upscaled: true },
    ]);
    const expected = [
      canonicalPath(KEY, 'png'),
      aliasPath(KEY, 'png'),
      canonicalPath(KEY, 'webp'),
      aliasPath(KEY, 'webp'),
      upscaledPath(KEY),
      upscaledAliasPath(KEY),
    ];
    expect(written).toEqual(expected);
    expect(await files()).toEqual([...expected].sort());
    expect(Buffer.from((await store.get(aliasPath(KEY, 'png'))) ?? []).toString()).toBe('png-bytes');
    expect(Buffer.from((await store.get(`24/09/${KEY}_upscaled.webp`)) ?? []).toString()).toBe('preview');
  });

  it('is all or nothing: a failing third put removes the two files already written', async () => {
    const err = await writeArtworkFiles(failingOnPut(store, 3), KEY, [
      { ext: 'png', bytes: Buffer.from('a') },
      { ext: 'gif', bytes: Buffer.from('b') },
      { ext: 'bmp', bytes: Buffer.from('c') },
    ]).catch((e: unknown) => e);
    expect((err as Error).message).toBe('injected failure on put 3');
    expect(await files()).toEqual([]);
    const onDisk = await readdir(root, { recursive: true });
    expect(onDisk.filter((entry) => String(entry).includes('.tmp'))).toEqual([]);
  });

  it('validates every file before writing any', async () => {
    await expect(
      writeArtworkFiles(store, KEY, [{ ext: 'png', bytes: Buffer.from('a') }, { ext: 'jpg' as 'png', bytes: Buffer.from('b') }]),
    ).rejects.toBeInstanceOf(VaultPathError);
    await expect(
      writeArtworkFiles(store, KEY, [{ ext: 'png', bytes: Buffer.from('a') }, { ext: 'png', bytes: Buffer.from('b') }]),
    ).rejects.toThrow(/duplicate/);
    await expect(
      writeArtworkFiles(store, KEY, [{ ext: 'png', bytes: Buffer.from('a'), upscaled: true }]),
    ).rejects.toThrow(/must be webp/);
    await expect(writeArtworkFiles(store, KEY.toUpperCase(), [])).rejects.toBeInstanceOf(VaultPathError);
    expect(await files()).toEqual([]);
  });
});

describe('deleteArtworkFiles', () => {
  it('removes the listed renditions under both layouts, optionally the preview', async () => {
    await writeArtworkFiles(store, KEY, [
      { ext: 'png', bytes: Buffer.from('a') },
      { ext: 'gif', bytes: Buffer.from('b') },
      { ext: 'webp', bytes: Buffer.from('c'), upscaled: true },
    ]);
    expect(await deleteArtworkFiles(store, KEY, ['png', 'bmp'])).toBe(2);
    expect(await files()).toEqual(
      [canonicalPath(KEY, 'gif'), aliasPath(KEY, 'gif'), upscaledPath(KEY), upscaledAliasPath(KEY)].sort(),
    );
    expect(await deleteArtworkFiles(store, KEY, ['gif'], { upscaled: true })).toBe(4);
    expect(await files()).toEqual([]);
    await expect(deleteArtworkFiles(store, '../etc', ['png'])).rejects.toBeInstanceOf(VaultPathError);
  });
});
