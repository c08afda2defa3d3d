import { refreshTokens } from '@makapix/db';
import { and, eq, isNull, ne } from 'drizzle-orm';
import type { Db } from '../users/repo.ts';

export interface RefreshTokenRow {
  id: number;
  userId: number;
  familyId: string;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

const tokenColumns = {
  id: refreshTokens.id,
  userId: refreshTokens.userId,
  familyId: refreshTokens.familyId,
  expiresAt: refreshTokens.expiresAt,
  rotatedAt: refreshTokens.rotatedAt,
  revokedAt: refreshTokens.revokedAt,
};

export async function insertRefreshToken(db: Db, row: { userId: number; familyId: string; tokenHash: string; expiresAt: Date }): Promise<number> {
  const [inserted] = await db.insert(refreshTokens).values(row).returning({ id: refreshTokens.id });
  if (!inserted) throw new Error('refresh token insert returned no row');
  return inserted.id;
}

/**
 * Reads a refresh token and locks its row until the transaction ends: a concurrent refresh with
 * the same token waits here, then sees it rotated (docs/product.md §3 reuse detection).
 */
export async function lockRefreshToken(tx: Db, tokenHash: string): Promise<RefreshTokenRow | null> {
  const [row] = await tx.select(tokenColumns).from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).limit(1).for('update');
  return row ?? null;
}

export async function findRefreshToken(db: Db, tokenHash: string): Promise<RefreshTokenRow | null> {
  const [row] = await db.select(tokenColumns).from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).limit(1);
  return row ?? null;
}

export async function markRotated(tx: Db, id: number, replacedById: number): Promise<void> {
  await tx.update(refreshTokens).set({ rotatedAt: new Date(), replacedById }).where(eq(refreshTokens.id, id));
}

export async function revokeFamily(db: Db, familyId: string): Promise<void> {
  await db.update(refreshTokens).set({ revokedAt: new Date() }).where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

export async function revokeToken(db: Db, id: number): Promise<void> {
  await db.update(refreshTokens).set({ revokedAt: new Date() }).where(and(eq(refreshTokens.id, id), isNull(refreshTokens.revokedAt)));
}

/** Every session of the member, optionally sparing one family (the caller's own). */
export async function revokeAllForUser(db: Db, userId: number, exceptFamilyId?: string): Promise<void> {
  await db
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt), exceptFamilyId ? ne(refreshTokens.familyId, exceptFamilyId) : undefined));
}
