import { z } from 'zod';
import { opaqueText, text } from '../text.ts';
import { NATIVE_FORMATS } from '../artwork-object.ts';

// Posts under /api/v1 (docs/product.md §2, §3: camelCase, sqid ids): the upload and edit fields, and the
// summary and detail shapes the posts, feeds and search routes answer with.

/** docs/product.md §2; the database holds the same bound as a check constraint (@makapix/db posts). */
export const MAX_HASHTAGS_PER_POST = 64;
// docs/product.md §2: title 1–128 chars, description ≤5000, hashtags lower-cased, '#' stripped,
// de-duplicated, ≤64 per post and each ≤64 chars.
export const MAX_TITLE_CHARS = 128;
export const MAX_DESCRIPTION_CHARS = 5000;
export const MAX_HASHTAG_CHARS = 64;

/** One hashtag as typed by a person: `#PixelArt` → `pixelart`; '' when nothing is left. */
export function normalizeHashtagInput(raw: string): string {
  return raw.normalize('NFC').trim().replace(/^#+/, '').toLowerCase();
}

/** Normalized, empty ones dropped, first occurrence kept (order is the artist's). */
export function normalizeHashtags(raw: readonly string[]): string[] {
  return [...new Set(raw.map(normalizeHashtagInput).filter((t) => t.length > 0))];
}

const hashtag = text()
  .max(MAX_HASHTAG_CHARS, `a hashtag has at most ${MAX_HASHTAG_CHARS} characters`)
  .regex(/^[^\s#,]+$/u, 'a hashtag has no spaces, commas or inner #');

/** Takes raw hashtags, normalizes them, then enforces the limits on the normalized list. */
export const hashtagsSchema = z
  .array(text({ max: 256 }))
  .max(MAX_HASHTAGS_PER_POST * 4)
  .transform(normalizeHashtags)
  .pipe(z.array(hashtag).max(MAX_HASHTAGS_PER_POST, `at most ${MAX_HASHTAGS_PER_POST} hashtags per post`));

export const titleSchema = text()
  .transform((s) => s.trim())
  .pipe(z.string().min(1, 'the title is required').max(MAX_TITLE_CHARS, `the title has at most ${MAX_TITLE_CHARS} characters`));

/** An empty description is stored as null (no description). */
export const descriptionSchema = text()
  .max(MAX_DESCRIPTION_CHARS, `the description has at most ${MAX_DESCRIPTION_CHARS} characters`)
  .transform((s) => (s.trim() === '' ? null : s));

/** The text fields of an upload form (multipart strings; hashtags arrive as one or more fields). */
export const uploadFieldsSchema = z.object({
  title: titleSchema,
  description: descriptionSchema.nullable().default(null),
  hashtags: hashtagsSchema.default([]),
});
export type UploadFields = z.output<typeof uploadFieldsSchema>;

/** `PATCH /posts/{sqid}`: every field optional, at least one present. */
export const postPatchSchema = z
  .object({
    title: titleSchema.optional(),
    description: descriptionSchema.nullable().optional(),
    hashtags: hashtagsSchema.optional(),
  })
  .strict()
  .refine((p) => p.title !== undefined || p.description !== undefined || p.hashtags !== undefined, {
    message: 'nothing to change: send title, description or hashtags',
  });
export type PostPatch = z.output<typeof postPatchSchema>;

export const POST_STATES = ['processing', 'ready', 'failed'] as const;
export const postStateSchema = z.enum(POST_STATES);
export type PostState = z.infer<typeof postStateSchema>;
/** The four formats of a file and its renditions (the vault's extensions, docs/device-protocol.md §8). */
export const postFormatSchema = z.enum(NATIVE_FORMATS);

export const ownerRefSchema = z.object({ id: z.string(), handle: z.string() });
export type OwnerRef = z.infer<typeof ownerRefSchema>;

export const postFilesSchema = z.object({
  /** The native file, as uploaded. */
  artUrl: z.string(),
  /** Whole-number nearest-neighbour preview (docs/product.md §2). */
  upscaledUrl: z.string(),
  /** Every rendition the worker writes: static → png, gif, webp, bmp; animated → gif, webp. */
  renditions: z.array(z.object({ format: postFormatSchema, url: z.string() })),
});
export type PostFiles = z.infer<typeof postFilesSchema>;

export const postSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  hashtags: z.array(z.string()),
  state: postStateSchema,
  owner: ownerRefSchema,
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  nativeFormat: postFormatSchema.nullable(),
  frameCount: z.number().int().nullable(),
  artUrl: z.string().nullable(),
  upscaledUrl: z.string().nullable(),
  createdAt: z.string(),
});
export type PostSummary = z.infer<typeof postSummarySchema>;

export const postStatsSchema = z.object({
  views: z.number().int(),
  viewsToday: z.number().int(),
  impressions: z.number().int(),
  reactions: z.number().int(),
});
export type PostStats = z.infer<typeof postStatsSchema>;

export const postDetailSchema = postSummarySchema.extend({
  kind: z.literal('artwork'),
  description: z.string().nullable(),
  fileBytes: z.number().int().nullable(),
  minFrameDurationMs: z.number().int().nullable(),
  maxFrameDurationMs: z.number().int().nullable(),
  totalDurationMs: z.number().int().nullable(),
  uniqueColors: z.number().int().nullable(),
  transparency: z.object({ declared: z.boolean().nullable(), actual: z.boolean().nullable() }),
  alpha: z.object({ declared: z.boolean().nullable(), actual: z.boolean().nullable() }),
  approved: z.boolean(),
  promoted: z.boolean(),
  metadataModifiedAt: z.string(),
  artworkModifiedAt: z.string().nullable(),
  files: postFilesSchema.nullable(),
  counts: z.object({ reactions: z.number().int(), comments: z.number().int(), views: z.number().int() }),
  /** Only for the artist (docs/product.md §1 "see per-artwork views and reactions"); null for everyone else. */
  ownerInfo: z
    .object({
      failureReason: z.string().nullable(),
      hiddenByOwner: z.boolean(),
      hiddenByModerator: z.boolean(),
      replacementPending: z.boolean(),
      stats: postStatsSchema,
    })
    .nullable(),
});
export type PostDetail = z.infer<typeof postDetailSchema>;

export const postParamsSchema = z.object({ sqid: opaqueText({ min: 1, max: 64 }) });
export type PostParams = z.infer<typeof postParamsSchema>;

export const deletePostsSqidResponse204Schema = z.null().describe('Deleted');
export type DeletePostsSqidResponse204 = z.infer<typeof deletePostsSqidResponse204Schema>;
