import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readFile, readdir, rename, rm, stat, statfs, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { type VaultFileStat, type VaultStore, VaultFullError, assertRelPath } from './store.ts';

export interface LocalVaultStoreOptions {
  /** docs/product.md §2: refuse a write that would leave less free space than this. */
  minFreeBytes?: number;
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** What put() names its temp files: `.{final name}.{12 hex}.tmp`. No vault file can match (store.ts SEGMENT). */
const TEMP_NAME = /^\.[A-Za-z0-9][A-Za-z0-9._-]*\.[0-9a-f]{12}\.tmp$/;
const tempName = (target: string) => `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`;

/** A rename or unlink is durable only once the directory entry itself reaches the disk. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The vault on local disk: a plain tree a static file server (Caddy) serves as is. */
export class LocalVaultStore implements VaultStore {
  readonly rootDir: string;
  readonly minFreeBytes: number;

  constructor(rootDir: string, options: LocalVaultStoreOptions = {}) {
    this.rootDir = resolve(rootDir);
    this.minFreeBytes = options.minFreeBytes ?? 0;
  }

  /** Absolute path for a validated relative path; the containment check is a second guard. */
  absolutePath(relPath: string, allowEmpty = false): string {
    assertRelPath(relPath, { allowEmpty });
    const full = resolve(this.rootDir, ...relPath.split('/'));
    if (full !== this.rootDir && !full.startsWith(this.rootDir + sep)) throw new Error(`path escapes vault: ${relPath}`);
    return full;
  }

  async freeBytes(dir: string = this.rootDir): Promise<number> {
    const fs = await statfs(dir);
    return fs.bavail * fs.bsize;
  }

  /** docs/product.md §2 atomic write: temp file in the target directory, fsync, rename, fsync the directory. */
  async put(relPath: string, bytes: Uint8Array): Promise<void> {
    const target = this.absolutePath(relPath);
    const dir = dirname(target);
    await this.ensureDir(dir);
    // Checked per write; concurrent writers can overshoot by their in-flight bytes, which the floor absorbs.
    const free = await this.freeBytes(dir);
    if (free - bytes.byteLength < this.minFreeBytes) {
      throw new VaultFullError(relPath, bytes.byteLength, free, this.minFreeBytes);
    }
    // Dot-prefixed and random: never a valid vault name, never listed, never clashes with a parallel write.
    const temp = join(dir, tempName(target));
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    try {
      handle = await open(temp, 'wx', 0o644);
      await handle.writeFile(bytes);
      await handle.sync();
      await handle.close();
      handle = undefined;
      await rename(temp, target);
    } catch (err) {
      await handle?.close().catch(() => undefined);
      await rm(temp, { force: true }).catch(() => undefined);
      throw err;
    }
    await fsyncDir(dir);
  }

  async get(relPath: string): Promise<Buffer | null> {
    try {
      return await readFile(this.absolutePath(relPath));
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async exists(relPath: string): Promise<boolean> {
    return (await this.stat(relPath)) !== null;
  }

  async stat(relPath: string): Promise<VaultFileStat | null> {
    try {
      const info = await stat(this.absolutePath(relPath));
      return info.isFile() ? { size: info.size, modifiedAt: info.mtime } : null;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async delete(relPath: string): Promise<boolean> {
    const target = this.absolutePath(relPath);
    try {
      await unlink(target);
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
    await fsyncDir(dirname(target));
    return true;
  }

  async *list(prefix = ''): AsyncIterable<string> {
    const start = this.absolutePath(prefix.replace(/\/+$/, ''), true);
    yield* this.walk(start, prefix.replace(/\/+$/, ''));
  }

  private async *walk(dir: string, rel: string): AsyncIterable<string> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) yield* this.walk(join(dir, entry.name), childRel);
      else if (entry.isFile()) yield childRel;
    }
  }

  /**
   * docs/product.md §6 cleanup: a write killed between create and rename (SIGKILL, power loss) leaves its
   * temp file behind, invisible to list(). Only names put() creates, only regular files, only older
   * than `olderThanMs` (a write in flight is never touched). Directory entries come from lstat, so a
   * symlink is neither followed nor removed: the sweep never leaves the vault root.
   */
  async sweepTempFiles(olderThanMs: number): Promise<number> {
    return this.sweepDir(this.rootDir, Date.now() - olderThanMs);
  }

  private async sweepDir(dir: string, before: number): Promise<number> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return 0;
      throw err;
    }
    let nested = 0;
    let here = 0;
    for (const entry of entries) {
      const full = join(dir, entry.name);
      // Shard directories never start with a dot; anything that does is not ours to walk.
      if (entry.isDirectory() && !entry.name.startsWith('.')) nested += await this.sweepDir(full, before);
      if (!entry.isFile() || !TEMP_NAME.test(entry.name)) continue;
      const info = await lstat(full).catch((err: unknown) => (isMissing(err) ? null : Promise.reject(err)));
      if (!info?.isFile() || info.mtimeMs >= before) continue;
      try {
        await unlink(full);
        here++;
      } catch (err) {
        // Another worker's sweep got there first.
        if (!isMissing(err)) throw err;
      }
    }
    if (here > 0) await fsyncDir(dir);
    return nested + here;
  }

  /** Creates missing shard directories and makes each new directory entry durable. */
  private async ensureDir(dir: string): Promise<void> {
    const firstCreated = await mkdir(dir, { recursive: true });
    if (!firstCreated) return;
    for (let current = dir; ; current = dirname(current)) {
      await fsyncDir(dirname(current));
      if (current === firstCreated || dirname(current) === current) break;
    }
  }
}
