import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis;
  }
}

/** One shared ioredis connection for caches, rate limits and heartbeats. */
export const redisPlugin = fp<{ url: string }>(async (app: FastifyInstance, opts) => {
  const redis = new Redis(opts.url, { maxRetriesPerRequest: 2, enableOfflineQueue: true });
  redis.on('error', (err) => app.log.warn({ err }, 'redis connection error'));
  app.decorate('redis', redis);
  app.addHook('onClose', async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
});
