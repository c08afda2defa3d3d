import { sql } from 'drizzle-orm';
import { bigint, check, date, index, pgTable, primaryKey, smallint, text, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { idColumn, refColumn, tstz } from './columns.ts';
import { viewIntent } from './enums.ts';
import { players } from './players.ts';
import { posts } from './posts.ts';

/**
 * docs/product.md §4 Artwork Views: once per viewer per artwork per UTC day. `viewer_key` names the viewer:
 * `u:<user id>` for a member (a device view counts for its owner, docs/device-protocol.md §7) or `v:<hash>` for
 * an anonymous visitor; the unique key makes counting idempotent.
 */
export const artworkViews = pgTable(
  'artwork_views',
  {
    id: idColumn(),
    postId: refColumn('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    viewerKey: text('viewer_key').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    unique('artwork_views_post_viewer_day_key').on(t.postId, t.viewerKey, t.day),
    index('artwork_views_post_day_idx').on(t.postId, t.day),
  ],
);

/** docs/product.md §4 impressions, counted separately from views: one counter row per post per UTC day. */
export const artworkImpressions = pgTable(
  'artwork_impressions',
  {
    postId: refColumn('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    count: bigint('count', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ name: 'artwork_impressions_pkey', columns: [t.postId, t.day] }),
    check('artwork_impressions_count_nonnegative', sql`${t.count} >= 0`),
  ],
);

/**
 * docs/device-protocol.md §7 view events as received from players. The unique key is the duplicate test
 * (same player + post + device timestamp); the cleanup job trims old rows by `received_at`.
 */
export const deviceViewEvents = pgTable(
  'device_view_events',
  {
    id: idColumn(),
    playerId: refColumn('player_id')
      .notNull()
      .references(() => players.id, { onDelete: 'cascade' }),
    postId: refColumn('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    deviceTimestamp: tstz('device_timestamp').notNull(),
    timezone: text('timezone'),
    intent: viewIntent('intent').notNull(),
    playOrder: smallint('play_order'),
    channel: text('channel'),
    channelUserSqid: text('channel_user_sqid'),
    channelHashtag: text('channel_hashtag'),
    receivedAt: tstz('received_at').notNull().defaultNow(),
  },
  (t) => [
    // docs/device-protocol.md §7: a repeat of player + post + device timestamp is a duplicate. A device
    // whose clock is not synced stamps every view 1970-01-01T00:00:00Z, so such stamps identify nothing:
    // they are deduplicated only within the 60 s window (Redis), never forever.
    uniqueIndex('device_view_events_dedup_key')
      .on(t.playerId, t.postId, t.deviceTimestamp)
      .where(sql`${t.deviceTimestamp} >= '2000-01-01T00:00:00Z'`),
    index('device_view_events_received_idx').on(t.receivedAt),
    check('device_view_events_play_order_range', sql`${t.playOrder} between 0 and 2`),
  ],
);
