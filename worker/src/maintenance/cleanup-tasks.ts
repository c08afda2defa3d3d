import {
  emailVerificationTokens,
  notifications,
  passwordResetTokens,
  players,
  posts,
  refreshTokens,
  retiredVaultFiles,
} from '@makapix/db';
import type { CleanupTask } from '@makapix/protocol';
import { VAULT_EXTS, deleteArtworkFiles } from '@makapix/vault';
import { and, asc, inArray, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { JobContext } from '../context.ts';
import { orphanUploads, vaultTempFiles } from './orphan-files.ts';

/** docs/product.md §6 cleanup windows. */
export const CLEANUP_WINDOWS = {
  /** Soft-deleted posts are purged (row and files) after this long. */
  deletedPostMs: 7 * 24 * 3600_000,
  /** A replaced image stays reachable this long, for players that queued its old URL. */
  retiredFileGraceMs: 24 * 3600_000,
  /** Never-registered players (their code expired long ago) are removed after this long. */
  unregisteredPlayerMs: 7 * 24 * 3600_000,
  /** Used one-time tokens are kept briefly so a double click still gets a clear answer. */
  usedTokenMs: 24 * 3600_000,
  readNotificationMs: 30 * 24 * 3600_000,
  anyNotificationMs: 180 * 24 * 3600_000,
} as const;

const ago = (ms: number) => new Date(Date.now() - ms);
const BATCH = 500;

async function registrationCodes(ctx: JobContext): Promise<number> {
  // docs/device-protocol.md §2.1: codes live 15 minutes; clearing them lets the code be handed out again.
  const cleared = await ctx.db
    .update(players)
    .set({ registrationCode: null, registrationCodeExpiresAt: null })
    .where(and(isNull(players.registeredAt), isNotNull(players.registrationCode), lt(players.registrationCodeExpiresAt, new Date())))
    .returning({ id: players.id });
  const removed = await ctx.db
    .delete(players)
    .where(and(isNull(players.registeredAt), isNull(players.ownerId), isNull(players.registrationCode), lt(players.createdAt, ago(CLEANUP_WINDOWS.unregisteredPlayerMs))))
    .returning({ id: players.id });
  return cleared.length + removed.length;
}

/**
 * Purges posts soft-deleted over 7 days ago. Their storage keys are retired, dated at the deletion,
 * so the retired-vault-files task of this same run removes the files.
 */
async function deletedPosts(ctx: JobContext): Promise<number> {
  return ctx.db.transaction(async (tx) => {
    const doomed = await tx
      .delete(posts)
      .where(and(isNotNull(posts.deletedAt), lt(posts.deletedAt, ago(CLEANUP_WINDOWS.deletedPostMs))))
      .returning({ storageKey: posts.storageKey, pendingStorageKey: posts.pendingStorageKey, deletedAt: posts.deletedAt });
    const retired = doomed.flatMap((p) =>
      [p.storageKey, p.pendingStorageKey].filter((k): k is string => k !== null).map((storageKey) => ({ storageKey, retiredAt: p.deletedAt ?? new Date() })),
    );
    if (retired.length > 0) await tx.insert(retiredVaultFiles).values(retired).onConflictDoNothing();
    return doomed.length;
  });
}

async function expiredTokens(ctx: JobContext): Promise<number> {
  const now = new Date();
  const usedBefore = ago(CLEANUP_WINDOWS.usedTokenMs);
  const a = await ctx.db.delete(emailVerificationTokens)
    .where(or(lt(emailVerificationTokens.expiresAt, now), lt(emailVerificationTokens.usedAt, usedBefore)))
    .returning({ id: emailVerificationTokens.id });
  const b = await ctx.db.delete(passwordResetTokens)
    .where(or(lt(passwordResetTokens.expiresAt, now), lt(passwordResetTokens.usedAt, usedBefore)))
    .returning({ id: passwordResetTokens.id });
  // Rotated refresh tokens stay until they expire: reuse detection needs them (docs/product.md §3).
  const c = await ctx.db.delete(refreshTokens).where(lt(refreshTokens.expiresAt, now)).returning({ id: refreshTokens.id });
  return a.length + b.length + c.length;
}

async function oldNotifications(ctx: JobContext): Promise<number> {
  const rows = await ctx.db
    .delete(notifications)
    .where(or(lt(notifications.readAt, ago(CLEANUP_WINDOWS.readNotificationMs)), lt(notifications.createdAt, ago(CLEANUP_WINDOWS.anyNotificationMs))))
    .returning({ id: notifications.id });
  return rows.length;
}

/**
 * Deletes the files of retired keys past their grace period, then forgets the keys; then what a
 * crash left behind that no table lists (orphan-files.ts).
 */
async function retiredFiles(ctx: JobContext): Promise<number> {
  let removed = 0;
  for (;;) {
    const batch = await ctx.db
      .select({ id: retiredVaultFiles.id, storageKey: retiredVaultFiles.storageKey })
      .from(retiredVaultFiles)
      .where(lt(retiredVaultFiles.retiredAt, ago(CLEANUP_WINDOWS.retiredFileGraceMs)))
      .orderBy(asc(retiredVaultFiles.id))
      .limit(BATCH);
    if (batch.length === 0) break;
    const keys = batch.map((r) => r.storageKey);
    // Never delete what a post still points at, whatever put the key on the list.
    const live = await ctx.db
      .select({ storageKey: posts.storageKey, pendingStorageKey: posts.pendingStorageKey })
      .from(posts)
      .where(or(inArray(posts.storageKey, keys), inArray(posts.pendingStorageKey, keys)));
    const inUse = new Set(live.flatMap((p) => [p.storageKey, p.pendingStorageKey]));
    for (const key of keys) if (!inUse.has(key)) removed += await deleteArtworkFiles(ctx.vault, key, VAULT_EXTS, { upscaled: true });
    await ctx.db.delete(retiredVaultFiles).where(inArray(retiredVaultFiles.id, batch.map((r) => r.id)));
  }
  return removed + (await vaultTempFiles(ctx)) + (await orphanUploads(ctx));
}

/** In dependency order: purged posts retire their files before retired files are deleted. */
export const CLEANUP_RUNNERS: Record<CleanupTask, (ctx: JobContext) => Promise<number>> = {
  'registration-codes': registrationCodes,
  'deleted-posts': deletedPosts,
  'expired-tokens': expiredTokens,
  'old-notifications': oldNotifications,
  'retired-vault-files': retiredFiles,
};
