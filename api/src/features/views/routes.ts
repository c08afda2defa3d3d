import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorBodySchema } from '@makapix/protocol';
import { postStatsSchema } from '@makapix/protocol';
import * as service from './service.ts';
import { getPostsSqidStatsQuerySchema, viewPostParamsSchema, statsResponseSchema, viewBodySchema, viewOutcomeSchema } from '@makapix/protocol';

const errors4xx = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 429: errorBodySchema };

/** docs/product.md §4 views and impressions from the web, and the artist's per-day statistics. */
export const viewRoutes: FastifyPluginAsyncZod = async (app) => {
  const ctx: service.ViewsContext = { app };

  app.post(
    '/posts/:sqid/view',
    {
      // The IP limit first: it is the cheaper check and needs no database.
      preHandler: [app.rateLimitByIp('view'), app.optionalUser],
      schema: {
        tags: ['views'],
        summary: 'Report a view (≥2 s on the page) or an impression of an artwork',
        description:
          'A view counts once per viewer per artwork per UTC day and needs `dwellMs` ≥ 2000; impressions are counted ' +
          'separately. The artist’s own looks are accepted and never counted. Always 202 `{counted, reason}`; 120 per minute per IP, then 429 with Retry-After.',
        params: viewPostParamsSchema,
        body: viewBodySchema,
        response: { 202: viewOutcomeSchema, ...errors4xx },
      },
    },
    async (req, reply) => {
      const viewer = req.audience;
      const client = { ip: req.ip, userAgent: req.headers['user-agent'] ?? '' };
      const outcome = await service.reportView(ctx, viewer, client, app.publicId.decode(req.params.sqid), req.body);
      return reply.status(202).send(outcome);
    },
  );

  app.get(
    '/posts/:sqid/stats',
    {
      preHandler: app.requireUser,
      schema: {
        tags: ['views'],
        summary: 'Views, impressions and reactions per UTC day (artist only)',
        params: viewPostParamsSchema,
        querystring: getPostsSqidStatsQuerySchema,
        response: { 200: statsResponseSchema, ...errors4xx },
      },
    },
    async (req) => service.postStats(ctx, req.audience, app.publicId.decode(req.params.sqid), req.query.days),
  );
};
