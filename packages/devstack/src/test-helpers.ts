import { Redis } from 'ioredis';
import './vitest/provided.ts';

/**
 * Gives each integration test file its own Redis logical database (1–63; the test redis-server runs
 * with 64), so keys, queues and heartbeats of files running in parallel never meet. The counter
 * lives in database 0 of the same server.
 */
export async function allocateRedisDb(redisUrl: string): Promise<{ url: string; flush(): Promise<void> }> {
  const admin = new Redis(redisUrl);
  const n = await admin.incr('makapix:test:next-db');
  admin.disconnect();
  const index = ((n - 1) % 63) + 1;
  const url = `${redisUrl.replace(/\/\d+$/, '')}/${index}`;
  const flush = async () => {
    const client = new Redis(url);
    await client.flushdb();
    client.disconnect();
  };
  await flush();
  return { url, flush };
}
