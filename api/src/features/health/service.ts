import { heartbeatComponents, heartbeatPattern, heartbeatSchema, heartbeatSeenKey, type HeartbeatComponent } from '@makapix/protocol';
import type { Redis } from 'ioredis';
import type pg from 'pg';

export type ComponentStatus =
  | { status: 'up'; latencyMs: number }
  | { status: 'down'; error: string }
  | { status: 'absent' };
/** One live process of a component (its heartbeat), so several brokers or workers are told apart. */
export type ProcessMember = { instanceId: string; pid: number; startedAt: string; lastSeenAt: string };
export type ProcessStatus = { status: 'up' | 'down' | 'absent'; instances: number; lastSeenAt: string | null; members: ProcessMember[] };

export interface HealthReport {
  status: 'ok' | 'degraded';
  components: { db: ComponentStatus; redis: ComponentStatus } & Record<HeartbeatComponent, ProcessStatus>;
}

const PROBE_TIMEOUT_MS = 2_000;

async function probe(fn: () => Promise<unknown>): Promise<ComponentStatus> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (err) {
    return { status: 'down', error: err instanceof Error ? err.message : 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Worker and broker report through Redis heartbeats. Never seen → `absent` (not deployed, or not
 * started yet by the dev command); seen once but silent now → `down`, which fails the health check.
 */
async function processStatus(redis: Redis, component: HeartbeatComponent): Promise<ProcessStatus> {
  const keys = await redis.keys(heartbeatPattern(component));
  const beats = (keys.length ? await redis.mget(keys) : [])
    .map((raw) => (raw ? heartbeatSchema.safeParse(JSON.parse(raw)) : null))
    .flatMap((p) => (p?.success ? [p.data] : []));
  const lastSeenAt = beats.map((b) => b.at).sort().at(-1) ?? (await redis.get(heartbeatSeenKey(component)));
  const members = beats
    .map((b) => ({ instanceId: b.instanceId, pid: b.pid, startedAt: b.startedAt, lastSeenAt: b.at }))
    .sort((x, y) => x.instanceId.localeCompare(y.instanceId));
  if (beats.length > 0) return { status: 'up', instances: beats.length, lastSeenAt: lastSeenAt ?? null, members };
  return { status: lastSeenAt ? 'down' : 'absent', instances: 0, lastSeenAt: lastSeenAt ?? null, members };
}

export async function checkHealth(deps: { pg: pg.Pool; redis: Redis }): Promise<HealthReport> {
  const [db, redis] = await Promise.all([probe(() => deps.pg.query('SELECT 1')), probe(() => deps.redis.ping())]);
  const processes = Object.fromEntries(
    await Promise.all(
      heartbeatComponents.map(async (c) => [c, redis.status === 'up' ? await processStatus(deps.redis, c) : { status: 'down', instances: 0, lastSeenAt: null, members: [] }] as const),
    ),
  ) as Record<HeartbeatComponent, ProcessStatus>;
  const anyDown = [db, redis, ...Object.values(processes)].some((c) => c.status === 'down');
  return { status: anyDown ? 'degraded' : 'ok', components: { db, redis, ...processes } };
}
