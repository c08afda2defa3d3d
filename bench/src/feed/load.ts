import os from 'node:os';
import autocannon from 'autocannon';
import { cpuSince, cpuSnapshot, type CpuGroups } from './cpu.ts';

/** One closed-loop autocannon run against one server, with where the CPU went meanwhile. */
export interface RunResult {
  label: string;
  seconds: number;
  requests: number;
  reqPerSec: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** Responses other than 2xx, connection errors and timeouts (all must be 0 for a valid run). */
  failures: { non2xx: number; errors: number; timeouts: number };
  bytesPerResponse: number;
  /** CPU ms per request for each process group. */
  cpuMsPerRequest: CpuGroups;
  load1: number;
}

export interface LoadTarget {
  label: string;
  url: string;
  pid: number;
  /** Request headers (the member contender's `Authorization: Bearer`). */
  headers?: Record<string, string>;
}

export async function runLoad(target: LoadTarget, connections: number, seconds: number, postmasterPid: number): Promise<RunResult> {
  const before = cpuSnapshot(target.pid, postmasterPid);
  const r = await autocannon({ url: target.url, connections, duration: seconds, timeout: 10, ...(target.headers ? { headers: target.headers } : {}) });
  const cpu = cpuSince(before, target.pid, postmasterPid);
  const requests = r.requests.total;
  const per = (ms: number) => ms / Math.max(1, requests);
  return {
    label: target.label,
    seconds: r.duration,
    requests,
    reqPerSec: requests / r.duration,
    latencyMs: { mean: r.latency.mean, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    failures: { non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts },
    bytesPerResponse: requests ? r.throughput.total / requests : 0,
    cpuMsPerRequest: { server: per(cpu.server), postgres: per(cpu.postgres), loadGenerator: per(cpu.loadGenerator) },
    load1: os.loadavg()[0] as number,
  };
}

export const failed = (r: RunResult) => r.failures.non2xx + r.failures.errors + r.failures.timeouts > 0;

/** The better of several runs of one side: the highest throughput. */
export function best(runs: readonly RunResult[]): RunResult {
  const [first, ...rest] = runs;
  if (!first) throw new Error('no runs');
  return rest.reduce((a, b) => (b.reqPerSec > a.reqPerSec ? b : a), first);
}

export function describeRun(r: RunResult): string {
  const f = r.failures;
  const bad = failed(r) ? ` FAILURES non2xx=${f.non2xx} errors=${f.errors} timeouts=${f.timeouts}` : '';
  return `${r.label}: ${r.reqPerSec.toFixed(0)} req/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms (${r.requests} requests, load ${r.load1.toFixed(2)})${bad}`;
}
