import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { checkHealth } from './service.ts';
import { healthSchema, probeSchema, processSchema } from '@makapix/protocol';

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Health of the api and every component it depends on',
        description: '200 when every present component is up; 503 when any is down. Worker and broker are `absent` until they have reported once.',
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_req, reply) => {
      const report = await checkHealth({ pg: app.pg, redis: app.redis });
      return reply.status(report.status === 'ok' ? 200 : 503).send(report);
    },
  );
};
