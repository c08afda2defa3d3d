import { listQuerySchema, listSchema } from '@makapix/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FeedsContext } from '../feeds/service.ts';
import { errorBodySchema } from '../../error-responses.ts';
import { postSummarySchema } from '../posts/present.ts';
import * as service from './service.ts';

export interface SearchRoutesOptions {
  vault: { publicBaseUrl: string };
}

const searchQuerySchema = listQuerySchema.extend({
  q: z
    .string()
    .transform((s) => s.trim())
    .pipe(z.string().min(1, 'type something to search for').max(100)),
  type: z.enum(service.SEARCH_TYPES).default('artworks'),
});

const artistHitSchema = z.object({ id: z.string(), handle: z.string(), avatarUrl: z.string().nullable() });
const hashtagHitSchema = z.object({ tag: z.string(), postCount: z.number().int() });
const searchResponseSchema = z.union([listSchema(postSummarySchema), listSchema(artistHitSchema), listSchema(hashtagHitSchema)]);

/** SPEC.md §1: visitors and members search artworks, artists and hashtags. */
export const searchRoutes: FastifyPluginAsyncZod<SearchRoutesOptions> = async (app, opts) => {
  const ctx: FeedsContext = { app, vaultBaseUrl: opts.vault.publicBaseUrl };

  app.get(
    '/search',
    {
      preHandler: app.optionalUser,
      schema: {
        tags: ['search'],
        summary: 'Search artworks (title or hashtag), artists (handle) or hashtags',
        description:
          'Substring match, case-insensitive (pg_trgm indexes). Artworks newest first, artists and hashtags alphabetically; ' +
          'only what the caller may see in public feeds. `{items, nextCursor}`; items are post summaries, ' +
          '`{id, handle, avatarUrl}` or `{tag, postCount}` depending on `type`.',
        querystring: searchQuerySchema,
        response: { 200: searchResponseSchema, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema },
      },
    },
    async (req) => {
      const viewer = req.audience;
      const { q, type, ...page } = req.query;
      if (type === 'artists') return service.searchArtists(ctx, viewer, q, page);
      if (type === 'hashtags') return service.searchHashtags(ctx, viewer, q, page);
      return service.searchArtworks(ctx, viewer, q, page);
    },
  );
};
