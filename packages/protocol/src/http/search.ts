import { z } from 'zod';
import { text } from '../text.ts';
import { listQuerySchema } from './lists.ts';
import { listSchema } from './lists.ts';
import { postSummarySchema } from './posts.ts';

// Search under /api/v1 (docs/product.md §1): artworks, artists and hashtags.

export const SEARCH_TYPES = ['artworks', 'artists', 'hashtags'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

export const artistHitSchema = z.object({ id: z.string(), handle: z.string(), avatarUrl: z.string().nullable() });
export type ArtistHit = z.infer<typeof artistHitSchema>;

export const hashtagHitSchema = z.object({ tag: z.string(), postCount: z.number().int() });
export type HashtagHit = z.infer<typeof hashtagHitSchema>;

export const searchResponseSchema = z.union([listSchema(postSummarySchema), listSchema(artistHitSchema), listSchema(hashtagHitSchema)]);

export const searchQuerySchema = listQuerySchema.extend({
  q: text()
    .transform((s) => s.trim())
    .pipe(z.string().min(1, 'type something to search for').max(100)),
  type: z.enum(SEARCH_TYPES).default('artworks'),
});
export type SearchQuery = z.infer<typeof searchQuerySchema>;
