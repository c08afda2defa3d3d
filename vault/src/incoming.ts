import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readFile, readdir, rename, rm, statfs, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from './local-store.ts';
import { assertStorageKey, isStorageKey } from './paths.ts';
import { VaultFullError } from './store.ts';

/**
 * Where an accepted upload waits for process-artwork (docs/product.md §2, §6): the api writes the original
 * bytes to `{VAULT_INCOMING_DIR}/{storage key}.upload` before enqueueing the job, the worker reads
 * them from there and removes the file once the post is ready or has failed; the worker's cleanup
 * sweeps what a crash left. This module is the only one that knows the directory's layout; the job
 * carries only the post id (docs/architecture.md §3.8).
 */
const SUFFIX = '.upload';
/** The api writes under `{final name}.{12 hex}.tmp` before its atomic rename. */
const TEMP_NAME = /^(.+)\.([0-9a-f]{12})\.tmp$/;

/** Directory and disk floor of the hand-over, from the process's config. */
export interface IncomingDir {
  incomingDir: string;
  /** Writes that would leave less free space than this on the directory's disk are refused. */
  minFreeBytes: number;
}

/** One entry of the incoming directory that belongs to the hand-over. */
export interface IncomingEntry {
  name: string;
  storageKey: string;
  /** A temp file of a write that has not (or never) reached its rename. */
  temp: boolean;
}

function fileName(storageKey: string): string {
  assertStorageKey(storageKey);
  return `${storageKey}${SUFFIX}`;
}

/** The absolute-or-relative path of the upload waiting under this storage key. */
export function incomingPath(incomingDir: string, storageKey: string): string {
  return join(incomingDir, fileName(storageKey));
}

/** The temp name a write of this storage key uses (exported so tests can leave a crashed write behind). */
export function incomingTempPath(incomingDir: string, storageKey: string, nonceHex: string): string {
  if (!/^[0-9a-f]{12}$/.test(nonceHex)) throw new Error(`invalid temp nonce: ${JSON.stringify(nonceHex)}`);
  return join(incomingDir, `${fileName(storageKey)}.${nonceHex}.tmp`);
}

/** The storage key an entry name belongs to, and whether it is a temp file; null for anything else. */
export function parseIncomingName(name: string): IncomingEntry | null {
  const temp = TEMP_NAME.exec(name);
  const finalName = temp ? (temp[1] as string) : name;
  if (!finalName.endsWith(SUFFIX)) return null;
  const storageKey = finalName.slice(0, -SUFFIX.length);
  return isStorageKey(storageKey) ? { name, storageKey, temp: temp !== null } : null;
}

/**
 * Atomic and durable like every vault write (LocalVaultStore.put): a temp file in the same
 * directory, fsync, rename, fsync the directory — the worker never sees a half-written upload
 * under the final name, and an acknowledged upload survives a power loss. A full disk is refused
 * up front (VaultFullError) rather than met halfway through the write.
 */
export async function writeIncoming(dir: IncomingDir, storageKey: string, bytes: Uint8Array): Promise<string> {
  const { incomingDir } = dir;
  const finalPath = incomingPath(incomingDir, storageKey);
  await mkdir(incomingDir, { recursive: true });
  const disk = await statfs(incomingDir);
  const free = disk.bavail * disk.bsize;
  if (free - bytes.byteLength < dir.minFreeBytes) throw new VaultFullError(fileName(storageKey), bytes.byteLength, free, dir.minFreeBytes);
  const tempPath = incomingTempPath(incomingDir, storageKey, randomBytes(6).toString('hex'));
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(tempPath, 'wx', 0o640);
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tempPath, finalPath);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await rm(tempPath, { force: true }).catch(() => undefined);
    throw err;
  }
  await fsyncDir(incomingDir);
  return finalPath;
}

/** The waiting upload's bytes, or null when there is none (already processed, or swept). */
export async function readIncoming(incomingDir: string, storageKey: string): Promise<Buffer | null> {
  try {
    return await readFile(incomingPath(incomingDir, storageKey));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Removes the upload waiting under this storage key, if any; true when there was one. */
export async function removeIncoming(incomingDir: string, storageKey: string): Promise<boolean> {
  return removeEntry(incomingDir, fileName(storageKey));
}

async function removeEntry(incomingDir: string, name: string): Promise<boolean> {
  try {
    await unlink(join(incomingDir, name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  await fsyncDir(incomingDir);
  return true;
}

/**
 * Hand-over entries (finished uploads and temp files) last modified before `olderThan` (epoch ms).
 * Only names of the hand-over and only regular files (lstat: a symlink is never followed);
 * anything else in the directory is not listed, so a sweep never touches it.
 */
export async function listIncomingOlderThan(incomingDir: string, olderThan: number): Promise<IncomingEntry[]> {
  const names = await readdir(incomingDir).catch(() => [] as string[]);
  const entries: IncomingEntry[] = [];
  for (const name of names) {
    const parsed = parseIncomingName(name);
    if (!parsed) continue;
    const info = await lstat(join(incomingDir, name)).catch(() => null);
    if (info?.isFile() && info.mtimeMs < olderThan) entries.push(parsed);
  }
  return entries;
}

/** Removes one listed entry (the cleanup sweep); true when it was still there. */
export async function removeIncomingEntry(incomingDir: string, entry: IncomingEntry): Promise<boolean> {
  if (parseIncomingName(entry.name)?.storageKey !== entry.storageKey) throw new Error(`not an incoming entry: ${JSON.stringify(entry.name)}`);
  return removeEntry(incomingDir, entry.name);
}
