import { describe, expect, it } from 'vitest';
import { VaultPathError, type VaultStore } from '../src/index.ts';

/**
 * The behaviour every VaultStore must share (vault/src/store.ts), run against each backend so local
 * disk and a bucket cannot drift apart. Backend-specific guarantees (temp files, the free-space floor,
 * object headers) stay in each store's own test file.
 */
export interface StoreUnderTest {
  store: VaultStore;
  /**
   * Every file physically present under the store's root, relative to it and sorted, read around the
   * store (readdir, a raw bucket listing) so leftovers the store's own list would hide still show.
   */
  rawFiles(): Promise<string[]>;
}

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const path of iterable) out.push(path);
  return out;
}

const text = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString('utf8'));

/** `setup` gives each test a fresh, empty store; cleanup is the caller's (afterEach). */
export function describeVaultStoreContract(name: string, setup: () => Promise<StoreUnderTest>): void {
  describe(`${name}: VaultStore contract`, () => {
    it('writes, reads, stats, lists and deletes files', async () => {
      const { store, rawFiles } = await setup();
      await store.put('ab/cd/ef/one.png', Buffer.from('one'));
      await store.put('ab/cd/two.png', Buffer.from('two!'));
      expect(text(await store.get('ab/cd/ef/one.png'))).toBe('one');
      expect(text(await store.get('ab/cd/two.png'))).toBe('two!');
      expect(await store.get('ab/cd/missing.png')).toBeNull();
      expect(await store.exists('ab/cd/ef/one.png')).toBe(true);
      // A directory (or key prefix) is not a file.
      expect(await store.exists('ab/cd/ef')).toBe(false);
      expect(await store.stat('ab/cd/ef')).toBeNull();
      const stat = await store.stat('ab/cd/two.png');
      expect(stat?.size).toBe(4);
      expect(Math.abs((stat?.modifiedAt.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
      expect(await store.stat('zz/none.png')).toBeNull();
      expect(await rawFiles()).toEqual(['ab/cd/ef/one.png', 'ab/cd/two.png']);

      expect(await collect(store.list())).toEqual(['ab/cd/ef/one.png', 'ab/cd/two.png']);
      expect(await collect(store.list('ab/cd/ef/'))).toEqual(['ab/cd/ef/one.png']);
      expect(await collect(store.list('ab/cd/ef'))).toEqual(['ab/cd/ef/one.png']);
      expect(await collect(store.list('nope'))).toEqual([]);

      expect(await store.delete('ab/cd/two.png')).toBe(true);
      expect(await store.delete('ab/cd/two.png')).toBe(false);
      expect(await store.exists('ab/cd/two.png')).toBe(false);
      expect(await store.get('ab/cd/two.png')).toBeNull();
      expect(await rawFiles()).toEqual(['ab/cd/ef/one.png']);
    });

    it('round-trips every byte value exactly', async () => {
      const { store } = await setup();
      const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) % 256);
      await store.put('00/11/22/all-bytes.bmp', bytes);
      expect(Buffer.from((await store.get('00/11/22/all-bytes.bmp')) ?? []).equals(Buffer.from(bytes))).toBe(true);
      const empty = new Uint8Array(0);
      await store.put('00/11/empty.gif', empty);
      expect((await store.get('00/11/empty.gif'))?.byteLength).toBe(0);
      expect((await store.stat('00/11/empty.gif'))?.size).toBe(0);
    });

    it('replaces a file whole on overwrite, leaving one file', async () => {
      const { store, rawFiles } = await setup();
      await store.put('a/b/file.webp', Buffer.alloc(100_000, 1));
      await store.put('a/b/file.webp', Buffer.alloc(10, 2));
      expect(Buffer.from((await store.get('a/b/file.webp')) ?? []).equals(Buffer.alloc(10, 2))).toBe(true);
      expect((await store.stat('a/b/file.webp'))?.size).toBe(10);
      expect(await rawFiles()).toEqual(['a/b/file.webp']);
    });

    it('treats a list prefix as a directory, not a string prefix', async () => {
      const { store } = await setup();
      await store.put('ab/cd/x.png', Buffer.from('x'));
      await store.put('ab/cde/y.png', Buffer.from('y'));
      await store.put('abc/z.png', Buffer.from('z'));
      expect(await collect(store.list('ab'))).toEqual(['ab/cd/x.png', 'ab/cde/y.png']);
      expect(await collect(store.list('ab/cd'))).toEqual(['ab/cd/x.png']);
      expect(await collect(store.list('ab/c'))).toEqual([]);
      // A file is not a directory.
      expect(await collect(store.list('ab/cd/x.png'))).toEqual([]);
    });

    it('lists every file of a larger tree, each once', async () => {
      const { store } = await setup();
      const paths = Array.from({ length: 45 }, (_, i) => {
        const hex = i.toString(16).padStart(2, '0');
        return `${hex[0]}0/${hex}/f${i}.png`;
      });
      // A few at a time: real parallel writers, without flooding the test server.
      for (let i = 0; i < paths.length; i += 8) {
        await Promise.all(paths.slice(i, i + 8).map((p) => store.put(p, Buffer.from(p))));
      }
      const listed = await collect(store.list());
      expect(listed).toHaveLength(paths.length);
      expect([...listed].sort()).toEqual([...paths].sort());
      expect((await collect(store.list('20'))).sort()).toEqual(paths.filter((p) => p.startsWith('20/')).sort());
    });

    it('sweeps no vault file, however old the margin (docs/product.md §6 cleanup)', async () => {
      const { store, rawFiles } = await setup();
      await store.put('ab/cd/kept.png', Buffer.from('kept'));
      // A negative margin counts every file as stale: only the store's own temp files may go.
      expect(await store.sweepTempFiles(-3600_000)).toBe(0);
      expect(await rawFiles()).toEqual(['ab/cd/kept.png']);
    });

    it('rejects paths that could escape the root or name temp files, touching nothing', async () => {
      const { store, rawFiles } = await setup();
      const bad = ['../x.png', '/etc/passwd', 'a//b.png', '.hidden', 'a/./b.png', 'a/../b.png', 'a\\b.png', '', 'a/b/', 'a/.b.png.tmp'];
      for (const path of bad) {
        await expect(store.put(path, Buffer.from('x'))).rejects.toBeInstanceOf(VaultPathError);
        await expect(store.get(path)).rejects.toBeInstanceOf(VaultPathError);
        await expect(store.exists(path)).rejects.toBeInstanceOf(VaultPathError);
        await expect(store.stat(path)).rejects.toBeInstanceOf(VaultPathError);
        await expect(store.delete(path)).rejects.toBeInstanceOf(VaultPathError);
      }
      for (const prefix of ['../', '/etc', 'a//b', '.hidden']) {
        await expect(collect(store.list(prefix))).rejects.toBeInstanceOf(VaultPathError);
      }
      expect(await rawFiles()).toEqual([]);
    });
  });
}
