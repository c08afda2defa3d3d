import { listQuerySchema, listSchema } from '@makapix/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FeedsContext } from '../feeds/service.ts';
import { errorBodySchema } from '@makapix/protocol';
import { postSummarySchema } from '@makapix/protocol';
import * as service from './service.ts';
import { artistHitSchema, hashtagHitSchema, searchResponseSchema } from '@makapix/protocol';
import { searchQuerySchema } from '@makapix/protocol';

export interface SearchRoutesOptions {
  vault: { publicBaseUrl: string };
}

/** docs/product.md §1: visitors and members search artworks, artists and hashtags. */
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
