import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

/** Sent by a worker once its listeners are open (main.ts). */
export const WORKER_READY = 'makapix-broker-ready';

const RESTART_DELAY_MS = 1_000;

/**
 * BROKER_PROCESSES > 1: the primary forks that many broker workers and does nothing else. Node's
 * cluster module shares the mTLS and internal listeners: the primary accepts and hands connections
 * round-robin to the workers, each a full broker (own Aedes, kick subscriber, CRL poller, heartbeat)
 * sharing sessions through Redis. Every worker gets its own instance id (`{id}-w{n}`; a restarted
 * worker a new one, so the Aedes wills of a crashed one are published by the others).
 *
 * A worker that dies before it is ready stops the whole broker (bad config, port taken): restarting
 * it would only loop. One that dies later is replaced after a second.
 */
export function runPrimary(options: { processes: number; instanceId: string; logger: Logger }): void {
  const { processes, instanceId, logger } = options;
  let forked = 0;
  let stopping = false;
  const ready = new WeakSet<Worker>();

  const fork = () => {
    forked += 1;
    const id = `${instanceId}-w${forked}`;
    const worker = cluster.fork({ BROKER_INSTANCE_ID: id });
    worker.on('message', (message: unknown) => {
      if (message === WORKER_READY) ready.add(worker);
    });
    worker.once('exit', (code, signal) => {
      if (stopping) return;
      if (!ready.has(worker)) {
        logger.fatal({ worker: id, code, signal }, 'broker worker failed to start; stopping');
        return void shutdown('worker failure', 1);
      }
      logger.error({ worker: id, code, signal }, 'broker worker died; replacing it');
      setTimeout(() => stopping || fork(), RESTART_DELAY_MS);
    });
  };

  const shutdown = (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'stopping broker workers');
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    if (workers.length === 0) process.exit(exitCode);
    let left = workers.length;
    for (const worker of workers) {
      worker.once('exit', () => {
        left -= 1;
        if (left === 0) process.exit(exitCode);
      });
      worker.process.kill('SIGTERM');
    }
    // Workers stop within 10 s themselves (main.ts); this only covers one that hangs.
    setTimeout(() => process.exit(1), 15_000).unref();
  };

  process.on('SIGINT', () => (stopping ? process.exit(1) : shutdown('SIGINT', 0)));
  process.on('SIGTERM', () => shutdown('SIGTERM', 0));
  logger.info({ processes }, 'starting broker workers');
  for (let i = 0; i < processes; i += 1) fork();
}
