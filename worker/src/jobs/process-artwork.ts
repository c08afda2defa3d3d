import { uniqueViolation } from '@makapix/db';
import { VAULT_EXTS, VaultPathError, deleteArtworkFiles, readIncoming, removeIncoming, writeArtworkFiles } from '@makapix/vault';
import { UnrecoverableError } from 'bullmq';
import { type ArtworkTarget, loadArtworkPost, markFailed, markReady, targetOf } from '../artwork/repo.ts';
import { UploadRuleError, processArtworkBytes } from '../artwork/pipeline.ts';
import type { JobContext } from '../context.ts';
import { CorruptImageError } from '../images/decode.ts';
import { RenditionMismatchError } from '../images/renditions.ts';
import { defineJob } from '../registry.ts';

/** A failure retrying cannot fix: the file itself is the problem (or our encoder is). */
class ArtworkRejected extends Error {
  override readonly name = 'ArtworkRejected';
}

/** The human-readable `failure_reason` for errors that are final, or null for transient ones. */
function permanentReason(err: unknown): string | null {
  if (err instanceof UploadRuleError) return `${err.code}: ${err.message}`;
  if (err instanceof CorruptImageError) return `corrupt_image: ${err.message}`;
  if (err instanceof RenditionMismatchError) return `rendition_mismatch: ${err.message}`;
  if (err instanceof ArtworkRejected || err instanceof VaultPathError) return err.message;
  if (uniqueViolation(err, 'posts_sha256_live_key')) return 'artwork_duplicate: the same image is already posted';
  return null;
}

async function readUpload(ctx: JobContext, storageKey: string): Promise<Buffer> {
  const bytes = await readIncoming(ctx.config.vault.incomingDir, storageKey);
  if (!bytes) throw new ArtworkRejected('upload_missing: the uploaded file is no longer available');
  return bytes;
}

/** Deletes whatever this run may have written, records the reason, and ends the job for good. */
async function fail(ctx: JobContext, postId: number, target: ArtworkTarget, reason: string): Promise<never> {
  await deleteArtworkFiles(ctx.vault, target.storageKey, VAULT_EXTS, { upscaled: true });
  await markFailed(ctx.db, postId, target, reason);
  await removeIncoming(ctx.config.vault.incomingDir, target.storageKey);
  ctx.log.warn({ postId, storageKey: target.storageKey, reason }, 'artwork failed');
  throw new UnrecoverableError(reason);
}

/**
 * docs/product.md §2 / §6 process-artwork: validate again, extract metadata, write every rendition to the
 * vault (all or nothing), then mark the post ready in one UPDATE. Idempotent: a ready or failed
 * post is left alone; a re-run after a crash rewrites the same content-addressed files atomically.
 */
export const processArtworkJob = defineJob('process-artwork', async ({ postId }, ctx) => {
  const post = await loadArtworkPost(ctx.db, postId);
  if (!post) throw new UnrecoverableError(`post ${postId} does not exist`);
  if (post.kind !== 'artwork') throw new UnrecoverableError(`post ${postId} is a ${post.kind}, not an artwork`);
  const target = targetOf(post);
  if (!target) {
    // A crash after the final UPDATE can leave the upload behind; finishing that is all there is to do.
    if (post.storageKey) await removeIncoming(ctx.config.vault.incomingDir, post.storageKey);
    ctx.log.info({ postId, state: post.state }, 'artwork already processed');
    return { skipped: true, state: post.state };
  }
  try {
    const bytes = await readUpload(ctx, target.storageKey);
    const { metadata, renditions } = await processArtworkBytes(bytes);
    if (!target.replacing && metadata.sha256 !== post.sha256) {
      throw new ArtworkRejected('upload_mismatch: the stored upload does not match the hash recorded when it was received');
    }
    await writeArtworkFiles(ctx.vault, target.storageKey, renditions.files);
    if (!(await markReady(ctx.db, postId, target, metadata))) {
      const now = await loadArtworkPost(ctx.db, postId);
      // Another run of this job finished first (stalled-job recovery): its files are ours, keep them.
      if (now?.state === 'ready' && now.storageKey === target.storageKey) return { skipped: true, state: 'ready' };
      await deleteArtworkFiles(ctx.vault, target.storageKey, VAULT_EXTS, { upscaled: true });
      throw new UnrecoverableError(`post ${postId} changed while it was processed`);
    }
    await removeIncoming(ctx.config.vault.incomingDir, target.storageKey);
    const written = renditions.files.map((f) => (f.upscaled ? 'upscaled.webp' : f.ext));
    ctx.log.info({ postId, storageKey: target.storageKey, written, skipped: renditions.skipped }, 'artwork ready');
    return { state: 'ready', written, skipped: renditions.skipped, upscaleFactor: renditions.upscaleFactor };
  } catch (err) {
    if (err instanceof UnrecoverableError) throw err;
    const reason = permanentReason(err);
    if (reason) return fail(ctx, postId, target, reason);
    // Transient (database, disk, vault full): retried with backoff until the last attempt.
    if (ctx.lastAttempt) return fail(ctx, postId, target, `processing_error: ${(err as Error).message}`);
    throw err;
  }
});
