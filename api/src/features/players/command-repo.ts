import { playerCommands, posts, users } from '@makapix/db';
import type { CommandType } from '@makapix/protocol';
import { and, desc, eq, isNotNull, isNull, lt } from 'drizzle-orm';
import { viewableByLink, type Viewer } from '../../domain/visibility.ts';
import type { Db } from './repo.ts';

export type CommandRow = typeof playerCommands.$inferSelect;

export async function insertCommand(
  db: Db,
  values: { commandId: string; playerId: number; issuedById: number; commandType: CommandType; payload: Record<string, unknown>; sentAt: Date },
): Promise<CommandRow> {
  const [row] = await db.insert(playerCommands).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** A command the broker refused to take is not in the log (it never left). */
export async function deleteCommand(db: Db, id: number): Promise<void> {
  await db.delete(playerCommands).where(eq(playerCommands.id, id));
}

/** Newest first, keyset on id (limit + 1 rows for pageOf). */
export async function listCommands(db: Db, playerId: number, page: { beforeId: number | null; limit: number }): Promise<CommandRow[]> {
  return db
    .select()
    .from(playerCommands)
    .where(and(eq(playerCommands.playerId, playerId), page.beforeId === null ? undefined : lt(playerCommands.id, page.beforeId)))
    .orderBy(desc(playerCommands.id))
    .limit(page.limit + 1);
}

/**
 * docs/device-protocol.md §6 `show_artwork`: a ready artwork the viewer may open by direct link
 * (domain/visibility.ts), with the fields the command carries.
 */
export async function findShowableArtwork(db: Db, viewer: Viewer, postId: number) {
  const [row] = await db
    .select({
      id: posts.id,
      title: posts.title,
      storageKey: posts.storageKey,
      storageShard: posts.storageShard,
      nativeFormat: posts.nativeFormat,
      width: posts.width,
      height: posts.height,
    })
    .from(posts)
    .where(and(eq(posts.id, postId), eq(posts.kind, 'artwork'), eq(posts.state, 'ready'), isNotNull(posts.storageKey), viewableByLink(viewer)))
    .limit(1);
  return row ?? null;
}

/** The member a `by_user` / `reactions` channel names (the firmware shows the handle). */
export async function findChannelUser(db: Db, userId: number): Promise<{ id: number; handle: string } | null> {
  const [row] = await db
    .select({ id: users.id, handle: users.handle })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .limit(1);
  return row ?? null;
}
