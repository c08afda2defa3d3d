import { posts } from '@makapix/db';
import { aliasPath, canonicalPath, isVaultExt } from '@makapix/vault';
import { and, asc, eq, gt, isNotNull, isNull } from 'drizzle-orm';
import { sha256Hex } from '../artwork/pipeline.ts';
import { defineJob } from '../registry.ts';

const BATCH = 200;

/**
 * docs/product.md §2 / §6 verify-vault: re-hash every ready artwork's native file (both the canonical path
 * and the device alias, docs/device-protocol.md §8) against the sha256 recorded at upload; a missing or changed
 * file flags the post `non_conformant` (hidden from feeds), a repaired one clears the flag. Progress
 * is saved after each batch, so a killed worker resumes where it stopped.
 */
export const verifyVaultJob = defineJob('verify-vault', async ({ afterPostId }, ctx) => {
  let cursor = afterPostId;
  let checked = 0;
  const flagged: number[] = [];
  const cleared: number[] = [];
  for (;;) {
    const batch = await ctx.db
      .select({ id: posts.id, storageKey: posts.storageKey, nativeFormat: posts.nativeFormat, sha256: posts.sha256, nonConformant: posts.nonConformant })
      .from(posts)
      .where(and(gt(posts.id, cursor), eq(posts.kind, 'artwork'), eq(posts.state, 'ready'), isNull(posts.deletedAt), isNotNull(posts.storageKey)))
      .orderBy(asc(posts.id))
      .limit(BATCH);
    if (batch.length === 0) break;
    for (const post of batch) {
      const { storageKey, nativeFormat } = post;
      if (!storageKey || !isVaultExt(nativeFormat)) continue;
      let intact = true;
      for (const file of [canonicalPath(storageKey, nativeFormat), aliasPath(storageKey, nativeFormat)]) {
        const bytes = await ctx.vault.get(file);
        if (!bytes || sha256Hex(bytes) !== post.sha256) {
          intact = false;
          ctx.log.warn({ postId: post.id, file, missing: !bytes }, 'vault file does not match its hash');
        }
      }
      checked++;
      if (intact === post.nonConformant) {
        await ctx.db.update(posts).set({ nonConformant: !intact }).where(eq(posts.id, post.id));
        (intact ? cleared : flagged).push(post.id);
      }
    }
    cursor = (batch[batch.length - 1] as { id: number }).id;
    await ctx.job.updateData({ afterPostId: cursor });
  }
  ctx.log.info({ checked, flagged, cleared }, 'vault verified');
  return { checked, flagged, cleared };
});
