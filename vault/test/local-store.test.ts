import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalVaultStore, VaultFullError } from '../src/index.ts';
import { describeVaultStoreContract } from './store-contract.ts';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vault-store-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every entry under root, directories included, so stray temp files cannot hide. */
async function allEntries(): Promise<string[]> {
  return (await readdir(root, { recursive: true })).map(String).sort();
}

/** Files only (dot-prefixed temp files included), for the shared contract. */
async function allFiles(): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

describeVaultStoreContract('LocalVaultStore', async () => ({ store: new LocalVaultStore(root), rawFiles: allFiles }));

describe('LocalVaultStore', () => {
  it('writes a plain tree that a static file server (Caddy) serves as is', async () => {
    const store = new LocalVaultStore(root);
    await store.put('ab/cd/ef/one.png', Buffer.from('one'));
    await store.put('ab/cd/ef/one.png', Buffer.from('uno'));
    expect(await readFile(join(root, 'ab/cd/ef/one.png'), 'utf8')).toBe('uno');
    expect(await allEntries()).toEqual(['ab', 'ab/cd', 'ab/cd/ef', 'ab/cd/ef/one.png']);
  });

  it('cleans up its temp file when the final rename fails', async () => {
    const store = new LocalVaultStore(root);
    await mkdir(join(root, 'a/b/blocked.png'), { recursive: true });
    await writeFile(join(root, 'a/b/blocked.png/inside'), 'x');
    await expect(store.put('a/b/blocked.png', Buffer.from('data'))).rejects.toMatchObject({ code: expect.any(String) });
    expect(await allEntries()).toEqual(['a', 'a/b', 'a/b/blocked.png', 'a/b/blocked.png/inside']);
  });

  it('refuses a write that would drop free space under the floor, writing nothing', async () => {
    const store = new LocalVaultStore(root, { minFreeBytes: Number.MAX_SAFE_INTEGER });
    const err = await store.put('a/b/c.png', Buffer.from('x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VaultFullError);
    expect(err).toMatchObject({ code: 'vault_full', requestedBytes: 1, minFreeBytes: Number.MAX_SAFE_INTEGER });
    expect((err as VaultFullError).freeBytes).toBeGreaterThan(0);
    expect((await allEntries()).filter((e) => e.endsWith('.png') || e.includes('.tmp'))).toEqual([]);
  });

  it('counts the bytes being written against the floor', async () => {
    const free = await new LocalVaultStore(root).freeBytes();
    // A 16 MiB margin absorbs other processes writing to the same disk meanwhile.
    const floor = free - 16 * 1024 * 1024;
    const store = new LocalVaultStore(root, { minFreeBytes: floor });
    await expect(store.put('small.png', Buffer.alloc(1024))).resolves.toBeUndefined();
    await expect(store.put('big.png', Buffer.alloc(64 * 1024 * 1024))).rejects.toBeInstanceOf(VaultFullError);
    expect(await store.exists('big.png')).toBe(false);
  });
});
