// @makapix/queues: the BullMQ producer side (queue connections, retry defaults) shared by the api and the
// worker, so the api enqueues without depending on the worker deployable. Job names, queues and payload
// schemas are contracts and live in @makapix/protocol (jobs.ts).
import { JOB_QUEUE, type JobName, type JobPayloadInput, type QueueName } from '@makapix/protocol';
import { type ConnectionOptions, type JobsOptions, Queue } from 'bullmq';

/** Retries with exponential backoff; finished jobs are trimmed so Redis does not grow forever. */
export const WORKER_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export const bullConnection = (redisUrl: string): ConnectionOptions => ({ url: redisUrl, maxRetriesPerRequest: null });

export interface JobQueues {
  queue(name: QueueName): Queue;
  /** Adds a job to the queue the protocol assigns it; a deterministic jobId makes it idempotent. */
  add<N extends JobName>(name: N, payload: JobPayloadInput<N>, opts?: JobsOptions): Promise<string | undefined>;
  close(): Promise<void>;
}

/** Producer side, for the api's queues plugin, the worker's schedulers, seeding scripts and tests. */
export function openQueues(redisUrl: string): JobQueues {
  const queues = new Map<QueueName, Queue>();
  const queue = (name: QueueName) => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: bullConnection(redisUrl), defaultJobOptions: WORKER_JOB_OPTIONS });
      queues.set(name, q);
    }
    return q;
  };
  return {
    queue,
    async add(name, payload, opts) {
      const job = await queue(JOB_QUEUE[name]).add(name, payload, opts);
      return job.id;
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
