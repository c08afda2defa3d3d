import { mkdir } from 'node:fs/promises';
import { createDb } from '@makapix/db';
import { JOB_QUEUE, JOB_SCHEDULES, type JobName, type JobSchedule, startHeartbeat } from '@makapix/protocol';
import { createVaultStore, describeVaultStore } from '@makapix/vault';
import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { WorkerConfig } from './config.ts';
import type { WorkerServices } from './context.ts';
import { ALL_JOBS } from './jobs/index.ts';
import { type Logger, createLogger } from './logger.ts';
import { createMailer } from './mail/mailer.ts';
import { WORKER_JOB_OPTIONS, bullConnection, openQueues } from '@makapix/queues';
import { type JobDefinition, buildRegistry } from './registry.ts';

export interface StartWorkerOptions {
  logger?: Logger;
  /** Replaces the job list (tests); still checked by buildRegistry against `requiredJobs`. */
  jobs?: readonly JobDefinition[];
  requiredJobs?: readonly JobName[];
}

export interface RunningWorker {
  readonly services: WorkerServices;
  /** Graceful: waits for active jobs to finish, then closes every connection. */
  stop(): Promise<void>;
}

/**
 * Starts one BullMQ Worker per queue (artwork, email, maintenance) in this process, registers the
 * docs/product.md §6 schedules and beats the heartbeat. Refuses to start on an incomplete job registry.
 */
export async function startWorker(config: WorkerConfig, options: StartWorkerOptions = {}): Promise<RunningWorker> {
  const registry = buildRegistry(options.jobs ?? ALL_JOBS, options.requiredJobs);
  const logger = options.logger ?? createLogger(config.log);
  const dbHandle = createDb(config.db.url, { max: config.db.poolMax });
  // An idle client dropped by the server (restart, failover) must not crash the process: the pool
  // replaces it, and queries in flight fail and are retried as transient errors.
  dbHandle.pool.on('error', (err) => logger.warn({ err: err.message }, 'idle database connection lost'));
  await mkdir(config.vault.incomingDir, { recursive: true });
  // Heartbeats and the jobs' pub/sub (BullMQ keeps its own connections).
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 2 });
  const services: WorkerServices = {
    config,
    db: dbHandle.db,
    vault: await createVaultStore(config.vault),
    mailer: createMailer(config.mail),
    logger,
    redis,
  };

  const processJob = async (job: Job) => {
    const attempts = job.opts.attempts ?? 1;
    const log = logger.child({ jobId: job.id, job: job.name, attempt: job.attemptsMade + 1 });
    const started = Date.now();
    const result = await registry.run(job.name, job.data, { ...services, job, log, lastAttempt: job.attemptsMade + 1 >= attempts });
    log.debug({ ms: Date.now() - started }, 'job done');
    return result;
  };

  const workers = registry.queues.map((queue) => {
    const worker = new Worker(queue, processJob, {
      connection: bullConnection(config.redis.url),
      // Image work is CPU-bound; mail and upkeep are I/O-bound and cheap.
      concurrency: queue === 'artwork' ? config.worker.concurrency : queue === 'email' ? 4 : 1,
      lockDuration: config.worker.lockDurationMs,
      stalledInterval: config.worker.stalledIntervalMs,
      maxStalledCount: config.worker.maxStalledCount,
    });
    worker.on('failed', (job, err) => {
      logger.warn({ jobId: job?.id, job: job?.name, attempt: job?.attemptsMade, err: err.message }, 'job failed');
    });
    worker.on('error', (err) => logger.error({ queue, err: err.message }, 'worker error'));
    return worker;
  });

  const queues = openQueues(config.redis.url);
  if (config.worker.schedulers) {
    for (const [name, schedule] of Object.entries(JOB_SCHEDULES) as [JobName, JobSchedule][]) {
      if (!registry.get(name)) continue;
      const repeat = 'cronUtc' in schedule ? { pattern: schedule.cronUtc, tz: 'UTC' } : { every: schedule.everyMs };
      // Upserted by name: every worker process may do this at start without creating duplicates.
      await queues.queue(JOB_QUEUE[name]).upsertJobScheduler(name, repeat, {
        name,
        data: {},
        opts: { attempts: 3, backoff: WORKER_JOB_OPTIONS.backoff, removeOnComplete: 100, removeOnFail: 1000 },
      });
    }
  }

  const stopHeartbeat = startHeartbeat(redis, 'worker', config.worker.instanceId);
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  logger.info({ queues: registry.queues, jobs: registry.names, instanceId: config.worker.instanceId, vault: describeVaultStore(config.vault) }, 'worker started');

  let stopping: Promise<void> | undefined;
  return {
    services,
    stop() {
      stopping ??= (async () => {
        logger.info('worker stopping: waiting for active jobs');
        await Promise.all(workers.map((w) => w.close()));
        await stopHeartbeat();
        redis.disconnect();
        await queues.close();
        services.mailer.close();
        await services.vault.close?.();
        await dbHandle.close();
        logger.info('worker stopped');
      })();
      return stopping;
    },
  };
}
