import { pino, type Logger } from 'pino';
import type { WorkerConfig } from './config.ts';

export type { Logger };

/** pino, structured JSON by default; `LOG_FORMAT=pretty` for people (docs/architecture.md §3.12). */
export function createLogger(log: WorkerConfig['log']): Logger {
  return pino({
    name: 'worker',
    level: log.level,
    ...(log.pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
  });
}
