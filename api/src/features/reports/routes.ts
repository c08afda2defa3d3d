import { reportStatus, reportTargetType } from '@makapix/db';
import { codePointLength } from '@makapix/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses } from '../../error-responses.ts';
import { createReport } from './service.ts';
import { postReportsBodySchema, reportSchema } from '@makapix/protocol';


/** docs/product.md §1 reports of posts, comments and members (the queue itself is moderation's). */
export const reportRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/reports',
    {
      preHandler: app.requireUser,
      schema: {
        tags: ['social'],
        summary: 'Report a post, a comment or a member to the moderators',
        description: 'A second report of the same target while yours is open → 409 `already_reported`; 10 per hour → 429.',
        body: postReportsBodySchema,
        response: { 201: reportSchema, ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (req, reply) => {
      const row = await createReport(app, req.viewer!.id, req.body);
      const encode = app.publicId.encode;
      return reply.status(201).send({ id: encode(row.id), targetType: row.targetType, targetId: encode(row.targetId), status: row.status, createdAt: row.createdAt.toISOString() });
    },
  );
};
