import { z } from 'zod';

/**
 * Liveness of long-running processes that have no HTTP port of their own (worker, broker): each
 * instance refreshes a Redis key with a short TTL; `GET /api/health` reads them. A component that has
 * beaten once is remembered (`seen` key), so its silence later reports `down` rather than `absent`.
 */
export const heartbeatComponents = ['worker', 'broker'] as const;
export type HeartbeatComponent = (typeof heartbeatComponents)[number];

export const HEARTBEAT_INTERVAL_MS = 5_000;
export const HEARTBEAT_TTL_SECONDS = 15;

export const heartbeatKey = (component: HeartbeatComponent, instanceId: string) =>
  `makapix:heartbeat:${component}:${instanceId}`;
export const heartbeatPattern = (component: HeartbeatComponent) => `makapix:heartbeat:${component}:*`;
export const heartbeatSeenKey = (component: HeartbeatComponent) => `makapix:heartbeat-seen:${component}`;

export const heartbeatSchema = z.object({
  component: z.enum(heartbeatComponents),
  instanceId: z.string().min(1),
  pid: z.number().int(),
  startedAt: z.iso.datetime(),
  at: z.iso.datetime(),
});
export type Heartbeat = z.infer<typeof heartbeatSchema>;

/** The subset of an ioredis client the writer needs (keeps this package free of a Redis dependency). */
export interface HeartbeatRedis {
  set(key: string, value: string, mode: 'EX', seconds: number): Promise<unknown>;
  set(key: string, value: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

/** Starts beating at once and every HEARTBEAT_INTERVAL_MS; the returned function stops and clears it. */
export function startHeartbeat(redis: HeartbeatRedis, component: HeartbeatComponent, instanceId: string) {
  const startedAt = new Date().toISOString();
  const key = heartbeatKey(component, instanceId);
  const beat = async () => {
    const body: Heartbeat = { component, instanceId, pid: process.pid, startedAt, at: new Date().toISOString() };
    await redis.set(key, JSON.stringify(body), 'EX', HEARTBEAT_TTL_SECONDS);
    await redis.set(heartbeatSeenKey(component), body.at);
  };
  const swallow = () => undefined; // a missed beat is reported by the TTL, not by crashing the process
  void beat().catch(swallow);
  const timer = setInterval(() => void beat().catch(swallow), HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await redis.del(key).catch(swallow);
  };
}
