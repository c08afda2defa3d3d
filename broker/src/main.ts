import cluster from 'node:cluster';
import { pino, type Logger } from 'pino';
import { runPrimary, WORKER_READY } from './cluster.ts';
import { type BrokerConfig, loadConfig } from './config.ts';
import { createBrokerServer } from './server.ts';

/** docs/architecture.md §3.12: structured pino logs; `LOG_FORMAT=pretty` for the dev command. */
function createLogger(log: BrokerConfig['log'], instanceId: string): Logger {
  return pino({
    name: 'broker',
    level: log.level,
    base: { instanceId },
    ...(log.pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
  });
}

// The broker process: parse config (fail fast), start listeners, stop gracefully on SIGINT/SIGTERM.
let config;
try {
  config = loadConfig();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

const logger = createLogger(config.log, config.instanceId);
// BROKER_PROCESSES > 1: this process only supervises the workers (cluster.ts), each of which runs
// the code below with its own instance id.
if (config.processes > 1 && cluster.isPrimary) {
  runPrimary({ processes: config.processes, instanceId: config.instanceId, logger });
} else {
  await runBroker(config, logger);
}

async function runBroker(config: BrokerConfig, logger: Logger): Promise<void> {
  const server = createBrokerServer(config, logger);

  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    // A worker gets Ctrl-C from the terminal and SIGTERM from the primary: one shutdown, no escalation.
    if (stopping && cluster.isWorker) return;
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    await server.stop();
    logger.flush();
    process.exit(0);
  }

  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    await server.start();
    if (cluster.isWorker) process.send?.(WORKER_READY);
  } catch (err) {
    logger.fatal({ err }, 'broker failed to start');
    logger.flush();
    process.exit(1);
  }
}
