import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startWorker } from './start-worker.ts';

/** `tsx worker/src/main.ts`: the worker process. SIGTERM/SIGINT let active jobs finish first. */
const config = loadConfig();
const logger = createLogger(config.log);
const worker = await startWorker(config, { logger });

// `on`, not `once`: under `npx tsx` the signal can arrive twice (relayed by tsx and sent to the
// process group), and a second delivery without a listener would kill the process mid-job.
let signalled = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, 'shutting down');
    worker.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
