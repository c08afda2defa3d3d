import type { JobName, JobPayloadInput } from '@makapix/protocol';
import { openQueues } from '@makapix/queues';
import type { JobsOptions } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Enqueues a job on the queue the protocol assigns to it. Pass a deterministic `jobId` derived
     * from the entity (protocol `jobIds`), so enqueueing twice is a no-op (docs/product.md §6).
     */
    enqueue: <N extends JobName>(name: N, payload: JobPayloadInput<N>, opts: JobsOptions & { jobId: string }) => Promise<void>;
  }
}

/** The shared producer (@makapix/queues: same queues, same retry/backoff defaults) used by every api route. */
export const queuesPlugin = fp<{ redisUrl: string }>(async (app: FastifyInstance, opts) => {
  const queues = openQueues(opts.redisUrl);
  app.decorate('enqueue', async (name, payload, jobOpts) => {
    await queues.add(name, payload, jobOpts);
  });
  app.addHook('onClose', async () => queues.close());
});
