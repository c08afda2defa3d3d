import { MAX_HASHTAGS_PER_POST } from '@makapix/db';
import { z } from 'zod';

// SPEC.md §2: title 1–128 chars, description ≤5000, hashtags lower-cased, '#' stripped,
// de-duplicated, ≤64 per post and each ≤64 chars.
export const MAX_TITLE_CHARS = 128;
export const MAX_DESCRIPTION_CHARS = 5000;
export const MAX_HASHTAG_CHARS = 64;

/** One hashtag as typed by a person: `#PixelArt` → `pixelart`; '' when nothing is left. */
export function normalizeHashtag(raw: string): string {
  return raw.normalize('NFC').trim().replace(/^#+/, '').toLowerCase();
}

/** Normalized, empty ones dropped, first occurrence kept (order is the artist's). */
export function normalizeHashtags(raw: readonly string[]): string[] {
  return [...new Set(raw.map(normalizeHashtag).filter((t) => t.length > 0))];
}

const hashtag = z
  .string()
  .max(MAX_HASHTAG_CHARS, `a hashtag has at most ${MAX_HASHTAG_CHARS} characters`)
  .regex(/^[^\s#,]+$/u, 'a hashtag has no spaces, commas or inner #');

/** Takes raw hashtags, normalizes them, then enforces the limits on the normalized list. */
export const hashtagsSchema = z
  .array(z.string().max(256))
  .max(MAX_HASHTAGS_PER_POST * 4)
  .transform(normalizeHashtags)
  .pipe(z.array(hashtag).max(MAX_HASHTAGS_PER_POST, `at most ${MAX_HASHTAGS_PER_POST} hashtags per post`));

export const titleSchema = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string().min(1, 'the title is required').max(MAX_TITLE_CHARS, `the title has at most ${MAX_TITLE_CHARS} characters`));

/** An empty description is stored as null (no description). */
export const descriptionSchema = z
  .string()
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

/**
 * A multipart `hashtags` field may be sent once per tag or once with several tags separated by
 * spaces or commas (the natural shape of a single text input).
 */
export function splitHashtagField(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(/[\s,]+/u)).filter((t) => t.length > 0);
}
