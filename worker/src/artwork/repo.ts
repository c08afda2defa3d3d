import { type Database, posts, retiredVaultFiles } from '@makapix/db';
import { storageShard } from '@makapix/vault';
import { and, eq, sql } from 'drizzle-orm';
import type { ArtworkMetadata } from './pipeline.ts';

export type ArtworkPost = NonNullable<Awaited<ReturnType<typeof loadArtworkPost>>>;

export async function loadArtworkPost(db: Database, postId: number) {
  const [row] = await db
    .select({
      id: posts.id,
      kind: posts.kind,
      state: posts.state,
      storageKey: posts.storageKey,
      pendingStorageKey: posts.pendingStorageKey,
      sha256: posts.sha256,
    })
    .from(posts)
    .where(eq(posts.id, postId));
  return row ?? null;
}

/** What one run works on: a first upload (state processing) or a replacement image (pending key). */
export interface ArtworkTarget {
  storageKey: string;
  replacing: boolean;
}

/** Null when there is nothing to do: the post is already ready or already failed (re-runs are no-ops). */
export function targetOf(post: ArtworkPost): ArtworkTarget | null {
  if (post.pendingStorageKey) return { storageKey: post.pendingStorageKey, replacing: true };
  if (post.state === 'processing' && post.storageKey) return { storageKey: post.storageKey, replacing: false };
  return null;
}

function metadataColumns(m: ArtworkMetadata, storageKey: string) {
  return {
    storageShard: storageShard(storageKey),
    nativeFormat: m.nativeFormat,
    width: m.width,
    height: m.height,
    fileBytes: m.fileBytes,
    frameCount: m.frameCount,
    minFrameDurationMs: m.minFrameDurationMs,
    maxFrameDurationMs: m.maxFrameDurationMs,
    totalDurationMs: m.totalDurationMs,
    uniqueColors: m.uniqueColors,
    transparencyMeta: m.transparencyMeta,
    alphaMeta: m.alphaMeta,
    transparencyActual: m.transparencyActual,
    alphaActual: m.alphaActual,
  };
}

/**
 * docs/product.md §2: the post becomes ready with its metadata in one UPDATE, guarded by the state it was
 * processed from, so a concurrent change (deletion, a newer replacement) is never overwritten.
 * A replacement promotes the pending key and retires the old one for the cleanup job (§6).
 * Returns false when the guard no longer matched.
 */
export async function markReady(db: Database, postId: number, target: ArtworkTarget, m: ArtworkMetadata): Promise<boolean> {
  if (!target.replacing) {
    const rows = await db
      .update(posts)
      .set({ state: 'ready', failureReason: null, ...metadataColumns(m, target.storageKey) })
      .where(and(eq(posts.id, postId), eq(posts.state, 'processing'), eq(posts.storageKey, target.storageKey)))
      .returning({ id: posts.id });
    return rows.length === 1;
  }
  return db.transaction(async (tx) => {
    const [old] = await tx
      .select({ storageKey: posts.storageKey })
      .from(posts)
      .where(and(eq(posts.id, postId), eq(posts.pendingStorageKey, target.storageKey)))
      .for('update');
    if (!old) return false;
    await tx
      .update(posts)
      .set({
        state: 'ready',
        failureReason: null,
        storageKey: target.storageKey,
        pendingStorageKey: null,
        sha256: m.sha256,
        artworkModifiedAt: sql`now()`,
        ...metadataColumns(m, target.storageKey),
      })
      .where(eq(posts.id, postId));
    if (old.storageKey) await tx.insert(retiredVaultFiles).values({ storageKey: old.storageKey }).onConflictDoNothing();
    return true;
  });
}

/** docs/product.md §2 "a failure leaves no visible post": a first upload fails; a failed replacement is dropped. */
export async function markFailed(db: Database, postId: number, target: ArtworkTarget, reason: string): Promise<void> {
  const failureReason = reason.slice(0, 1000);
  if (target.replacing) {
    await db
      .update(posts)
      .set({ pendingStorageKey: null, failureReason })
      .where(and(eq(posts.id, postId), eq(posts.pendingStorageKey, target.storageKey)));
    return;
  }
  await db
    .update(posts)
    .set({ state: 'failed', failureReason })
    .where(and(eq(posts.id, postId), eq(posts.state, 'processing'), eq(posts.storageKey, target.storageKey)));
}
