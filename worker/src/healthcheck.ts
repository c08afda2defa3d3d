import { hostname } from 'node:os';
import { heartbeatKey } from '@makapix/protocol/heartbeat';
import { Redis } from 'ioredis';
import { loadConfig } from './config.ts';

/**
 * `tsx worker/src/healthcheck.ts`: the worker container's health check (docker-compose.yml). The
 * worker has no port to probe; it is healthy while a worker process in this container keeps its
 * Redis heartbeat alive (15 s TTL, @makapix/protocol heartbeat.ts). That proves more than a live pid:
 * the event loop turns and Redis, where every job comes from, answers. Exit 0 healthy, 1 not.
 */
const config = loadConfig();
// The default instance id is `<hostname>-<pid>` of the worker process, whose pid this one cannot
// know; an explicit WORKER_INSTANCE_ID is shared with it through the environment.
const defaulted = config.worker.instanceId === `${hostname()}-${process.pid}`;
const pattern = heartbeatKey('worker', defaulted ? `${hostname()}-*` : config.worker.instanceId);

const redis = new Redis(config.redis.url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1, retryStrategy: () => null });
// Keep the connection error for the report instead of ioredis' unhandled-error print.
let connectError: Error | undefined;
redis.on('error', (err: Error) => (connectError = err));
let healthy = false;
try {
  await redis.connect();
  // SCAN rather than KEYS: this runs every 30 s against the Redis that holds every queue.
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    healthy = keys.length > 0;
    cursor = next;
  } while (!healthy && cursor !== '0');
  if (!healthy) console.error(`no live heartbeat matching ${pattern}`);
} catch (err) {
  console.error(`redis: ${connectError?.message ?? (err instanceof Error ? err.message : String(err))}`);
} finally {
  redis.disconnect();
}
process.exit(healthy ? 0 : 1);
