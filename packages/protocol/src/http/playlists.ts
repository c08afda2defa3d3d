import { z } from 'zod';
import { opaqueText, text } from '../text.ts';
import { codePointLength } from '../requests.ts';
import { ownerRefSchema, postSummarySchema } from './posts.ts';

// Playlists under /api/v1 (docs/product.md §5): ordered artworks with per-item dwell time, public or hidden.

/** docs/product.md §5; the database holds the same bound as a check constraint (@makapix/db playlists). */
export const MAX_PLAYLIST_ITEMS = 100;

const chars = (min: number, max: number, what: string) =>
  text()
    .max(max * 4)
    .trim()
    .refine((s) => codePointLength(s) >= min && codePointLength(s) <= max, { error: `${what} is ${min}–${max} characters` });
const playlistTitleSchema = chars(1, 128, 'a title');
const playlistDescriptionSchema = chars(0, 5000, 'a description').nullable();


export const playlistParamsSchema = z.object({ sqid: opaqueText({ min: 1, max: 32 }).describe('sqid of the playlist') });

export const playlistSummarySchema = z.object({
  id: z.string(),
  owner: ownerRefSchema,
  title: z.string(),
  description: z.string().nullable(),
  public: z.boolean().describe('false: only the owner (and moderators) can see it'),
  itemCount: z.int().min(0).describe('items the caller can see'),
  createdAt: z.iso.datetime(),
  modifiedAt: z.iso.datetime(),
});
export type PlaylistSummary = z.infer<typeof playlistSummarySchema>;

export const postPlaylistsBodySchema = z.object({ title: playlistTitleSchema, description: playlistDescriptionSchema.optional(), public: z.boolean() });
export type PostPlaylistsBody = z.infer<typeof postPlaylistsBodySchema>;

export const patchPlaylistsSqidBodySchema = z.object({ title: playlistTitleSchema.optional(), description: playlistDescriptionSchema.optional(), public: z.boolean().optional() });
export type PatchPlaylistsSqidBody = z.infer<typeof patchPlaylistsSqidBodySchema>;

export const putPlaylistsSqidItemsBodySchema = z.object({
          items: z
            .array(z.object({ postId: opaqueText({ min: 1, max: 32 }), dwellTimeMs: z.int().min(1_000).max(3_600_000) }))
            .max(MAX_PLAYLIST_ITEMS),
        });
export type PutPlaylistsSqidItemsBody = z.infer<typeof putPlaylistsSqidItemsBodySchema>;

export const getUsersSqidPlaylistsParamsSchema = z.object({ sqid: opaqueText({ min: 1, max: 32 }).describe('sqid of the member') });
export type GetUsersSqidPlaylistsParams = z.infer<typeof getUsersSqidPlaylistsParamsSchema>;

export const playlistDetailSchema = playlistSummarySchema.extend({
  items: z.array(z.object({ position: z.int().min(0), dwellTimeMs: z.int(), artwork: postSummarySchema })),
});
export type PlaylistDetail = z.infer<typeof playlistDetailSchema>;
