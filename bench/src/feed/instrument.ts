import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';

/**
 * Diagnostic timers for the api child (only in its instrumented run; the measured runs carry none
 * of this). Per request: time until the handler's value is ready (hooks, auth, viewer, both
 * queries, presentation), the response serializer (zod validation + JSON), and writing. Per query:
 * time with a pooled client (round trip to PostgreSQL, including the wait for this event loop to
 * read the answer) and the time a request waited for a free pool client.
 */

export interface QuerySample {
  text: string;
  values: unknown[];
}

export interface Timings {
  requests: number;
  meanMs: { handler: number; serialize: number; send: number; total: number };
  queries: { label: string; count: number; meanMs: number; meanPoolWaitMs: number }[];
  samples: QuerySample[];
  cpuMs: number;
  eventLoopUtilization: number;
}

type Args = [query: unknown, values?: unknown, callback?: unknown];
const textOf = (q: unknown) => (typeof q === 'string' ? q : ((q as { text?: string })?.text ?? ''));

export function instrumentApp(app: FastifyInstance, pool: pg.Pool): { read(): Timings; reset(): void } {
  const starts = new WeakMap<object, { t0: number; t1?: number; t2?: number }>();
  let sums = { handler: 0, serialize: 0, send: 0, total: 0, requests: 0 };
  let queries = new Map<string, { count: number; ms: number; waitMs: number }>();
  const samples = new Map<string, QuerySample>();
  let cpu = process.cpuUsage();
  let elu = performance.eventLoopUtilization();

  const labelOf = (text: string) => /from "?(\w+)"?/i.exec(text)?.[1] ?? text.slice(0, 30);
  const note = (text: string, field: 'ms' | 'waitMs', ms: number, counted: boolean) => {
    const label = labelOf(text);
    const q = queries.get(label) ?? { count: 0, ms: 0, waitMs: 0 };
    q[field] += ms;
    if (counted) q.count += 1;
    queries.set(label, q);
  };

  // Pool-level: from pool.query() to its answer = waiting for a client + the client's round trip.
  const poolQuery = pool.query.bind(pool) as (...a: Args) => Promise<unknown>;
  (pool as unknown as { query: (...a: Args) => Promise<unknown> }).query = async (...args: Args) => {
    const t0 = performance.now();
    const text = textOf(args[0]);
    if (!samples.has(text) && /^\s*select/i.test(text)) samples.set(text, { text, values: [...((args[1] as unknown[] | undefined) ?? (args[0] as { values?: unknown[] })?.values ?? [])] });
    try {
      return await poolQuery(...args);
    } finally {
      note(text, 'waitMs', performance.now() - t0, false);
    }
  };
  // Client-level: the round trip alone (pg-pool calls client.query with a callback).
  pool.on('connect', (client) => {
    const original = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const cb = args[args.length - 1];
      if (typeof cb !== 'function') return original(...args);
      const t0 = performance.now();
      const text = textOf(args[0]);
      return original(...args.slice(0, -1), (err: unknown, res: unknown) => {
        note(text, 'ms', performance.now() - t0, true);
        (cb as (e: unknown, r: unknown) => void)(err, res);
      });
    };
  });

  app.addHook('onRequest', async (req) => {
    starts.set(req, { t0: performance.now() });
  });
  app.addHook('preSerialization', async (req, _reply, payload) => {
    const s = starts.get(req);
    if (s) s.t1 = performance.now();
    return payload;
  });
  app.addHook('onSend', async (req, _reply, payload) => {
    const s = starts.get(req);
    if (s) s.t2 = performance.now();
    return payload;
  });
  app.addHook('onResponse', async (req) => {
    const s = starts.get(req);
    if (!s?.t1 || !s.t2) return;
    const t3 = performance.now();
    sums.handler += s.t1 - s.t0;
    sums.serialize += s.t2 - s.t1;
    sums.send += t3 - s.t2;
    sums.total += t3 - s.t0;
    sums.requests += 1;
  });

  return {
    reset() {
      sums = { handler: 0, serialize: 0, send: 0, total: 0, requests: 0 };
      queries = new Map();
      cpu = process.cpuUsage();
      elu = performance.eventLoopUtilization();
    },
    read() {
      const n = Math.max(1, sums.requests);
      const used = process.cpuUsage(cpu);
      return {
        requests: sums.requests,
        meanMs: { handler: sums.handler / n, serialize: sums.serialize / n, send: sums.send / n, total: sums.total / n },
        // Pool wait = pool-level time − round trip.
        queries: [...queries].map(([label, q]) => ({
          label,
          count: q.count,
          meanMs: q.ms / Math.max(1, q.count),
          meanPoolWaitMs: (q.waitMs - q.ms) / Math.max(1, q.count),
        })),
        samples: [...samples.values()],
        cpuMs: (used.user + used.system) / 1000,
        eventLoopUtilization: performance.eventLoopUtilization(elu).utilization,
      };
    },
  };
}
