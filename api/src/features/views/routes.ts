import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBodySchema } from '../../error-responses.ts';
import { postStatsSchema } from '../posts/present.ts';
import * as service from './service.ts';

const sqidParamsSchema = z.object({ sqid: z.string().min(1).max(64) });

const viewBodySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('view'), dwellMs: z.int().min(0).max(24 * 3600 * 1000).optional() }),
  z.object({ kind: z.literal('impression') }),
]);

const viewOutcomeSchema = z.object({
  counted: z.boolean(),
  reason: z.enum(['own_post', 'too_short', 'already_counted']).nullable(),
});

const statsResponseSchema = z.object({
  days: z.array(z.object({ day: z.string(), views: z.number().int(), impressions: z.number().int(), reactions: z.number().int() })),
  totals: postStatsSchema,
});

const errors4xx = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 429: errorBodySchema };

/** SPEC.md §4 views and impressions from the web, and the artist's per-day statistics. */
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
        params: sqidParamsSchema,
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
        params: sqidParamsSchema,
        querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }),
        response: { 200: statsResponseSchema, ...errors4xx },
      },
    },
    async (req) => service.postStats(ctx, req.audience, app.publicId.decode(req.params.sqid), req.query.days),
  );
};
