import { blocks, comments, type Database, follows, literalLimit, players, playsets, preparedPerDb, users } from '@makapix/db';
import { and, asc, desc, eq, gt, isNull, sql } from 'drizzle-orm';

export interface DevicePlayerRow {
  id: number;
  playerKey: string;
  ownerId: number | null;
  registeredAt: Date | null;
  deletedAt: Date | null;
  /** docs/device-protocol.md §2.3–2.4: the certificates a message's session serial is compared with. */
  certSerial: string | null;
  pendingCertSerial: string | null;
  /** The (encrypted) device key is still stored, i.e. not yet retired after delivery (§2.3 (ours)). */
  holdsDeviceKey: boolean;
}

export interface DeviceOwnerRow {
  id: number;
  handle: string;
  role: 'member' | 'moderator' | 'owner';
  bannedUntil: Date | null;
  deactivatedAt: Date | null;
  deletedAt: Date | null;
  /** The owner's monitored-hashtag opt-ins: the player follows them (docs/device-protocol.md §5). */
  monitoredHashtags: string[];
}

export interface DeviceRow {
  player: DevicePlayerRow;
  owner: DeviceOwnerRow | null;
}

// A named prepared statement (one per database handle): it runs for every device message, so
// drizzle builds it once and PostgreSQL parses and plans it once per pooled connection.
const prepareFindPlayerWithOwner = (db: Database) =>
  db
    .select({
      player: {
        id: players.id,
        playerKey: players.playerKey,
        ownerId: players.ownerId,
        registeredAt: players.registeredAt,
        deletedAt: players.deletedAt,
        certSerial: players.certSerial,
        pendingCertSerial: players.pendingCertSerial,
        holdsDeviceKey: sql<boolean>`${players.encryptedKeyPem} is not null`,
      },
      ownerId: users.id,
      handle: users.handle,
      role: users.role,
      bannedUntil: users.bannedUntil,
      deactivatedAt: users.deactivatedAt,
      ownerDeletedAt: users.deletedAt,
      monitoredHashtags: users.monitoredHashtags,
    })
    .from(players)
    .leftJoin(users, eq(users.id, players.ownerId))
    .where(eq(players.playerKey, sql.placeholder('playerKey')))
    .limit(literalLimit(1))
    .prepare('device_player_with_owner');

const findPlayerWithOwnerQuery = preparedPerDb(prepareFindPlayerWithOwner);

/**
 * The player behind a topic key or token with everything a device message needs, in ONE query
 * (it runs for every request and view): its certificate serials and its owner's account and opt-ins
 * (docs/device-protocol.md §5 first checks).
 */
export async function findPlayerWithOwner(db: Database, playerKey: string): Promise<DeviceRow | null> {
  const [row] = await findPlayerWithOwnerQuery(db).execute({ playerKey });
  if (!row) return null;
  const owner =
    row.ownerId === null || row.handle === null || row.role === null
      ? null
      : {
          id: row.ownerId,
          handle: row.handle,
          role: row.role,
          bannedUntil: row.bannedUntil,
          deactivatedAt: row.deactivatedAt,
          deletedAt: row.ownerDeletedAt,
          monitoredHashtags: row.monitoredHashtags ?? [],
        };
  return { player: row.player, owner };
}

export interface TargetUser {
  id: number;
  handle: string;
}

/** A live account by id (channel targets: by_user, reactions). */
export async function findActiveUserById(db: Database, id: number): Promise<TargetUser | null> {
  const [row] = await db
    .select({ id: users.id, handle: users.handle })
    .from(users)
    .where(and(eq(users.id, id), isNull(users.deletedAt), isNull(users.deactivatedAt)))
    .limit(1);
  return row ?? null;
}

/** A live account by canonical handle (docs/product.md §1: handles compare ignoring case and look-alikes). */
export async function findActiveUserByCanonicalHandle(db: Database, canonical: string): Promise<TargetUser | null> {
  const [row] = await db
    .select({ id: users.id, handle: users.handle })
    .from(users)
    .where(and(eq(users.handleCanonical, canonical), isNull(users.deletedAt), isNull(users.deactivatedAt)))
    .limit(1);
  return row ?? null;
}

/** Artists the owner follows whose accounts are live, most recently followed first. */
export async function listFollowedArtists(db: Database, ownerId: number, limit: number): Promise<TargetUser[]> {
  return db
    .select({ id: users.id, handle: users.handle })
    .from(follows)
    .innerJoin(users, eq(users.id, follows.followeeId))
    .where(
      and(
        eq(follows.followerId, ownerId),
        isNull(users.deletedAt),
        isNull(users.deactivatedAt),
        isNull(users.hiddenAt),
        sql`(${users.bannedUntil} is null or ${users.bannedUntil} <= now())`,
      ),
    )
    .orderBy(desc(follows.createdAt), desc(users.id))
    .limit(limit);
}

export async function findSavedPlayset(db: Database, ownerId: number, name: string) {
  const [row] = await db
    .select({ name: playsets.name, channels: playsets.channels, exposureMode: playsets.exposureMode, pickMode: playsets.pickMode })
    .from(playsets)
    .where(and(eq(playsets.ownerId, ownerId), eq(playsets.name, name)))
    .limit(1);
  return row ?? null;
}

export interface CommentRow {
  id: number;
  postId: number;
  parentId: number | null;
  depth: number;
  body: string;
  createdAt: Date;
  deletedAt: Date | null;
  hiddenAt: Date | null;
  authorHandle: string;
  authorId: number;
  authorGone: boolean;
  blockedByViewer: boolean;
}

/** Comments of one post in id order (parents before replies), keyset after `afterId`. */
export async function listPostComments(
  db: Database,
  args: { postId: number; viewerId: number; afterId: number | null; limit: number },
): Promise<CommentRow[]> {
  return db
    .select({
      id: comments.id,
      postId: comments.postId,
      parentId: comments.parentId,
      depth: comments.depth,
      body: comments.body,
      createdAt: comments.createdAt,
      deletedAt: comments.deletedAt,
      hiddenAt: comments.hiddenAt,
      authorHandle: users.handle,
      authorId: users.id,
      authorGone: sql<boolean>`(${users.deletedAt} is not null or ${users.hiddenAt} is not null)`,
      blockedByViewer: sql<boolean>`exists (select 1 from ${blocks} b where b.blocker_id = ${args.viewerId} and b.blocked_id = ${comments.authorId})`,
    })
    .from(comments)
    .innerJoin(users, eq(users.id, comments.authorId))
    .where(and(eq(comments.postId, args.postId), args.afterId === null ? undefined : gt(comments.id, args.afterId)))
    .orderBy(asc(comments.id))
    .limit(args.limit);
}
