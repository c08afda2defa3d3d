import { auditLog, type Database, posts, users, type DbOrTx } from '@makapix/db';
import { and, count, eq, isNull, ne } from 'drizzle-orm';
import { onProfile, type Viewer } from '../../domain/visibility.ts';

/** A drizzle handle or an open transaction. */
export type Db = DbOrTx;

export const profileColumns = {
  id: users.id,
  email: users.email,
  handle: users.handle,
  bio: users.bio,
  avatarUrl: users.avatarUrl,
  role: users.role,
  trusted: users.trusted,
  reputation: users.reputation,
  monitoredHashtags: users.monitoredHashtags,
  emailDigest: users.emailDigest,
  emailVerifiedAt: users.emailVerifiedAt,
  hiddenAt: users.hiddenAt,
  bannedUntil: users.bannedUntil,
  deactivatedAt: users.deactivatedAt,
  deletedAt: users.deletedAt,
  createdAt: users.createdAt,
};
const selectProfiles = (db: Db) => db.select(profileColumns).from(users);
export type ProfileRow = Awaited<ReturnType<typeof selectProfiles>>[number];

export async function findProfileById(db: Db, id: number): Promise<ProfileRow | null> {
  const [row] = await selectProfiles(db).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

export async function findProfileByCanonicalHandle(db: Db, canonical: string): Promise<ProfileRow | null> {
  const [row] = await selectProfiles(db).where(eq(users.handleCanonical, canonical)).limit(1);
  return row ?? null;
}

/** Id of the member holding this canonical handle, if any. */
export async function findIdByCanonicalHandle(db: Db, canonical: string): Promise<number | null> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.handleCanonical, canonical)).limit(1);
  return row?.id ?? null;
}

/** Ready posts of a profile as this viewer may see them (visibility composed, never restated). */
export async function countProfilePosts(db: Db, viewer: Viewer, ownerId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(posts)
    .where(and(onProfile(viewer, ownerId), eq(posts.state, 'ready')));
  return row?.n ?? 0;
}

export interface ProfileChanges {
  handle?: string;
  handleCanonical?: string;
  bio?: string | null;
  avatarUrl?: string | null;
  monitoredHashtags?: string[];
  emailDigest?: boolean;
}

export async function updateProfile(db: Db, id: number, changes: ProfileChanges): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await db.update(users).set(changes).where(eq(users.id, id));
}

/** Sets a role and appends the audit row in one transaction (docs/product.md §1: every moderation action is logged). */
export async function setRoleAudited(db: Database, input: { actorId: number; userId: number; from: ProfileRow['role']; to: ProfileRow['role'] }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(users).set({ role: input.to }).where(eq(users.id, input.userId));
    await tx.insert(auditLog).values({
      actorId: input.actorId,
      action: 'user.set_role',
      targetType: 'user',
      targetId: String(input.userId),
      details: { from: input.from, to: input.to },
    });
  });
}

/** Promotes to owner (OWNER_EMAILS); never demotes. */
export async function promoteToOwner(db: Db, id: number): Promise<void> {
  await db.update(users).set({ role: 'owner' }).where(and(eq(users.id, id), ne(users.role, 'owner')));
}

/** Storage key of a member's own ready, undeleted artwork (their avatar candidates), or null. */
export async function findOwnReadyStorageKey(db: Db, ownerId: number, postId: number): Promise<string | null> {
  const [row] = await db
    .select({ storageKey: posts.storageKey })
    .from(posts)
    .where(and(eq(posts.id, postId), eq(posts.ownerId, ownerId), eq(posts.state, 'ready'), isNull(posts.deletedAt)))
    .limit(1);
  return row?.storageKey ?? null;
}
