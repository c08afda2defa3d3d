import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnServer, type ServerChild } from './children.ts';
import type { Timings } from './instrument.ts';
import { best, describeRun, type LoadTarget, runLoad, type RunResult } from './load.ts';
import { cpuSince, cpuSnapshot } from './cpu.ts';
import type { DeviceLoadResult } from './device-load.ts';
import type { FeedBenchOptions } from './options.ts';
import type { ProfileSummary } from './profile.ts';
import type { FeedServices } from './services.ts';

/** The steps of one benchmark run: start the sides, take the body, measure, diagnose. */

const here = path.dirname(fileURLToPath(import.meta.url));
const API_CHILD = path.join(here, 'api-child.ts');
const BARE_CHILD = path.join(here, 'bare-child.ts');

export type BareMode = 'static' | 'stringify' | 'zod' | 'sql';

export interface Body {
  file: string;
  bytes: number;
  contentType: string;
  items: number;
}

export interface Context {
  opts: FeedBenchOptions;
  services: FeedServices;
  log: (line: string) => void;
  /** The seeded member (seed.ts): the member contender and the device round trip act as them. */
  member: { userId: number; playerKey: string };
}

/** The device round trip: 10 requests in flight (a fleet's worth of players asking at once). */
const DEVICE_CONCURRENCY = 10;

export const feedPath = (limit: number) => `/api/v1/feeds/recent?limit=${limit}`;
const logFile = (ctx: Context) => path.join(ctx.services.runDir, 'children.log');

/** The real api; `cached: false` turns off the visitors' micro-cache (the path a member's request takes). */
export function startApi(ctx: Context, instrument: boolean, cached = true): Promise<ServerChild> {
  const { services } = ctx;
  const device = { concurrency: DEVICE_CONCURRENCY, seconds: ctx.opts.runSeconds };
  const config = { databaseUrl: services.databaseUrl, redisUrl: services.redisUrl, runDir: services.runDir, instrument, member: ctx.member, device, ...(cached ? {} : { feedCacheTtlMs: 0 }) };
  const name = `api${instrument ? ' (instrumented)' : ''}${cached ? '' : ' (micro-cache off)'}`;
  return spawnServer(name, API_CHILD, config, { logFile: logFile(ctx) });
}

export function startBare(ctx: Context, mode: BareMode, body: Body, queries: Timings['samples'] = []): Promise<ServerChild> {
  const config = { mode, bodyFile: body.file, contentType: body.contentType, databaseUrl: ctx.services.databaseUrl, queries };
  return spawnServer(`bare Fastify (${mode})`, BARE_CHILD, config, { logFile: logFile(ctx) });
}

async function get(url: string): Promise<{ bytes: Buffer; contentType: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return { bytes: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? '' };
}

/** One response of the real endpoint, kept as the reference's body; it must be a full page. */
export async function takeBody(ctx: Context, api: ServerChild): Promise<Body> {
  const { bytes, contentType } = await get(api.url(feedPath(ctx.opts.limit)));
  const parsed = JSON.parse(bytes.toString('utf8')) as { items?: unknown[]; nextCursor?: string | null };
  const items = parsed.items?.length ?? 0;
  if (items !== ctx.opts.limit || !parsed.nextCursor) throw new Error(`the feed returned ${items} items (want ${ctx.opts.limit} and a next cursor)`);
  const file = path.join(ctx.services.runDir, 'feed-body.json');
  await writeFile(file, bytes);
  return { file, bytes: bytes.length, contentType, items };
}

/** The reference must answer byte for byte what the api answered. */
export async function checkSameBody(ctx: Context, server: ServerChild, body: Body, reference: Buffer): Promise<void> {
  const { bytes, contentType } = await get(server.url(feedPath(ctx.opts.limit)));
  if (!bytes.equals(reference) || contentType !== body.contentType) {
    throw new Error(`${server.name} does not return the api's body (${bytes.length} vs ${reference.length} bytes, ${contentType} vs ${body.contentType})`);
  }
}

const target = (ctx: Context, s: ServerChild, label: string) => ({ label, url: s.url(feedPath(ctx.opts.limit)), pid: s.pid });

/**
 * Warm-up of each side, then `rounds` alternating measured runs: the reference, the api as a
 * visitor (micro-cache), the same api as a logged-in member (`Authorization: Bearer`, so the cache
 * never applies: every request authenticates, reads the viewer and queries), and the device
 * `query_posts` round trip in the same api process.
 */
