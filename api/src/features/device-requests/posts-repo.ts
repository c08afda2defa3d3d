import { type Database, literalLimit, playlistItems, posts, preparedPerDb, reactions, users } from '@makapix/db';
import type { Criterion } from '@makapix/protocol';
import { and, asc, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import {
  inPromoted,
  inPromotedPrepared,
  inPublicFeeds,
  inPublicFeedsPrepared,
  isArtwork,
  isReady,
  onProfile,
  onProfilePrepared,
  preparedViewerValues,
  viewableByLink,
  type Viewer,
} from '../../domain/visibility.ts';
import { criteriaSql } from './criteria-sql.ts';

/**
 * What a device can play at all: the files are in the vault and still match their hash. This is not
 * a visibility rule (those come from visibility.ts) but a precondition of the artwork object
 * (docs/device-protocol.md §5 always sends storage_key, storage_shard and native_format).
 */
// Literals, not parameters: a prepared statement's generic plan must see them (packages/db/src/prepared.ts).
const playable: SQL = and(isReady, sql`${posts.nonConformant} = false`, sql`${posts.deletedAt} is null`)!;

const postColumns = {
  id: posts.id,
  kind: posts.kind,
  createdAt: posts.createdAt,
  storageKey: posts.storageKey,
  storageShard: posts.storageShard,
  nativeFormat: posts.nativeFormat,
  width: posts.width,
  height: posts.height,
  frameCount: posts.frameCount,
  transparencyActual: posts.transparencyActual,
  alphaActual: posts.alphaActual,
  metadataModifiedAt: posts.metadataModifiedAt,
  artworkModifiedAt: posts.artworkModifiedAt,
  ownerHandle: users.handle,
};

export interface PostRow {
  id: number;
  kind: 'artwork' | 'playlist';
  createdAt: Date;
  storageKey: string | null;
  storageShard: string | null;
  nativeFormat: 'png' | 'gif' | 'webp' | 'bmp' | null;
  width: number | null;
  height: number | null;
  frameCount: number | null;
  transparencyActual: boolean | null;
  alphaActual: boolean | null;
  metadataModifiedAt: Date;
  artworkModifiedAt: Date | null;
  ownerHandle: string;
}

/** Which posts a query_posts channel draws from (docs/device-protocol.md §5 "Channel rules"). */
export type ChannelScope =
  | { type: 'public' }
  | { type: 'promoted' }
  | { type: 'own' }
  | { type: 'by_user'; userId: number }
  | { type: 'hashtag'; tag: string }
  | { type: 'reactions'; userId: number };

/**
 * The channel rules as compositions of visibility.ts with the owner's Viewer: public channels show
 * only what public feeds show; `user` is the owner's own posts as their profile shows them to
 * themself (unapproved and hidden included); `reactions` adds the owner's own posts to the public ones.
 */
function channelCondition(viewer: Viewer, scope: ChannelScope): SQL {
  const ownerId = viewer.userId;
  switch (scope.type) {
    case 'public':
      return inPublicFeeds(viewer);
    case 'promoted':
      return inPromoted(viewer);
    case 'own':
      return ownerId === null ? sql`false` : onProfile(viewer, ownerId);
    case 'by_user':
      return and(inPublicFeeds(viewer), eq(posts.ownerId, scope.userId))!;
    case 'hashtag':
      return and(inPublicFeeds(viewer), sql`${posts.hashtags} @> array[${scope.tag}]::text[]`)!;
    case 'reactions':
      return ownerId === null ? inPublicFeeds(viewer) : or(inPublicFeeds(viewer), onProfile(viewer, ownerId))!;
  }
}

/** Keyset orders of docs/device-protocol.md §5 query_posts; `key` is the text form the cursor carries. */
export type FeedOrder = { sort: 'id' } | { sort: 'created_at' } | { sort: 'random'; seed: string } | { sort: 'reacted_at' };

export interface FeedQuery {
  viewer: Viewer;
  scope: ChannelScope;
  criteria: readonly Criterion[];
  order: FeedOrder;
  after: { key: string; id: number } | null;
  limit: number;
}

// Microsecond UTC text: a JS Date would drop PostgreSQL's microseconds and the keyset would then
// skip or repeat rows that share a millisecond.
const usText = (col: SQL | SQL.Aliased | typeof posts.createdAt) =>
  sql<string>`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

type Prepared = 'public' | 'promoted' | 'own';
/** Device page sizes are 1–50 (docs/device-protocol.md §5): the buckets up to 50. */
const DEVICE_BUCKETS = [10, 20, 50] as const;

/**
 * The channels players poll all day — `all`/`artwork`, `promoted` and `user`, in server order,
 * without criteria — as named prepared statements with literal constants and LIMITs, whose generic
 * plan walks the id index and stops after a page (domain/generic-plans.int.test.ts). Everything else
 * is built per request and planned with its values, on purpose: criteria combine freely (a plan per
 * combination), `random` orders by a per-seed hash (a sort of every candidate whatever the plan),
 * and a hashtag's or a target user's best plan depends on how many posts they have.
 */
const preparedChannels = preparedPerDb((db: Database) => {
  const statement = (condition: SQL, name: string, bucket: number) =>
    db
      .select({ ...postColumns, sortKey: sql<string>`${posts.id}::text`.as('sort_key') })
      .from(posts)
      .innerJoin(users, eq(users.id, posts.ownerId))
      .where(and(condition, playable, lt(posts.id, sql.placeholder('beforeId'))))
      .orderBy(desc(posts.id))
      .limit(literalLimit(bucket + 1))
      .prepare(`device_channel_${name}_${bucket}`);
  const channel = (condition: SQL, name: string) => new Map(DEVICE_BUCKETS.map((b) => [b, statement(condition, name, b)] as const));
  return {
    public: channel(inPublicFeedsPrepared(), 'public'),
    promoted: channel(inPromotedPrepared(), 'promoted'),
    own: channel(onProfilePrepared(true), 'own'),
  };
});

function preparedChannelOf(q: FeedQuery): Prepared | null {
  if (q.order.sort !== 'id' || q.criteria.length > 0 || q.limit > 50) return null;
  if (q.scope.type === 'own') return q.viewer.userId === null ? null : 'own';
  return q.scope.type === 'public' || q.scope.type === 'promoted' ? q.scope.type : null;
}

/** One page (limit + 1 rows, so the caller can tell whether there is more) of a device channel. */
export async function queryFeedPosts(db: Database, q: FeedQuery): Promise<(PostRow & { sortKey: string })[]> {
  const prepared = preparedChannelOf(q);
  if (prepared) {
    const bucket = DEVICE_BUCKETS.find((b) => b >= q.limit) ?? 50;
    const rows = await preparedChannels(db)[prepared].get(bucket)!.execute({
      ...preparedViewerValues(q.viewer),
      ownerId: q.viewer.userId,
      beforeId: q.after ? q.after.id : Number.MAX_SAFE_INTEGER,
    });
    return (rows.length > q.limit + 1 ? rows.slice(0, q.limit + 1) : rows) as (PostRow & { sortKey: string })[];
  }
  // `reactions`: posts the target reacted to, each once, at its newest reaction (reacted_at).
  const r =
    q.scope.type !== 'reactions'
      ? undefined
      : db
          .select({ postId: reactions.postId, reactedAt: sql<Date>`max(${reactions.createdAt})`.as('reacted_at') })
          .from(reactions)
          .where(eq(reactions.userId, q.scope.userId))
          .groupBy(reactions.postId)
          .as('r');
  const reactedAt = r ? sql`${r.reactedAt}` : undefined;

  let sortKey: SQL<string>;
  let orderBy: SQL[];
  let afterCond: SQL | undefined;
  const after = q.after;
  switch (q.order.sort) {
    case 'id':
      sortKey = sql<string>`${posts.id}::text`;
      orderBy = [desc(posts.id)];
      afterCond = after ? lt(posts.id, after.id) : undefined;
      break;
    case 'created_at':
      sortKey = usText(posts.createdAt);
      orderBy = [desc(posts.createdAt), desc(posts.id)];
      afterCond = after ? sql`(${posts.createdAt}, ${posts.id}) < (${after.key}::timestamptz, ${after.id})` : undefined;
      break;
    case 'random': {
      // Stable per seed (docs/device-protocol.md §5): the order is a hash of the id and the seed.
      const hash = sql<string>`(md5(${posts.id}::text || ':' || ${q.order.seed}) collate "C")`;
      sortKey = hash;
      orderBy = [asc(hash), asc(posts.id)];
      afterCond = after ? sql`(${hash}, ${posts.id}) > (${after.key} collate "C", ${after.id})` : undefined;
      break;
    }
    case 'reacted_at':
      if (!reactedAt) throw new TypeError('reacted_at order needs the reactions channel');
      sortKey = usText(reactedAt);
      orderBy = [sql`${reactedAt} desc`, desc(posts.id)];
      afterCond = after ? sql`(${reactedAt}, ${posts.id}) < (${after.key}::timestamptz, ${after.id})` : undefined;
      break;
  }

  const base = db
    .select({ ...postColumns, sortKey: sortKey.as('sort_key') })
    .from(posts)
    .innerJoin(users, eq(users.id, posts.ownerId))
    .$dynamic();
  const joined = r ? base.innerJoin(r, eq(r.postId, posts.id)) : base;
  const rows = await joined
    .where(and(channelCondition(q.viewer, q.scope), playable, criteriaSql(q.criteria), afterCond))
    .orderBy(...orderBy)
    .limit(q.limit + 1);
  return rows as (PostRow & { sortKey: string })[];
}

/** One post with how the viewer may see it: get_post's not_found / deleted / not_visible (docs/device-protocol.md §5). */
export async function findPostForViewer(
  db: Database,
  postId: number,
  viewer: Viewer,
): Promise<{ post: PostRow; deleted: boolean; visible: boolean } | null> {
  const [row] = await db
    .select({
      ...postColumns,
      deleted: sql<boolean>`${posts.deletedAt} is not null`,
      visible: sql<boolean>`(${and(viewableByLink(viewer), playable)})`,
    })
    .from(posts)
    .innerJoin(users, eq(users.id, posts.ownerId))
    .where(eq(posts.id, postId))
    .limit(1);
  if (!row) return null;
  const { deleted, visible, ...post } = row;
  return { post: post as PostRow, deleted, visible };
}

/**
 * The artworks of the given playlists that the viewer may see by link and a device can play, in
 * playlist order, each with its per-item dwell time (docs/product.md §5).
 */
export async function listPlaylistArtworks(
  db: Database,
  playlistIds: readonly number[],
  viewer: Viewer,
): Promise<(PostRow & { playlistId: number; dwellTimeMs: number })[]> {
  if (playlistIds.length === 0) return [];
  const rows = await db
    .select({ ...postColumns, playlistId: playlistItems.playlistId, dwellTimeMs: playlistItems.dwellTimeMs })
    .from(playlistItems)
    .innerJoin(posts, eq(posts.id, playlistItems.artworkId))
    .innerJoin(users, eq(users.id, posts.ownerId))
    .where(and(inArray(playlistItems.playlistId, [...playlistIds]), isArtwork, viewableByLink(viewer), playable))
    .orderBy(asc(playlistItems.playlistId), asc(playlistItems.position));
  return rows as (PostRow & { playlistId: number; dwellTimeMs: number })[];
}
