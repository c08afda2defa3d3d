import { type Database, emailVerificationTokens, passwordCredentials, passwordResetTokens, users } from '@makapix/db';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../users/repo.ts';

/** Emails are unique ignoring case (index `users_email_lower_key` on lower(email)). */
const emailMatches = (email: string) => sql`lower(${users.email}) = lower(${email})`;

export async function emailExists(db: Db, email: string): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(emailMatches(email)).limit(1);
  return row !== undefined;
}

export interface NewMember {
  email: string;
  handle: string;
  handleCanonical: string;
  role: 'member' | 'owner';
  passwordHash: string;
}

/** The user row and its credential in one transaction; unique violations propagate to the caller. */
export async function insertMember(db: Database, m: NewMember): Promise<number> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({ email: m.email, handle: m.handle, handleCanonical: m.handleCanonical, role: m.role })
      .returning({ id: users.id });
    if (!row) throw new Error('insert into users returned no row');
    await tx.insert(passwordCredentials).values({ userId: row.id, passwordHash: m.passwordHash });
    return row.id;
  });
}

export interface LoginRow {
  id: number;
  email: string;
  role: 'member' | 'moderator' | 'owner';
  emailVerifiedAt: Date | null;
  bannedUntil: Date | null;
  deactivatedAt: Date | null;
  deletedAt: Date | null;
  passwordHash: string | null;
}

const loginColumns = {
  id: users.id,
  email: users.email,
  role: users.role,
  emailVerifiedAt: users.emailVerifiedAt,
  bannedUntil: users.bannedUntil,
  deactivatedAt: users.deactivatedAt,
  deletedAt: users.deletedAt,
  passwordHash: passwordCredentials.passwordHash,
};

export async function findLoginByEmail(db: Db, email: string): Promise<LoginRow | null> {
  const [row] = await db.select(loginColumns).from(users).leftJoin(passwordCredentials, eq(passwordCredentials.userId, users.id)).where(emailMatches(email)).limit(1);
  return row ?? null;
}

export async function findLoginById(db: Db, id: number): Promise<LoginRow | null> {
  const [row] = await db.select(loginColumns).from(users).leftJoin(passwordCredentials, eq(passwordCredentials.userId, users.id)).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

export async function setPasswordHash(db: Db, userId: number, passwordHash: string): Promise<void> {
  await db
    .insert(passwordCredentials)
    .values({ userId, passwordHash })
    .onConflictDoUpdate({ target: passwordCredentials.userId, set: { passwordHash, updatedAt: new Date() } });
}

type TokenTable = typeof emailVerificationTokens | typeof passwordResetTokens;

export async function insertEmailToken(db: Db, table: TokenTable, row: { userId: number; tokenHash: string; expiresAt: Date }): Promise<number> {
  const [inserted] = await db.insert(table).values(row).returning({ id: table.id });
  if (!inserted) throw new Error('token insert returned no row');
  return inserted.id;
}

/**
 * Marks a live (unused, unexpired) emailed token used and returns its member, in one statement,
 * so a token can be spent once however many requests race for it.
 */
export async function consumeEmailToken(db: Db, table: TokenTable, tokenHash: string): Promise<number | null> {
  const [row] = await db
    .update(table)
    .set({ usedAt: new Date() })
    .where(and(eq(table.tokenHash, tokenHash), isNull(table.usedAt), gt(table.expiresAt, sql`now()`)))
    .returning({ userId: table.userId });
  return row?.userId ?? null;
}

export async function isLiveEmailToken(db: Db, table: TokenTable, tokenHash: string): Promise<boolean> {
  const [row] = await db
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.tokenHash, tokenHash), isNull(table.usedAt), gt(table.expiresAt, sql`now()`)))
    .limit(1);
  return row !== undefined;
}

/** Spends every outstanding token of this kind for the member (an older link must not work after a newer one did). */
export async function spendAllEmailTokens(db: Db, table: TokenTable, userId: number): Promise<void> {
  await db.update(table).set({ usedAt: new Date() }).where(and(eq(table.userId, userId), isNull(table.usedAt)));
}

export async function markEmailVerified(db: Db, userId: number): Promise<void> {
  await db.update(users).set({ emailVerifiedAt: new Date() }).where(and(eq(users.id, userId), isNull(users.emailVerifiedAt)));
}
