import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, statfs } from 'node:fs/promises';
import path from 'node:path';
import { incomingTempFileName, incomingUploadFileName } from '@makapix/protocol';
import { AppError } from '../../errors.ts';

/**
 * The hand-over of an uploaded original to the worker's `process-artwork` job (the contract is in
 * @makapix/protocol incoming-uploads.ts): the api writes the file named by the storage key (or the
 * pending storage key of a replacement), the job reads it, writes the vault files and removes it.
 */
export function incomingPath(incomingDir: string, storageKey: string): string {
  return path.join(incomingDir, incomingUploadFileName(storageKey));
}

export interface IncomingDir {
  incomingDir: string;
  /** Writes that would leave less free space than this on the directory's disk are refused. */
  minFreeBytes: number;
}

/**
 * Atomic like every vault write (SPEC.md §2): a temp file in the same directory, fsync, rename.
 * The worker therefore never sees a half-written upload under the final name. A full disk is
 * refused up front (507 `storage_full`) rather than met halfway through the write; the worker's
 * vault writes keep the same floor.
 */
export async function writeIncoming(dir: IncomingDir, storageKey: string, bytes: Uint8Array): Promise<string> {
  const { incomingDir } = dir;
  const finalPath = incomingPath(incomingDir, storageKey);
  await mkdir(incomingDir, { recursive: true });
  const disk = await statfs(incomingDir);
  if (disk.bavail * disk.bsize - bytes.byteLength < dir.minFreeBytes) {
    throw new AppError('storage_full', 'The server has no room for new uploads right now; try again later');
  }
  // Named by the protocol so the worker's cleanup can remove what a crash here leaves (SPEC.md §6).
  const tempPath = path.join(incomingDir, incomingTempFileName(storageKey, randomBytes(6).toString('hex')));
  const handle = await open(tempPath, 'wx', 0o640);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(tempPath, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await rename(tempPath, finalPath);
  } catch (err) {
    await rm(tempPath, { force: true });
    throw err;
  }
  return finalPath;
}

/** Removes an upload that will not be processed (a refused insert or a failed enqueue). */
export async function removeIncoming(incomingDir: string, storageKey: string): Promise<void> {
  await rm(incomingPath(incomingDir, storageKey), { force: true });
}
