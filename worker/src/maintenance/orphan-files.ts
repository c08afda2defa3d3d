import { posts } from '@makapix/db';
import { listIncomingOlderThan, removeIncomingEntry } from '@makapix/vault';
import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import type { JobContext } from '../context.ts';

/**
 * docs/product.md §6 cleanup "retired vault files", the part no table lists: files a crash left on disk.
 * Nothing younger than this is touched, so a write or an upload still in flight (milliseconds
 * between the temp file and its rename, or between the api's file and its INSERT) is never removed.
 */
export const ORPHAN_MIN_AGE_MS = 3600_000;

/** Temp files of vault writes killed between create and rename; a no-op for a bucket (see the stores). */
export async function vaultTempFiles(ctx: JobContext): Promise<number> {
  return ctx.vault.sweepTempFiles(ORPHAN_MIN_AGE_MS);
}

/** Storage keys that a live post still waits on: a first upload `processing`, or a pending replacement. */
async function claimedKeys(ctx: JobContext, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await ctx.db
    .select({ storageKey: posts.storageKey, state: posts.state, pendingStorageKey: posts.pendingStorageKey })
    .from(posts)
    // A soft-deleted post will never be shown: its upload is as orphaned as one whose row is gone.
    .where(and(isNull(posts.deletedAt), or(and(inArray(posts.storageKey, keys), eq(posts.state, 'processing')), inArray(posts.pendingStorageKey, keys))));
  const claimed = new Set<string>();
  for (const row of rows) {
    if (row.state === 'processing' && row.storageKey) claimed.add(row.storageKey);
    if (row.pendingStorageKey) claimed.add(row.pendingStorageKey);
  }
  return claimed;
}

/**
 * The incoming directory (the api → worker hand-over, @makapix/vault incoming.ts): uploads whose
 * post is gone, failed, ready or deleted (the worker removes the file itself unless it died first),
 * and the api's temp files from a write killed before its rename. The vault lists only entries of
 * that hand-over (regular files, never a symlink); anything else in the directory stays.
 */
export async function orphanUploads(ctx: JobContext): Promise<number> {
  const dir = ctx.config.vault.incomingDir;
  const stale = await listIncomingOlderThan(dir, Date.now() - ORPHAN_MIN_AGE_MS);
  const claimed = await claimedKeys(ctx, [...new Set(stale.filter((f) => !f.temp).map((f) => f.storageKey))]);
  let removed = 0;
  for (const file of stale) {
    // A temp file is never claimed: the post names only the final file, and a live write is young.
    if (!file.temp && claimed.has(file.storageKey)) continue;
    if (await removeIncomingEntry(dir, file)) removed++;
  }
  return removed;
}
