import { MAX_PLAYLIST_ITEMS } from '@makapix/protocol';
import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { createdAtColumn, idColumn, refColumn, tstz } from './columns.ts';
import { exposureMode, pickMode } from './enums.ts';
import { posts } from './posts.ts';
import { users } from './users.ts';

// docs/product.md §1: a playlist holds at most 100 artworks; positions 0..99 make that a constraint.
// The bound is the HTTP contract's (@makapix/protocol http/playlists.ts).
export { MAX_PLAYLIST_ITEMS };
// docs/product.md §5: a playset has 1–64 channels.
export const MAX_PLAYSET_CHANNELS = 64;
// docs/device-protocol.md §5: always available, computed from follows, so no saved playset may take the name.
export const DYNAMIC_PLAYSET_NAME = 'followed_artists';

/** The artworks of a playlist post (posts.kind = 'playlist'), in order, each with its dwell time. */
export const playlistItems = pgTable(
  'playlist_items',
  {
    id: idColumn(),
    playlistId: refColumn('playlist_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    artworkId: refColumn('artwork_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    dwellTimeMs: integer('dwell_time_ms').notNull().default(30000),
    createdAt: createdAtColumn(),
  },
  (t) => [
    unique('playlist_items_position_key').on(t.playlistId, t.position),
    index('playlist_items_artwork_idx').on(t.artworkId),
    check('playlist_items_position_range', sql`${t.position} between 0 and ${sql.raw(String(MAX_PLAYLIST_ITEMS - 1))}`),
    check('playlist_items_dwell_positive', sql`${t.dwellTimeMs} > 0`),
    check('playlist_items_not_self', sql`${t.playlistId} <> ${t.artworkId}`),
  ],
);

/**
 * A named device configuration (docs/product.md §5). `channels` holds the docs/device-protocol.md §6 `execute_playset`
 * channel objects as validated by @makapix/protocol.
 */
export const playsets = pgTable(
  'playsets',
  {
    id: idColumn(),
    ownerId: refColumn('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    channels: jsonb('channels').$type<unknown[]>().notNull(),
    exposureMode: exposureMode('exposure_mode').notNull().default('equal'),
    pickMode: pickMode('pick_mode').notNull().default('recency'),
    createdAt: createdAtColumn(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    unique('playsets_owner_name_key').on(t.ownerId, t.name),
    check('playsets_name_length', sql`char_length(${t.name}) between 1 and 64`),
    check('playsets_name_not_dynamic', sql`${t.name} <> ${sql.raw(`'${DYNAMIC_PLAYSET_NAME}'`)}`),
    check(
      'playsets_channels_count',
      // CASE, not AND: jsonb_array_length raises on a non-array and AND does not short-circuit.
      sql`case when jsonb_typeof(${t.channels}) = 'array' then jsonb_array_length(${t.channels}) between 1 and ${sql.raw(String(MAX_PLAYSET_CHANNELS))} else false end`,
    ),
  ],
);
