import { follows, playsets, users } from '@makapix/db';
import type { ExposureMode, PickMode, PlaysetChannel } from '@makapix/protocol';
import { and, asc, count, desc, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../players/repo.ts';

export type PlaysetRow = typeof playsets.$inferSelect;

export interface PlaysetValues {
  name: string;
  channels: PlaysetChannel[];
  exposureMode: ExposureMode;
  pickMode: PickMode;
}

export const PLAYSET_NAME_UNIQUE = 'playsets_owner_name_key';

export async function countPlaysets(db: Db, ownerId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(playsets).where(eq(playsets.ownerId, ownerId));
  return row?.n ?? 0;
}

export async function listPlaysets(db: Db, ownerId: number, page: { afterId: number | null; limit: number }): Promise<PlaysetRow[]> {
  return db
    .select()
    .from(playsets)
    .where(and(eq(playsets.ownerId, ownerId), page.afterId === null ? undefined : gt(playsets.id, page.afterId)))
    .orderBy(asc(playsets.id))
    .limit(page.limit + 1);
}

export async function findPlayset(db: Db, ownerId: number, name: string): Promise<PlaysetRow | null> {
  const [row] = await db.select().from(playsets).where(and(eq(playsets.ownerId, ownerId), eq(playsets.name, name))).limit(1);
  return row ?? null;
}

export async function insertPlayset(db: Db, ownerId: number, values: PlaysetValues): Promise<PlaysetRow> {
  const [row] = await db.insert(playsets).values({ ownerId, ...values }).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function updatePlayset(db: Db, id: number, values: PlaysetValues): Promise<PlaysetRow> {
  const [row] = await db.update(playsets).set({ ...values, updatedAt: new Date() }).where(eq(playsets.id, id)).returning();
  if (!row) throw new Error(`playset ${id} vanished`);
  return row;
}

export async function deletePlayset(db: Db, ownerId: number, name: string): Promise<boolean> {
  const rows = await db.delete(playsets).where(and(eq(playsets.ownerId, ownerId), eq(playsets.name, name))).returning({ id: playsets.id });
  return rows.length > 0;
}

/** The members among `ids` that exist and are not deleted (channel identifiers must name one). */
export async function existingUserIds(db: Db, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db.select({ id: users.id }).from(users).where(and(inArray(users.id, [...ids]), isNull(users.deletedAt)));
  return new Set(rows.map((r) => r.id));
}

/** docs/device-protocol.md §5 `followed_artists`: the artists the member follows, newest follow first. */
export async function listFollowedArtists(db: Db, followerId: number, limit: number): Promise<{ id: number; handle: string }[]> {
  return db
    .select({ id: users.id, handle: users.handle })
    .from(follows)
    .innerJoin(users, eq(users.id, follows.followeeId))
    .where(and(eq(follows.followerId, followerId), isNull(users.deletedAt)))
    .orderBy(desc(follows.createdAt), desc(follows.followeeId))
    .limit(limit);
}
