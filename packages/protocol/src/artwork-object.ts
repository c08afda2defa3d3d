import { z } from 'zod';
import { opaqueText } from './text.ts';

// docs/device-protocol.md §5 "Artwork object" and "Playlist object": what the device receives for a post.
export const NATIVE_FORMATS = ['png', 'gif', 'webp', 'bmp'] as const;
export type NativeFormat = (typeof NATIVE_FORMATS)[number];
/** The two kinds of post (docs/product.md §5): one artwork, or a playlist of artworks. */
export const POST_KINDS = ['artwork', 'playlist'] as const;

/** Optional artwork fields a request may ask for with `include_fields`. */
export const INCLUDE_FIELDS = [
  'owner_handle',
  'metadata_modified_at',
  'artwork_modified_at',
  'width',
  'height',
  'frame_count',
  'dwell_time_ms',
  'transparency_actual',
  'alpha_actual',
] as const;
export type IncludeField = (typeof INCLUDE_FIELDS)[number];

export const DEFAULT_DWELL_TIME_MS = 30_000;

const isoTimestamp = z.iso.datetime({ offset: true });
const postId = z.int().positive();

/** `storage_shard` as the seed lays it out (docs/device-protocol.md §8): `h1/h2/h3`, two lower-case hex chars each. */
export const storageShardSchema = opaqueText().regex(/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{2}$/);

export const artworkObjectSchema = z.object({
  post_id: postId,
  kind: z.literal('artwork'),
  created_at: isoTimestamp,
  storage_key: z.uuid(),
  art_url: z.url(),
  storage_shard: storageShardSchema,
  native_format: z.enum(NATIVE_FORMATS),
  // Only with include_fields; null values are omitted rather than sent (docs/device-protocol.md §5).
  owner_handle: z.string().min(1).optional(),
  metadata_modified_at: isoTimestamp.optional(),
  artwork_modified_at: isoTimestamp.optional(),
  width: z.int().positive().optional(),
  height: z.int().positive().optional(),
  frame_count: z.int().positive().optional(),
  dwell_time_ms: z.int().positive().optional(),
  transparency_actual: z.boolean().optional(),
  alpha_actual: z.boolean().optional(),
});
export type ArtworkObject = z.infer<typeof artworkObjectSchema>;

export const PLAYLIST_MAX_ITEMS = 100;

/** The firmware looks for `artworks[]` in a playlist; the original server never sent it. */
export const playlistObjectSchema = z.object({
  post_id: postId,
  kind: z.literal('playlist'),
  owner_handle: z.string().min(1),
  created_at: isoTimestamp,
  metadata_modified_at: isoTimestamp,
  total_artworks: z.int().min(0),
  dwell_time_ms: z.int().positive(),
  artworks: z.array(artworkObjectSchema).max(PLAYLIST_MAX_ITEMS),
});
export type PlaylistObject = z.infer<typeof playlistObjectSchema>;

export const postObjectSchema = z.discriminatedUnion('kind', [artworkObjectSchema, playlistObjectSchema]);
export type PostObject = z.infer<typeof postObjectSchema>;

type AlwaysField = 'post_id' | 'kind' | 'created_at' | 'storage_key' | 'art_url' | 'storage_shard' | 'native_format';

/** Every artwork column the projection can draw from; optional ones may be null in the database. */
export type ArtworkSource = Pick<ArtworkObject, AlwaysField> & {
  [K in IncludeField]?: ArtworkObject[K] | null;
};

/**
 * Projects a full artwork row onto the wire object: the always-present fields plus the requested
 * `include_fields`, dropping nulls (docs/device-protocol.md §5 "Omit null fields").
 */
export function projectArtwork(source: ArtworkSource, include: readonly IncludeField[] = []): ArtworkObject {
  const out: Record<string, unknown> = {
    post_id: source.post_id,
    kind: source.kind,
    created_at: source.created_at,
    storage_key: source.storage_key,
    art_url: source.art_url,
    storage_shard: source.storage_shard,
    native_format: source.native_format,
  };
  for (const field of include) {
    const value = field === 'dwell_time_ms' ? (source.dwell_time_ms ?? DEFAULT_DWELL_TIME_MS) : source[field];
    if (value !== undefined && value !== null) out[field] = value;
  }
  return out as ArtworkObject;
}

/** Keeps only the known include field names, de-duplicated (unknown names are ignored, not rejected). */
export function normalizeIncludeFields(input: readonly string[] | null | undefined): IncludeField[] {
  if (!input) return [];
  const known = new Set<string>(INCLUDE_FIELDS);
  return [...new Set(input.filter((f): f is IncludeField => known.has(f)))];
}

/** docs/device-protocol.md §5 get_comments item. Ids may be numeric or opaque strings depending on storage. */
const commentId = z.union([z.int().positive(), z.string().min(1)]);
export const commentObjectSchema = z.object({
  comment_id: commentId,
  post_id: postId,
  author_handle: z.string().nullable(),
  body: z.string(),
  depth: z.int().min(0).max(2),
  parent_id: commentId.nullable(),
  created_at: isoTimestamp,
  deleted: z.boolean(),
});
export type CommentObject = z.infer<typeof commentObjectSchema>;
