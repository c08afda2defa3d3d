import os from 'node:os';
import autocannon from 'autocannon';

export interface LoadResult {
  label: string;
  url: string;
  reqPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  bytesPerResponse: number;
  failures: number;
  /** What the failures were: non-2xx answers, connection errors, requests over autocannon's 10 s timeout. */
  failed: { non2xx: number; errors: number; timeouts: number };
  load1: number;
}

/** A closed-loop autocannon run (warm-up first, not counted) with `connections` connections. */
export async function measureLoad(label: string, url: string, connections: number, seconds: number): Promise<LoadResult> {
  await autocannon({ url, connections, duration: 3, timeout: 10 });
  const r = await autocannon({ url, connections, duration: seconds, timeout: 10 });
  const requests = r.requests.total;
  return {
    label,
    url,
    reqPerSec: requests / r.duration,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    bytesPerResponse: requests ? r.throughput.total / requests : 0,
    failures: r.non2xx + r.errors + r.timeouts,
    failed: { non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts },
    load1: os.loadavg()[0]!,
  };
}
