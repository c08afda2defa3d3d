import { MAX_HASHTAGS_PER_POST } from '@makapix/protocol';
import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAtColumn, idColumn, refColumn, tstz } from './columns.ts';
import { imageFormat, postKind, postState } from './enums.ts';
import { users } from './users.ts';

// docs/product.md §2 upload limits, mirrored as CHECK constraints so no code path can store an impossible artwork.
export const MAX_ARTWORK_BYTES = 5 * 1024 * 1024;
export const MAX_ARTWORK_SIDE = 256;
export const MAX_ARTWORK_FRAMES = 1024;
// The hashtag bound is the HTTP contract's (@makapix/protocol http/posts.ts).
export { MAX_HASHTAGS_PER_POST };

/**
 * Artworks and playlists share one table so both have a `post_id` (docs/device-protocol.md §5 returns either
 * kind from `query_posts`). Artwork-only columns are null for playlists.
 */
export const posts = pgTable(
  'posts',
  {
    id: idColumn(),
    kind: postKind('kind').notNull(),
    ownerId: refColumn('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    description: text('description'),
    // docs/product.md §2: lower-case, without '#', de-duplicated by the app.
    hashtags: text('hashtags').array().notNull().default(sql`'{}'::text[]`),
    state: postState('state').notNull().default('processing'),
    failureReason: text('failure_reason'),
    // docs/device-protocol.md §8: content at a key never changes; replacing the image mints a new key.
    storageKey: uuid('storage_key').unique(),
    // A replacement being processed; promoted to storage_key by the worker once its files are in the vault.
    pendingStorageKey: uuid('pending_storage_key').unique(),
    storageShard: text('storage_shard'),
    nativeFormat: imageFormat('native_format'),
    width: integer('width'),
    height: integer('height'),
    fileBytes: integer('file_bytes'),
    frameCount: integer('frame_count'),
    minFrameDurationMs: integer('min_frame_duration_ms'),
    maxFrameDurationMs: integer('max_frame_duration_ms'),
    totalDurationMs: integer('total_duration_ms'),
    uniqueColors: integer('unique_colors'),
    transparencyMeta: boolean('transparency_meta'),
    alphaMeta: boolean('alpha_meta'),
    transparencyActual: boolean('transparency_actual'),
    alphaActual: boolean('alpha_actual'),
    // Lower-case hex SHA-256 of the uploaded bytes (docs/product.md §2 duplicate detection).
    sha256: text('sha256'),
    approvedAt: tstz('approved_at'),
    hiddenByModAt: tstz('hidden_by_mod_at'),
    hiddenByOwnerAt: tstz('hidden_by_owner_at'),
    promotedAt: tstz('promoted_at'),
    deletedAt: tstz('deleted_at'),
    // docs/product.md §2: set by verify-vault when the native file no longer matches its hash.
    nonConformant: boolean('non_conformant').notNull().default(false),
    metadataModifiedAt: tstz('metadata_modified_at').notNull().defaultNow(),
    artworkModifiedAt: tstz('artwork_modified_at'),
    createdAt: createdAtColumn(),
  },
  (t) => [
    // Keyset indexes are ascending on purpose: a backward btree scan yields exactly `ORDER BY … DESC`
    // (NULLS FIRST), which a drizzle-kit `DESC NULLS LAST` index would not match.
    // Public feeds (docs/product.md §1, docs/device-protocol.md §5 channel rules): newest first by id over visible posts.
    index('posts_public_feed_idx')
      .on(t.id)
      .where(
        sql`${t.state} = 'ready' and ${t.approvedAt} is not null and ${t.hiddenByModAt} is null and ${t.hiddenByOwnerAt} is null and ${t.deletedAt} is null and ${t.nonConformant} = false`,
      ),
    index('posts_owner_idx').on(t.ownerId, t.id),
    index('posts_created_at_idx').on(t.createdAt, t.id),
    index('posts_promoted_idx').on(t.promotedAt, t.id).where(sql`${t.promotedAt} is not null`),
    index('posts_approval_queue_idx').on(t.id).where(sql`${t.approvedAt} is null and ${t.deletedAt} is null`),
    index('posts_deleted_at_idx').on(t.deletedAt).where(sql`${t.deletedAt} is not null`),
    index('posts_hashtags_idx').using('gin', t.hashtags),
    index('posts_title_trgm_idx').using('gin', t.title.op('gin_trgm_ops')),
    // docs/product.md §2: the same bytes twice → 409 naming the existing post; deleted or failed uploads free the hash.
    uniqueIndex('posts_sha256_live_key')
      .on(t.sha256)
      .where(sql`${t.deletedAt} is null and ${t.state} <> 'failed'`),
    check('posts_title_length', sql`char_length(${t.title}) between 1 and 128`),
    check('posts_description_length', sql`${t.description} is null or char_length(${t.description}) <= 5000`),
    check('posts_hashtags_count', sql`cardinality(${t.hashtags}) <= ${sql.raw(String(MAX_HASHTAGS_PER_POST))}`),
    check('posts_failed_has_reason', sql`${t.state} <> 'failed' or ${t.failureReason} is not null`),
    check(
      'posts_artwork_has_storage',
      sql`(${t.kind} = 'artwork') = (${t.storageKey} is not null and ${t.sha256} is not null)`,
    ),
    check(
      'posts_ready_artwork_metadata',
      sql`${t.kind} <> 'artwork' or ${t.state} <> 'ready' or (${t.storageShard} is not null and ${t.nativeFormat} is not null and ${t.width} is not null and ${t.height} is not null and ${t.fileBytes} is not null and ${t.frameCount} is not null)`,
    ),
    check('posts_width_range', sql`${t.width} between 1 and ${sql.raw(String(MAX_ARTWORK_SIDE))}`),
    check('posts_height_range', sql`${t.height} between 1 and ${sql.raw(String(MAX_ARTWORK_SIDE))}`),
    check('posts_file_bytes_range', sql`${t.fileBytes} between 1 and ${sql.raw(String(MAX_ARTWORK_BYTES))}`),
    check('posts_frame_count_range', sql`${t.frameCount} between 1 and ${sql.raw(String(MAX_ARTWORK_FRAMES))}`),
    check('posts_sha256_hex', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
  ],
);

// docs/product.md §6 cleanup: vault files whose post was purged or whose image was replaced, deleted later.
export const retiredVaultFiles = pgTable(
  'retired_vault_files',
  {
    id: idColumn(),
    storageKey: uuid('storage_key').notNull().unique(),
    retiredAt: tstz('retired_at').notNull().defaultNow(),
  },
  (t) => [index('retired_vault_files_retired_at_idx').on(t.retiredAt)],
);
