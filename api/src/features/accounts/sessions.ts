import { randomUUID } from 'node:crypto';
import type { Database } from '@makapix/db';
import type { Db } from '../users/repo.ts';
import { findLoginById, type LoginRow } from './repo.ts';
import { REFRESH_TOKEN_TTL_MS, hashSecretToken, newSecretToken } from './secret-token.ts';
import { findRefreshToken, insertRefreshToken, lockRefreshToken, markRotated, revokeFamily, revokeToken } from './session-repo.ts';

/**
 * Sessions are refresh-token families (docs/product.md §3): log-in starts a family, every refresh replaces
 * the presented token by a new one of the same family, and presenting a token that was already
 * replaced means it was copied — the whole family is revoked, so the thief and the member both
 * have to log in again.
 */
export async function startSession(db: Db, userId: number, familyId: string = randomUUID()): Promise<{ refreshToken: string; familyId: string }> {
  const { token, hash } = newSecretToken();
  await insertRefreshToken(db, { userId, familyId, tokenHash: hash, expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_MS) });
  return { refreshToken: token, familyId };
}

export type RotateResult =
  | { ok: true; refreshToken: string; user: LoginRow }
  | { ok: false; reason: 'invalid' | 'expired' | 'reused' | 'inactive' }
  | { ok: false; reason: 'banned'; until: Date };

/**
 * One refresh, in one transaction holding the token's row lock (`SELECT … FOR UPDATE`): of two
 * concurrent refreshes with the same token, the second waits for the first to commit and then
 * finds the token rotated — it is handled as a reuse, so exactly one of them succeeds.
 */
export async function rotateSession(db: Database, presented: string): Promise<RotateResult> {
  return db.transaction(async (tx): Promise<RotateResult> => {
    const current = await lockRefreshToken(tx, hashSecretToken(presented));
    if (!current) return { ok: false, reason: 'invalid' };
    if (current.rotatedAt) {
      await revokeFamily(tx, current.familyId);
      return { ok: false, reason: 'reused' };
    }
    if (current.revokedAt) return { ok: false, reason: 'invalid' };
    if (current.expiresAt <= new Date()) return { ok: false, reason: 'expired' };

    const user = await findLoginById(tx, current.userId);
    if (!user || user.deletedAt || user.deactivatedAt) {
      await revokeFamily(tx, current.familyId);
      return { ok: false, reason: 'inactive' };
    }
    // A ban ends with time; the session may resume afterwards, so it is refused but not revoked.
    if (user.bannedUntil && user.bannedUntil > new Date()) return { ok: false, reason: 'banned', until: user.bannedUntil };

    const next = newSecretToken();
    const nextId = await insertRefreshToken(tx, {
      userId: current.userId,
      familyId: current.familyId,
      tokenHash: next.hash,
      expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_MS),
    });
    await markRotated(tx, current.id, nextId);
    return { ok: true, refreshToken: next.token, user };
  });
}

/** Log-out: revokes the presented token (the live end of its family); unknown tokens are ignored. */
export async function endSession(db: Db, presented: string): Promise<void> {
  const row = await findRefreshToken(db, hashSecretToken(presented));
  if (row) await revokeToken(db, row.id);
}
