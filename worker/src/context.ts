import type { Database } from '@makapix/db';
import type { VaultStore } from '@makapix/vault';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WorkerConfig } from './config.ts';
import type { Logger } from './logger.ts';
import type { Mailer } from './mail/mailer.ts';

/** Long-lived services shared by every handler of one worker process. */
export interface WorkerServices {
  config: WorkerConfig;
  db: Database;
  vault: VaultStore;
  mailer: Mailer;
  logger: Logger;
  /** For pub/sub the api relays, e.g. owners' live player events (packages/protocol player-events.ts). */
  redis: Redis;
}

/** One execution of one job: the services plus what the handler needs to know about this run. */
export interface JobContext extends WorkerServices {
  /** The BullMQ job (id, attempts, `updateData` for resumable jobs). */
  job: Pick<Job, 'id' | 'name' | 'attemptsMade' | 'opts' | 'updateData'>;
  /** Logger bound to the job id and name. */
  log: Logger;
  /** No retry follows if this run fails: transient errors must then be treated as final. */
  lastAttempt: boolean;
}
