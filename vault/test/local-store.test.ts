import { mkdir, mkdtemp, readFile, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
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

  it('sweeps only its own stale temp files, never following symlinks out of the vault', async () => {
    const store = new LocalVaultStore(root);
    const outside = await mkdtemp(join(tmpdir(), 'vault-outside-'));
    try {
      const hourAgo = new Date(Date.now() - 2 * 3600_000);
      const old = async (path: string, content = 'x') => {
        await mkdir(join(path, '..'), { recursive: true });
        await writeFile(path, content);
        await utimes(path, hourAgo, hourAgo);
      };
      await store.put('ab/cd/ef/kept.png', Buffer.from('vault file'));
      await utimes(join(root, 'ab/cd/ef/kept.png'), hourAgo, hourAgo);
      // What a write killed between create and rename leaves, as put() names it.
      await old(join(root, 'ab/cd/ef/.crashed.png.0123456789ab.tmp'));
      await old(join(root, '.top.webp.a1b2c3d4e5f6.tmp'));
      await writeFile(join(root, 'ab/cd/ef/.in-flight.png.ffffffffffff.tmp'), 'being written');
      // Not ours: other dot files, and anything under a dot directory.
      await old(join(root, 'ab/.keep'));
      await old(join(root, '.snapshot/.old.png.0123456789ab.tmp'));
      // Symlinks: neither followed (a directory) nor removed (a link named like a temp file).
      await old(join(outside, '.victim.png.0123456789ab.tmp'));
      await old(join(outside, 'target'));
      await symlink(outside, join(root, 'ab/escape'));
      await symlink(join(outside, 'target'), join(root, 'ab/cd/.link.png.0123456789ab.tmp'));

      expect(await store.sweepTempFiles(3600_000)).toBe(2);
      // (readdir's recursive listing itself walks through the linked directory; the sweep does not.)
      expect((await allEntries()).filter((e) => !e.startsWith('ab/escape/'))).toEqual([
        '.snapshot',
        '.snapshot/.old.png.0123456789ab.tmp',
        'ab',
        'ab/.keep',
        'ab/cd',
        'ab/cd/.link.png.0123456789ab.tmp',
        'ab/cd/ef',
        'ab/cd/ef/.in-flight.png.ffffffffffff.tmp',
        'ab/cd/ef/kept.png',
        'ab/escape',
      ]);
      expect((await readdir(outside)).sort()).toEqual(['.victim.png.0123456789ab.tmp', 'target']);
      expect(await store.sweepTempFiles(3600_000)).toBe(0);
      // With no age margin the in-flight one goes too (the caller picks the margin).
      expect(await store.sweepTempFiles(-1000)).toBe(1);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
