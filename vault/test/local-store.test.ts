import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalVaultStore, VaultFullError, VaultPathError } from '../src/index.ts';

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

describe('LocalVaultStore', () => {
  it('writes, reads, stats, lists and deletes files', async () => {
    const store = new LocalVaultStore(root);
    await store.put('ab/cd/ef/one.png', Buffer.from('one'));
    await store.put('ab/cd/two.png', Buffer.from('two!'));
    expect(await readFile(join(root, 'ab/cd/ef/one.png'), 'utf8')).toBe('one');
    expect(Buffer.from((await store.get('ab/cd/two.png')) ?? []).toString()).toBe('two!');
    expect(await store.get('ab/cd/missing.png')).toBeNull();
    expect(await store.exists('ab/cd/ef/one.png')).toBe(true);
    expect(await store.exists('ab/cd/ef')).toBe(false);
    expect((await store.stat('ab/cd/two.png'))?.size).toBe(4);
    expect(await store.stat('zz/none.png')).toBeNull();

    const listed: string[] = [];
    for await (const path of store.list()) listed.push(path);
    expect(listed).toEqual(['ab/cd/ef/one.png', 'ab/cd/two.png']);
    const underShard: string[] = [];
    for await (const path of store.list('ab/cd/ef/')) underShard.push(path);
    expect(underShard).toEqual(['ab/cd/ef/one.png']);
    const none: string[] = [];
    for await (const path of store.list('nope')) none.push(path);
    expect(none).toEqual([]);

    expect(await store.delete('ab/cd/two.png')).toBe(true);
    expect(await store.delete('ab/cd/two.png')).toBe(false);
    expect(await store.exists('ab/cd/two.png')).toBe(false);
  });

  it('replaces a file whole and leaves no temp file behind', async () => {
    const store = new LocalVaultStore(root);
    await store.put('a/b/file.webp', Buffer.alloc(100_000, 1));
    await store.put('a/b/file.webp', Buffer.alloc(10, 2));
    expect(await readFile(join(root, 'a/b/file.webp'))).toEqual(Buffer.alloc(10, 2));
    expect(await allEntries()).toEqual(['a', 'a/b', 'a/b/file.webp']);
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

  it('rejects paths that could escape the root or name temp files', async () => {
    const store = new LocalVaultStore(root);
    const bad = ['../x.png', '/etc/passwd', 'a//b.png', '.hidden', 'a/./b.png', 'a/../b.png', 'a\\b.png', '', 'a/b/'];
    for (const path of bad) {
      await expect(store.put(path, Buffer.from('x'))).rejects.toBeInstanceOf(VaultPathError);
      await expect(store.get(path)).rejects.toBeInstanceOf(VaultPathError);
      await expect(store.delete(path)).rejects.toBeInstanceOf(VaultPathError);
    }
    expect(await allEntries()).toEqual([]);
  });
});
