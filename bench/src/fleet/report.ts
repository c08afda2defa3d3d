import type { GroupSample } from './resources.ts';
import type { FleetBenchOptions } from './options.ts';

export interface LatencyRow {
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface RestartResult {
  /** From SIGKILL until every player was connected again. */
  allBackMs: number;
  /** From the restarted broker listening until every player was connected again. */
  backAfterListenMs: number;
  reconnects: number;
  fanoutSent: number;
  delivered: number;
  duplicates: number;
  ackedInDb: number;
}

export interface FleetReport {
  command: string;
  date: string;
  machine: string;
  loadBefore: number[];
  options: FleetBenchOptions;
  provisionMs: number;
  rampMs: number;
  connected: number;
  steadyMs: number;
  start: Record<string, GroupSample>;
  end: Record<string, GroupSample>;
  requests: number;
  views: number;
  statuses: number;
  requestLatency: LatencyRow;
  commandLatency: LatencyRow;
  fanouts: number;
  commandsSent: number;
  commandsDelivered: number;
  duplicates: number;
  reconnects: number;
  errors: number;
  errorKinds: Record<string, number>;
  restart: RestartResult | null;
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const ms = (v: number | null) => (v === null ? '–' : `${v} ms`);
const secs = (v: number) => `${(v / 1000).toFixed(1)} s`;

/** The `## Fleet soak` section of bench/RESULTS.md. */
export function renderReport(r: FleetReport): string {
  const o = r.options;
  const growth = (name: string) => {
    const a = r.start[name]?.rssBytes ?? 0;
    const b = r.end[name]?.rssBytes ?? 0;
    return a === 0 ? '–' : `${(((b - a) / a) * 100).toFixed(1)} %`;
  };
  const lines = [
    '## Fleet soak (firmware-sim players against the whole platform)',
    '',
    `${r.date} · \`${r.command}\` · ${r.machine} · load average before ${r.loadBefore.map((l) => l.toFixed(2)).join(' / ')}`,
    '',
    `${o.count} simulated p3a players (MQTT 3.1 over mTLS, as the shipping firmware) provisioned by code through the API, ` +
      `ramped at ${o['ramp-per-sec']}/s, then ${(r.steadyMs / 60_000).toFixed(1)} min of steady state: a status heartbeat every 30 s, ` +
      `a view 5 s after each artwork and every 30 s while it stays, \`query_posts\` (32 per page) as each player pages its channel, ` +
      `and a \`set_brightness\` fan-out to every player through the owner API every ${o['fanout-every-sec']} s. ` +
      (o.minutes < 10 || o.count < 10_000 ? '**Short run (not the full soak)**.' : ''),
    '',
    '| Phase | Result |',
    '|---|---|',
    `| Provisioning (${o.count} × provision → register → credentials) | ${secs(r.provisionMs)} |`,
    `| Ramp (start → all connected) | ${secs(r.rampMs)}, ${r.connected}/${o.count} connected |`,
    `| Requests (\`query_posts\`) | ${r.requests}, p50 ${ms(r.requestLatency.p50Ms)}, p99 ${ms(r.requestLatency.p99Ms)}, max ${ms(r.requestLatency.maxMs)} |`,
    `| Commands (owner API → device) | ${r.commandsSent} sent in ${r.fanouts} fan-outs, ${r.commandsDelivered} acted on, ${r.duplicates} twice; p50 ${ms(r.commandLatency.p50Ms)}, p99 ${ms(r.commandLatency.p99Ms)}, max ${ms(r.commandLatency.maxMs)} |`,
    `| Views / heartbeats sent | ${r.views} / ${r.statuses} |`,
    `| Reconnects / errors (steady state) | ${r.reconnects} / ${r.errors}${Object.keys(r.errorKinds).length ? ` (${Object.entries(r.errorKinds).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''} |`,
    '',
    '| Process | RSS start | RSS end | growth | CPU start | CPU end |',
    '|---|---|---|---|---|---|',
    ...Object.keys(r.start).map((name) => `| ${name} | ${mib(r.start[name]!.rssBytes)} | ${mib(r.end[name]?.rssBytes ?? 0)} | ${growth(name)} | ${r.start[name]!.cpuPercent.toFixed(0)} % | ${(r.end[name]?.cpuPercent ?? 0).toFixed(0)} % |`),
    '',
    'CPU is % of one core over a 5 s window (the machine has two, shared); the fleet itself runs in the benchmark process.',
  ];
  if (r.restart) {
    const x = r.restart;
    lines.push(
      '',
      '**Broker restart under the full fleet** (SIGKILL, then start again on the same port):',
      '',
      '| Measure | Result |',
      '|---|---|',
      `| All players back, from the kill | ${secs(x.allBackMs)} |`,
      `| All players back, from the broker listening | ${secs(x.backAfterListenMs)} (firmware back-off 15→30→60→120 s ±50 %) |`,
      `| Reconnects | ${x.reconnects} |`,
      `| Fan-out after the restart | ${x.fanoutSent} sent, ${x.delivered} acted on, ${x.duplicates} twice, ${x.ackedInDb} acks logged |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
