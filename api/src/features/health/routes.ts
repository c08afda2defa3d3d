import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkHealth } from './service.ts';

const probeSchema = z.union([
  z.object({ status: z.literal('up'), latencyMs: z.number() }),
  z.object({ status: z.literal('down'), error: z.string() }),
  z.object({ status: z.literal('absent') }),
]);
const memberSchema = z.object({ instanceId: z.string(), pid: z.number().int(), startedAt: z.string(), lastSeenAt: z.string() });
const processSchema = z.object({
  status: z.enum(['up', 'down', 'absent']),
  instances: z.number().int(),
  lastSeenAt: z.string().nullable(),
  // Each live process (e.g. every broker process of every machine), by instance id.
  members: z.array(memberSchema),
});
const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  components: z.object({ db: probeSchema, redis: probeSchema, worker: processSchema, broker: processSchema }),
});

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
