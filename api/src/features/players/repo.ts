import { type Database, players, playerTokens, users, type DbOrTx, uniqueViolation } from '@makapix/db';
import { and, asc, count, eq, gt, isNotNull, isNull, or, sql } from 'drizzle-orm';

/** A drizzle handle or an open transaction. */
export type Db = DbOrTx;

export type PlayerRow = typeof players.$inferSelect;

const PENDING_CODE_INDEX = 'players_pending_registration_code_key';

/** docs/device-protocol.md §2.1: a code collision among pending codes; provisioning retries with a new code. */
export function isPendingCodeConflict(err: unknown): boolean {
  return uniqueViolation(err, PENDING_CODE_INDEX);
}

export async function insertProvisionedPlayer(
  db: Db,
  values: { playerKey: string; code: string; expiresAt: Date; deviceModel: string | null; firmwareVersion: string | null },
): Promise<PlayerRow> {
  const [row] = await db
    .insert(players)
    .values({
      playerKey: values.playerKey,
      registrationCode: values.code,
      registrationCodeExpiresAt: values.expiresAt,
      deviceModel: values.deviceModel,
      firmwareVersion: values.firmwareVersion,
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** docs/device-protocol.md §2.2: a pending code, not expired (database clock), locked until the transaction ends. */
export async function lockPendingByCode(tx: Db, code: string): Promise<PlayerRow | null> {
  const [row] = await tx
    .select()
    .from(players)
    .where(
      and(
        eq(players.registrationCode, code),
        isNull(players.registeredAt),
        isNull(players.deletedAt),
        gt(players.registrationCodeExpiresAt, sql`now()`),
      ),
    )
    .for('update')
    .limit(1);
  return row ?? null;
}

/** Serialises registrations of one member so the per-member player limit cannot be overrun. */
export async function lockUser(tx: Db, userId: number): Promise<void> {
  await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
}

export async function countOwnedPlayers(db: Db, ownerId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(players).where(and(eq(players.ownerId, ownerId), isNull(players.deletedAt)));
  return row?.n ?? 0;
}

export async function updatePlayer(db: Db, id: number, changes: Partial<typeof players.$inferInsert>): Promise<PlayerRow> {
  const [row] = await db.update(players).set(changes).where(eq(players.id, id)).returning();
  if (!row) throw new Error(`player ${id} vanished`);
  return row;
}

/**
 * docs/device-protocol.md §2.3 (ours): drops the stored key of the current certificate once the device has
 * connected with it. Conditional on the row still naming that certificate with no renewal pending,
 * so a concurrent re-issue or renewal (whose new key must stay) is never undone.
 */
export async function clearDeliveredKey(db: Db, playerKey: string, serial: string): Promise<boolean> {
  const rows = await db
    .update(players)
    .set({ encryptedKeyPem: null })
    .where(
      and(
        eq(players.playerKey, playerKey),
        eq(players.certSerial, serial),
        isNull(players.pendingCertSerial),
        isNotNull(players.encryptedKeyPem),
      ),
    )
    .returning({ id: players.id });
  return rows.length > 0;
}

export async function findPlayerByKey(db: Db, playerKey: string): Promise<PlayerRow | null> {
  const [row] = await db.select().from(players).where(eq(players.playerKey, playerKey)).limit(1);
  return row ?? null;
}

export async function lockPlayer(tx: Db, id: number): Promise<PlayerRow | null> {
  const [row] = await tx.select().from(players).where(eq(players.id, id)).for('update').limit(1);
  return row ?? null;
}

/** A registered, non-deleted player of `ownerId` (the only players an owner may see or touch). */
export async function findOwnedPlayer(db: Db, ownerId: number, playerKey: string): Promise<PlayerRow | null> {
  const [row] = await db
    .select()
    .from(players)
    .where(and(eq(players.playerKey, playerKey), eq(players.ownerId, ownerId), isNotNull(players.registeredAt), isNull(players.deletedAt)))
    .limit(1);
  return row ?? null;
}

/** At most MAX_PLAYERS_PER_USER rows, so the owner list needs no paging. */
export async function listOwnedPlayers(db: Db, ownerId: number): Promise<PlayerRow[]> {
  return db
    .select()
    .from(players)
    .where(and(eq(players.ownerId, ownerId), isNotNull(players.registeredAt), isNull(players.deletedAt)))
    .orderBy(asc(players.registeredAt), asc(players.id));
}

/** docs/device-protocol.md §2.6: one active token per player, so the previous one is revoked first. */
export async function replaceActiveToken(tx: Db, playerId: number, tokenHash: string, now: Date): Promise<void> {
  await tx.update(playerTokens).set({ revokedAt: now }).where(and(eq(playerTokens.playerId, playerId), isNull(playerTokens.revokedAt)));
  await tx.insert(playerTokens).values({ playerId, tokenHash, createdAt: now });
}

export async function revokeActiveTokens(db: Db, playerId: number, now: Date): Promise<void> {
  await db.update(playerTokens).set({ revokedAt: now }).where(and(eq(playerTokens.playerId, playerId), isNull(playerTokens.revokedAt)));
}

/**
 * The device behind an active token: registered, not deleted, owned by a member who is not deleted,
 * deactivated or banned (docs/device-protocol.md §5 `authentication_failed` rules).
 */
export async function findDeviceByTokenHash(db: Db, tokenHash: string): Promise<{ playerId: number; playerKey: string; ownerId: number } | null> {
  const [row] = await db
    .select({ playerId: players.id, playerKey: players.playerKey, ownerId: users.id })
    .from(playerTokens)
    .innerJoin(players, eq(players.id, playerTokens.playerId))
    .innerJoin(users, eq(users.id, players.ownerId))
    .where(
      and(
        eq(playerTokens.tokenHash, tokenHash),
        isNull(playerTokens.revokedAt),
        isNotNull(players.registeredAt),
        isNull(players.deletedAt),
        isNull(users.deletedAt),
        isNull(users.deactivatedAt),
        or(isNull(users.bannedUntil), sql`${users.bannedUntil} <= now()`),
      ),
    )
    .limit(1);
  return row ?? null;
}
