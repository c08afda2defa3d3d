import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { errors } from '../errors.ts';

/**
 * Every rate limit of docs/product.md §3 and docs/device-protocol.md §2/§5/§6 in one table: points per window (seconds).
 * rate-limiter-flexible keeps the counters in Redis with atomic Lua, so several api processes share
 * them.
 */
export const RATE_LIMITS = {
  register: { points: 30, duration: 3600 },
  login: { points: 20, duration: 300 },
  forgotPassword: { points: 15, duration: 3600 },
  resendVerification: { points: 15, duration: 3600 },
  // Account mails (verification, reset) per address, so nobody can flood someone else's inbox.
  accountMailPerAddress: { points: 5, duration: 3600 },
  comment: { points: 30, duration: 300 },
  report: { points: 10, duration: 3600 },
  // Views and impressions from the web, per IP: each one is a database write, and a visitor's view
  // is keyed by IP and user agent, so without a cap one client could mint views by varying the latter.
  view: { points: 120, duration: 60 },
  // One hourly counter per member for every reputation tier (its allowance is passed per call, see
  // posts/service.ts uploadAllowanceFor), so crossing a tier mid-hour keeps the hour's count.
  upload: { points: 64, duration: 3600 },
  playerProvision: { points: 10, duration: 3600 },
  playerCredentials: { points: 30, duration: 60 },
  // docs/device-protocol.md §2.5: token rotation with no credentials but the player key (the firmware's bootstrap).
  playerTokenBootstrapIp: { points: 30, duration: 3600 },
  playerTokenBootstrapPlayer: { points: 10, duration: 3600 },
  deviceRead: { points: 60, duration: 60 },
  deviceReaction: { points: 30, duration: 60 },
  deviceEcho: { points: 10, duration: 60 },
  // docs/device-protocol.md §7: one counted view per 5 s per player.
  deviceView: { points: 1, duration: 5 },
  commandPerPlayer: { points: 300, duration: 60 },
  commandPerUser: { points: 1000, duration: 60 },
} as const;
export type RateLimitName = keyof typeof RATE_LIMITS;

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Consumes `points` (default 1) of `name` for `key`; throws 429 `rate_limited` with Retry-After
     * when spent. `allowance` lowers the window's cap for this caller below the table's `points`.
     */
    consumeRateLimit: (name: RateLimitName, key: string, points?: number, allowance?: number) => Promise<void>;
    /** preHandler factory keyed by the client IP (behind Caddy, from X-Forwarded-For). */
    rateLimitByIp: (name: RateLimitName) => (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

export const rateLimitPlugin = fp(async (app: FastifyInstance) => {
  const limiters = new Map<RateLimitName, RateLimiterRedis>();
  const limiter = (name: RateLimitName) => {
    let l = limiters.get(name);
    if (!l) {
      l = new RateLimiterRedis({ storeClient: app.redis, keyPrefix: `makapix:rl:${name}`, ...RATE_LIMITS[name] });
      limiters.set(name, l);
    }
    return l;
  };

  app.decorate('consumeRateLimit', async (name: RateLimitName, key: string, points = 1, allowance?: number) => {
    let res: RateLimiterRes;
    try {
      res = await limiter(name).consume(key, points);
    } catch (err) {
      if (err instanceof RateLimiterRes) throw errors.rateLimited(err.msBeforeNext / 1000);
      throw err;
    }
    // Refused attempts stay counted, as they do above the table's cap.
    if (allowance !== undefined && res.consumedPoints > allowance) throw errors.rateLimited(res.msBeforeNext / 1000);
  });
  app.decorate('rateLimitByIp', (name: RateLimitName) => async (req: FastifyRequest) => {
    await app.consumeRateLimit(name, req.ip);
  });
});