export async function measure(ctx: Context, reference: ServerChild, contender: ServerChild) {
  const { opts, services, log } = ctx;
  const sides = [target(ctx, reference, 'reference'), target(ctx, contender, 'contender'), target(ctx, contender, 'member')];
  const withToken = async (side: LoadTarget): Promise<LoadTarget> =>
    side.label.startsWith('member') ? { ...side, headers: { authorization: `Bearer ${await contender.call<string>('memberToken')}` } } : side;
  for (const side of sides) {
    log(`warm-up ${side.label}: ${opts.warmupSeconds} s`);
    await runLoad(await withToken(side), opts.connections, opts.warmupSeconds, services.postmasterPid);
  }
  await deviceRun(ctx, contender, 'device warm-up');
  const runs: RunResult[] = [];
  const device: RunResult[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    for (const side of sides) {
      const run = await runLoad(await withToken({ ...side, label: `${side.label} #${round}` }), opts.connections, opts.runSeconds, services.postmasterPid);
      log(describeRun(run));
      runs.push(run);
    }
    const run = await deviceRun(ctx, contender, `device query_posts #${round}`);
    log(describeRun(run));
    device.push(run);
  }
  const pick = (label: string) => best(runs.filter((r) => r.label.startsWith(label)));
  return { runs: [...runs, ...device], reference: pick('reference'), contender: pick('contender'), member: pick('member'), device: best(device) };
}

/** One closed-loop device run inside the api child (device-load.ts), with the CPU it cost. */
async function deviceRun(ctx: Context, api: ServerChild, label: string): Promise<RunResult> {
  const before = cpuSnapshot(api.pid, ctx.services.postmasterPid);
  const r = await api.call<DeviceLoadResult>('deviceQueryPosts', (ctx.opts.runSeconds + 30) * 1000);
  const cpu = cpuSince(before, api.pid, ctx.services.postmasterPid);
  const per = (ms: number) => ms / Math.max(1, r.requests);
  return {
    label,
    seconds: r.seconds,
    requests: r.requests,
    reqPerSec: r.requests / r.seconds,
    latencyMs: r.latencyMs,
    failures: { non2xx: r.failures, errors: 0, timeouts: 0 },
    bytesPerResponse: r.bytesPerResponse,
    cpuMsPerRequest: { server: per(cpu.server), postgres: per(cpu.postgres), loadGenerator: 0 },
    load1: os.loadavg()[0] as number,
  };
}

/** A short warm-up, then one diagnostic run. */
export async function diagnosticRun(ctx: Context, server: ServerChild, label: string): Promise<RunResult> {
  const { opts, services, log } = ctx;
  await runLoad(target(ctx, server, label), opts.connections, Math.min(3, opts.warmupSeconds), services.postmasterPid);
  const run = await runLoad(target(ctx, server, label), opts.connections, opts.diagnoseSeconds, services.postmasterPid);
  log(describeRun(run));
  return run;
}

export interface Instrumented {
  run: RunResult;
  timings: Timings;
  profiled: RunResult;
  profile: ProfileSummary;
}

/**
 * The api with timers: where a request's time goes and the SQL it sends (for EXPLAIN); then a
 * second run under the V8 sampling profiler: where the api process's CPU goes.
 */
export async function instrumentedRun(ctx: Context): Promise<Instrumented> {
  const { opts, services, log } = ctx;
  // Diagnoses the uncached path: with the micro-cache on there would be nothing to time.
  const api = await startApi(ctx, true, false);
  try {
    await get(api.url(feedPath(opts.limit)));
    await runLoad(target(ctx, api, 'warm-up'), opts.connections, Math.min(3, opts.warmupSeconds), services.postmasterPid);
    await api.call('reset');
    const run = await runLoad(target(ctx, api, 'api with timers'), opts.connections, opts.diagnoseSeconds, services.postmasterPid);
    log(describeRun(run));
    const timings = await api.call<Timings>('timings');
    await api.call('profileStart');
    const profiled = await runLoad(target(ctx, api, 'api under the profiler'), opts.connections, opts.diagnoseSeconds, services.postmasterPid);
    log(describeRun(profiled));
    const profile = await api.call<ProfileSummary>('profileStop', 60_000);
    return { run, timings, profiled, profile };
  } finally {
    await api.stop();
  }
}

/** One request through the instrumented api, only to capture its SQL (when diagnostics are off). */
export async function captureQueries(ctx: Context): Promise<Timings['samples']> {
  const api = await startApi(ctx, true, false);
  try {
    await get(api.url(feedPath(ctx.opts.limit)));
    return (await api.call<Timings>('timings')).samples;
  } finally {
    await api.stop();
  }
}
