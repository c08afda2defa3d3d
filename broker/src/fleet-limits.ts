import type net from 'node:net';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { ConnectionRateLimiter } from './limits.ts';

/**
 * Every broker process on one Redis counts its open device connections in one hash; a process that
 * stopped refreshing its field for STALE_MS (crashed) no longer counts.
 */
export const CONNECTIONS_KEY = 'makapix:broker:connections';
export const CONNECTIONS_SEEN_KEY = 'makapix:broker:connections-seen';
const STALE_MS = 15_000;
const SYNC_MS = 5_000;

// Admits one connection when the fleet total (live processes only) is under the limit. Redis' clock
// stamps the fields so brokers on different machines agree on staleness.
const ACQUIRE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local seen = redis.call('HGETALL', KEYS[2])
local total = 0
for i = 1, #seen, 2 do
  if seen[i] ~= ARGV[1] and tonumber(seen[i + 1]) < now - tonumber(ARGV[2]) then
    redis.call('HDEL', KEYS[1], seen[i])
    redis.call('HDEL', KEYS[2], seen[i])
  else
    total = total + tonumber(redis.call('HGET', KEYS[1], seen[i]) or '0')
  end
end
if total >= tonumber(ARGV[3]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('HSET', KEYS[2], ARGV[1], now)
return 1
`;
const SYNC_SCRIPT = `
local t = redis.call('TIME')
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
return 1
`;

export interface FleetGateOptions {
  redis: Redis;
  instanceId: string;
  perIpPerMinute: number;
  maxConnections: number;
  /** This process' own token bucket: a flood is cut here before it costs Redis round trips. */
  local: ConnectionRateLimiter;
  logger: Logger;
}

/**
 * docs/device-protocol.md §3 (ours) connection limits for the whole fleet (README "Several brokers"): connections
 * per IP per minute through rate-limiter-flexible's Redis limiter, and the total through the
 * per-process counts above. Checked on TCP accept; a connection refused is destroyed (its TLS
 * handshake may have started meanwhile). If Redis fails the check lets the connection in: each
 * process still enforces both limits on its own.
 */
export class FleetConnectionGate {
  private readonly perIp: RateLimiterRedis;
  private open = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: FleetGateOptions) {
    this.perIp = new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix: 'makapix:broker:conn-ip',
      points: options.perIpPerMinute,
      duration: 60,
    });
    this.timer = setInterval(() => void this.sync(), SYNC_MS);
    this.timer.unref();
  }

  /** Sync verdict when the local bucket refuses; otherwise the fleet's, asynchronously. */
  admit(socket: net.Socket): boolean | Promise<boolean> {
    const ip = socket.remoteAddress ?? 'unknown';
    if (!this.options.local.tryAcquire(ip)) return false;
    return this.checkFleet(ip).then((ok) => {
      if (!ok) return false;
      this.open += 1;
      const release = () => {
        this.open -= 1;
        this.options.redis.hincrby(CONNECTIONS_KEY, this.options.instanceId, -1).catch(() => undefined);
      };
      if (socket.destroyed) release();
      else socket.once('close', release);
      return !socket.destroyed;
    });
  }

  private async checkFleet(ip: string): Promise<boolean> {
    const { redis, instanceId, maxConnections, logger } = this.options;
    try {
      await this.perIp.consume(ip);
    } catch (err) {
      if (err instanceof RateLimiterRes) return false;
      logger.warn({ err }, 'fleet per-IP limit unavailable; admitting');
      return true;
    }
    try {
      const admitted = await redis.eval(ACQUIRE_SCRIPT, 2, CONNECTIONS_KEY, CONNECTIONS_SEEN_KEY, instanceId, STALE_MS, maxConnections);
      if (admitted !== 1) logger.warn({ maxConnections }, 'fleet connection limit reached; closing');
      return admitted === 1;
    } catch (err) {
      logger.warn({ err }, 'fleet connection count unavailable; admitting');
      return true;
    }
  }

  /** Rewrites this process' exact count (fixes drift from failed decrements) and its liveness. */
  private async sync(): Promise<void> {
    const { redis, instanceId } = this.options;
    await redis.eval(SYNC_SCRIPT, 2, CONNECTIONS_KEY, CONNECTIONS_SEEN_KEY, instanceId, this.open).catch(() => undefined);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    const { redis, instanceId } = this.options;
    await Promise.all([redis.hdel(CONNECTIONS_KEY, instanceId), redis.hdel(CONNECTIONS_SEEN_KEY, instanceId)]).catch(() => undefined);
  }
}
