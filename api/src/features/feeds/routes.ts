import { listQuerySchema, listSchema } from '@makapix/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorBodySchema } from '@makapix/protocol';
import { postSummarySchema } from '@makapix/protocol';
import { VISITOR, type Viewer } from '../../domain/visibility.ts';
import { PageCache } from './page-cache.ts';
import * as service from './service.ts';
import { getFeedsHashtagsTagParamsSchema, getUsersSqidPostsParamsSchema } from '@makapix/protocol';

export interface FeedRoutesOptions {
  vault: { publicBaseUrl: string };
  /** Visitors' public feed pages are served from memory for this long (0 = off); see page-cache.ts. */
  visitorCacheTtlMs: number;
}

type Page = Awaited<ReturnType<typeof service.recentFeed>>;
const JSON_TYPE = 'application/json; charset=utf-8';

const feedSchema = listSchema(postSummarySchema);
const responses = { 200: feedSchema, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };
const pagingNote = 'Newest first; `{items, nextCursor}` with keyset cursors, `limit` default 50, max 200 (docs/product.md §3).';

/** docs/product.md §1 and §4 feeds; every one composes domain/visibility.ts. */
export const feedRoutes: FastifyPluginAsyncZod<FeedRoutesOptions> = async (app, opts) => {
  const ctx: service.FeedsContext = { app, vaultBaseUrl: opts.vault.publicBaseUrl };
  const visitorPages = new PageCache({ ttlMs: opts.visitorCacheTtlMs, maxEntries: 1000 });

  /**
   * Public feeds: a visitor's page comes from the micro-cache, already serialized by this route's
   * response schema (so the bytes are exactly what the uncached path would send); a member's page
   * is always built fresh for them.
   */
  async function publicPage(req: FastifyRequest, reply: FastifyReply, build: (viewer: Viewer) => Promise<Page>) {
    if (req.viewer !== null || !visitorPages.enabled) return build(req.audience);
    const body = await visitorPages.get(req.url, async () => Buffer.from(reply.serialize(await build(VISITOR)) as string));
    return reply.type(JSON_TYPE).send(body);
  }

  /**
   * onRequest: a visitor's fresh cached page is answered before validation and auth. Only URLs
   * that passed both were ever stored (errors are not cached), so nothing is skipped that matters.
   */
  async function cachedForVisitor(req: FastifyRequest, reply: FastifyReply) {
    if (req.headers.authorization !== undefined || !visitorPages.enabled) return;
    const body = visitorPages.peek(req.url);
    if (body) return reply.type(JSON_TYPE).send(body);
  }

  app.get(
    '/feeds/recent',
    {
      onRequest: cachedForVisitor,
      preHandler: app.optionalUser,
      schema: { tags: ['feeds'], summary: 'Recent approved artworks', description: pagingNote, querystring: listQuerySchema, response: responses },
    },
    async (req, reply) => publicPage(req, reply, (viewer) => service.recentFeed(ctx, viewer, req.query)),
  );

  app.get(
    '/feeds/promoted',
    {
      onRequest: cachedForVisitor,
      preHandler: app.optionalUser,
      schema: { tags: ['feeds'], summary: 'Artworks promoted by moderators', description: pagingNote, querystring: listQuerySchema, response: responses },
    },
    async (req, reply) => publicPage(req, reply, (viewer) => service.promotedFeed(ctx, viewer, req.query)),
  );

  app.get(
    '/feeds/hashtags/:tag',
    {
      onRequest: cachedForVisitor,
      preHandler: app.optionalUser,
      schema: {
        tags: ['feeds'],
        summary: 'Approved artworks carrying a hashtag',
        description: `The tag is normalized like on upload (lower-case, without #). ${pagingNote}`,
        params: getFeedsHashtagsTagParamsSchema,
        querystring: listQuerySchema,
        response: responses,
      },
    },
    async (req, reply) => publicPage(req, reply, (viewer) => service.hashtagFeed(ctx, viewer, req.params.tag, req.query)),
  );

  app.get(
    '/feeds/following',
    {
      preHandler: app.requireUser,
      schema: { tags: ['feeds'], summary: 'Artworks of the artists I follow', description: pagingNote, querystring: listQuerySchema, response: responses },
    },
    async (req) => service.followingFeed(ctx, req.audience, req.query),
  );

  app.get(
    '/users/:sqid/posts',
    {
      preHandler: app.optionalUser,
      schema: {
        tags: ['feeds'],
        summary: "An artist's artworks (their profile)",
        description: `Shows posts awaiting approval too; the artist also sees their hidden, processing and failed posts. ${pagingNote}`,
        params: getUsersSqidPostsParamsSchema,
        querystring: listQuerySchema,
        response: responses,
      },
    },
    async (req) => service.profileFeed(ctx, req.audience, app.publicId.decode(req.params.sqid), req.query),
  );
};
