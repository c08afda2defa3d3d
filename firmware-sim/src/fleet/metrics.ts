import type { PlayerMetric } from '../player.ts';

/** p50/p99 of a sample (nearest rank), null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

export interface LatencySummary {
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

function summarize(values: number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted.at(-1) ?? null) };
}

/** Fleet-wide counters fed by every player's onMetric, with a sliding window for live rates. */
export class FleetMetrics {
  requests = 0;
  views = 0;
  statuses = 0;
  commands = 0;
  reconnects = 0;
  errors = 0;
  readonly errorKinds = new Map<string, number>();
  private requestMs: number[] = [];
  private commandMs: number[] = [];
  private windowStart = performance.now();
  private windowRequests = 0;
  private windowViews = 0;
  private windowCommandMs: number[] = [];

  readonly record = (m: PlayerMetric): void => {
    switch (m.type) {
      case 'request': this.requests++; this.windowRequests++; this.requestMs.push(m.ms); return;
      case 'command': this.commands++; this.commandMs.push(m.ms); this.windowCommandMs.push(m.ms); return;
      case 'view': this.views++; this.windowViews++; return;
      case 'status': this.statuses++; return;
      case 'connected': if (m.reconnect) this.reconnects++; return;
      case 'error': this.errors++; this.errorKinds.set(m.what, (this.errorKinds.get(m.what) ?? 0) + 1); return;
    }
  };

  /** Rates since the previous call, and the command latency of that window. */
  takeWindow(): { requestsPerSec: number; viewsPerSec: number; command: LatencySummary } {
    const now = performance.now();
    const secs = Math.max(0.001, (now - this.windowStart) / 1000);
    const out = { requestsPerSec: this.windowRequests / secs, viewsPerSec: this.windowViews / secs, command: summarize(this.windowCommandMs) };
    this.windowStart = now;
    this.windowRequests = 0;
    this.windowViews = 0;
    this.windowCommandMs = [];
    return out;
  }

  /** Forget latencies so far (e.g. the ramp), keeping the counters. */
  resetLatencies(): void {
    this.requestMs = [];
    this.commandMs = [];
  }

  totals() {
    return {
      requests: this.requests,
      views: this.views,
      statuses: this.statuses,
      commands: this.commands,
      reconnects: this.reconnects,
      errors: this.errors,
      errorKinds: Object.fromEntries(this.errorKinds),
      requestLatency: summarize(this.requestMs),
      commandLatency: summarize(this.commandMs),
    };
  }
}

/** `[#####.....] 512/10000` for a terminal line. */
export function progressBar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}
