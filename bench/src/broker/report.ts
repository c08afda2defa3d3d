import { CONTENDER_LABELS, CONTENDERS, type ContenderName, isOurs } from './contenders.ts';
import type { RunResult } from './run-contender.ts';

/** Markdown tables: one row per metric and fleet size, the contenders side by side with their ratios to Mosquitto. */

export interface MachineInfo {
  date: string;
  command: string;
  cpus: string;
  memory: string;
  kernel: string;
  node: string;
  mosquitto: string;
  loadStart: string;
  loadEnd: string;
  durationMin: number;
}

type Pick = (r: RunResult) => number;
type Format = (v: number) => string;

const fixed = (digits: number): Format => (v) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const BYTES_PER_KB = 1000;
/** ARCHITECTURE/issue goals. */
export const GOALS = { players: 10_000, bytesPerConnection: 30 * BYTES_PER_KB, p99Ms: 50, throughputRatio: 0.98 };

function find(results: RunResult[], contender: ContenderName, players: number): RunResult | undefined {
  return results.find((r) => r.contender === contender && r.players === players);
}

const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

/** The contenders of this run, in the fixed order; every table has one column (and one ratio) each. */
function present(results: RunResult[]): ContenderName[] {
  return CONTENDERS.filter((c) => results.some((r) => r.contender === c));
}

function rows(results: RunResult[], sizes: number[], metric: string, pick: Pick, format: Format): string[] {
  const names = present(results);
  return sizes.map((n) => {
    const values = names.map((c) => {
      const r = find(results, c, n);
      return r ? pick(r) : Number.NaN;
    });
    const mosq = values[names.indexOf('mosquitto')] ?? Number.NaN;
    const ratios = names.filter((c) => c !== 'mosquitto').map((_, i) => ratio(values[i]!, mosq));
    return `| ${metric} | ${n.toLocaleString('en-US')} | ${values.map(format).join(' | ')} | ${ratios.join(' | ')} |`;
  });
}

/** A row of text cells (two figures per cell), without a ratio. */
function textRows(results: RunResult[], sizes: number[], metric: string, cell: (r: RunResult) => string): string[] {
  const names = present(results);
  return sizes.map((n) => {
    const cells = names.map((c) => {
      const r = find(results, c, n);
      return r ? cell(r) : 'n/a';
    });
    return `| ${metric} | ${n.toLocaleString('en-US')} | ${cells.join(' | ')} | ${names.filter((c) => c !== 'mosquitto').map(() => '—').join(' | ')} |`;
  });
}

function tableFor(results: RunResult[]) {
  const names = present(results);
  const others = names.filter((c) => c !== 'mosquitto');
  return (title: string, body: string[]): string =>
    [
      `### ${title}`,
      '',
      `| Metric | Players | ${names.map((c) => CONTENDER_LABELS[c]).join(' | ')} | ${others.map((c) => `${CONTENDER_LABELS[c]} / Mosquitto`).join(' | ')} |`,
      `|---|---:|${names.map(() => '---:').join('|')}|${others.map(() => '---:').join('|')}|`,
      ...body,
      '',
    ].join('\n');
}

export function metricTables(results: RunResult[]): string {
  const sizes = [...new Set(results.map((r) => r.players))].sort((a, b) => a - b);
  const m = (metric: string, pick: Pick, format: Format) => rows(results, sizes, metric, pick, format);
  const t = (metric: string, cell: (r: RunResult) => string) => textRows(results, sizes, metric, cell);
  const split = (s: { p50: number; p99: number }) => `${fixed(1)(s.p50)} / ${fixed(1)(s.p99)}`;
  const table = tableFor(results);
  return [
    table('1. Idle mTLS connections', [
      ...m('Connected and subscribed', (r) => r.connect.ready, fixed(0)),
      ...m('Connects per second ↑', (r) => r.connect.perSec, fixed(0)),
      ...m('Connect→SUBACK p50 (ms) ↓', (r) => r.connect.readyMs.p50, fixed(1)),
      ...m('Connect→SUBACK p99 (ms) ↓', (r) => r.connect.readyMs.p99, fixed(1)),
      ...m('Broker RSS before (MiB)', (r) => r.memory.rssBeforeKb / 1024, fixed(1)),
      ...m('Broker RSS with the fleet (MiB)', (r) => r.memory.rssAfterKb / 1024, fixed(1)),
      ...m('Memory per idle connection (KiB) ↓', (r) => r.memory.perConnectionKb, fixed(1)),
      ...m('Broker CPU per connection (ms) ↓', (r) => r.connect.brokerCpuMsPerConnection, fixed(2)),
    ]),
    table('2. Command fan-out (service → every player, QoS 1)', [
      ...m('Burst: delivered', (r) => r.fanoutBurst.received, fixed(0)),
      ...m('Burst: messages per second ↑', (r) => r.fanoutBurst.perSec, fixed(0)),
      ...m('Burst: latency p50 (ms) ↓', (r) => r.fanoutBurst.latency.p50, fixed(1)),
      ...m('Burst: latency p99 (ms) ↓', (r) => r.fanoutBurst.latency.p99, fixed(1)),
      ...m('Paced: delivered', (r) => r.fanoutPaced.received, fixed(0)),
      ...m('Paced: latency p50 (ms) ↓', (r) => r.fanoutPaced.latency.p50, fixed(1)),
      ...m('Paced: latency p99 (ms) ↓', (r) => r.fanoutPaced.latency.p99, fixed(1)),
      ...m('Broker CPU per message, burst (ms) ↓', (r) => r.fanoutBurst.brokerCpuMsPerMessage, fixed(3)),
      ...m('Redis CPU per message, burst (ms) ↓', (r) => r.fanoutBurst.redisCpuMsPerMessage, fixed(3)),
      ...m('Redis CPU per message, paced (ms) ↓', (r) => r.fanoutPaced.redisCpuMsPerMessage, fixed(3)),
    ]),
    table('3. Request → response (echo, steady rate)', [
      ...m('Requests sent', (r) => r.rr.sent, fixed(0)),
      ...m('Answered successfully', (r) => r.rr.ok, fixed(0)),
      ...m('Lost (no answer in 10 s)', (r) => r.rr.lost, fixed(0)),
      ...t('Error answers', (r) => Object.entries(r.rr.failures).map(([code, n]) => `${code}: ${n}`).join(', ') || 'none'),
      ...m('Throughput (answers/s) ↑', (r) => r.rr.perSec, fixed(1)),
      ...m('Round trip p50 (ms) ↓', (r) => r.rr.latency.p50, fixed(1)),
      ...m('Round trip p99 (ms) ↓', (r) => r.rr.latency.p99, fixed(1)),
      ...t('Device → handler p50 / p99 (ms, handler clock in ms)', (r) => split(r.rr.uplink)),
      ...t('Handler → device p50 / p99 (ms)', (r) => split(r.rr.downlink)),
      ...m('Broker CPU per request (ms) ↓', (r) => r.rr.brokerCpuMsPerRequest, fixed(3)),
      ...m('Responder CPU per request (ms) ↓', (r) => r.rr.responderCpuMsPerRequest, fixed(3)),
      ...m('Redis CPU per request (ms) ↓', (r) => r.rr.redisCpuMsPerRequest, fixed(3)),
    ]),
  ].join('\n');
}

/** Where a Node broker's memory per connection goes (V8 heap vs. everything else: TLS, buffers, libuv). */
export function memoryBreakdown(results: RunResult[]): string {
  const lines = [
    '| Broker | Players | RSS Δ / conn | V8 heap used Δ / conn (no GC) | heap used Δ, both after a full GC | external Δ / conn | RSS outside the V8 heap Δ / conn |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results.filter((x) => x.memory.detail)) {
    const d = r.memory.detail!;
    const per = (bytes: number) => `${(bytes / 1024 / Math.max(1, r.connect.ready)).toFixed(1)} KiB`;
    const outsideHeap = d.after.rss - d.after.heapTotal - (d.before.rss - d.before.heapTotal);
    lines.push(
      `| ${r.contender} | ${r.players.toLocaleString('en-US')} | ${per(d.after.rss - d.before.rss)} | ${per(d.after.heapUsed - d.before.heapUsed)} | ${per(d.afterGc.heapUsed - d.beforeGc.heapUsed)} | ${per(d.after.external - d.before.external)} | ${per(outsideHeap)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * RSS growth per connection between the smallest and the largest fleet (fresh broker each time): the
 * marginal cost, free of the one-off heap and allocator growth a small fleet carries.
 */
export function marginalMemory(results: RunResult[]): string {
  const lines = ['| Contender | Fleets | RSS with the fleet | Marginal memory per connection |', '|---|---|---|---:|'];
  for (const name of CONTENDERS) {
    const runs = results.filter((r) => r.contender === name).sort((a, b) => a.players - b.players);
    const small = runs[0];
    const large = runs.at(-1);
    if (!small || !large || small === large) continue;
    const kib = (large.memory.rssAfterKb - small.memory.rssAfterKb) / (large.connect.ready - small.connect.ready);
    const mib = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`;
    lines.push(
      `| ${name} | ${small.players.toLocaleString('en-US')} → ${large.players.toLocaleString('en-US')} | ${mib(small.memory.rssAfterKb)} → ${mib(large.memory.rssAfterKb)} | ${kib.toFixed(1)} KiB (${Math.round(kib * 1024).toLocaleString('en-US')} bytes) |`,
    );
  }
  return lines.length > 2 ? lines.join('\n') : 'Needs two fleet sizes.';
}

/** Our request round trip split into stages (see inbox-stages.ts). */
export function requestStagesTable(results: RunResult[]): string {
  const lines = [
    '| Broker | Players | device → broker | broker → inbox stream (XADD) | stream → api handler | handler → device | whole round trip |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const cell = (s: { p50: number; p99: number }) => `${fixed(1)(s.p50)} / ${fixed(1)(s.p99)}`;
  for (const r of results.filter((x) => isOurs(x.contender) && x.rr.stages)) {
    const st = r.rr.stages!;
    lines.push(`| ${CONTENDER_LABELS[r.contender]} | ${r.players.toLocaleString('en-US')} | ${cell(st.deviceToBroker)} | ${cell(st.brokerToStream)} | ${cell(st.streamToHandler)} | ${cell(st.handlerToDevice)} | ${cell(r.rr.latency)} |`);
  }
  return lines.length > 2 ? lines.join('\n') : 'Not measured.';
}

function verdict(ok: boolean | null): string {
  return ok === null ? 'not measured' : ok ? '**pass**' : '**FAIL**';
}

interface GoalFigure {
  measured: string;
  ok: boolean | null;
}

/** The issue's goals for one Node contender, worst case over the fleet sizes it ran. */
function goalFigures(results: RunResult[], contender: ContenderName): GoalFigure[] {
  const runs = results.filter((r) => r.contender === contender);
  const big = runs.find((r) => r.players >= GOALS.players);
  const maxOf = (pick: Pick) => (runs.length ? Math.max(...runs.map(pick)) : Number.NaN);
  const worstRatio = (pick: Pick) => {
    const values = runs.flatMap((o) => {
      const m = find(results, 'mosquitto', o.players);
      return m ? [pick(o) / pick(m)] : [];
    });
    return values.length ? Math.min(...values) : Number.NaN;
  };
  const known = (v: number, ok: boolean) => (Number.isFinite(v) ? ok : null);
  const largest = runs.at(-1);
  const bytes = largest ? largest.memory.perConnectionKb * 1024 : Number.NaN;
  const fanP99 = maxOf((r) => r.fanoutPaced.latency.p99);
  const rrP99 = maxOf((r) => r.rr.latency.p99);
  const throughput = (pick: Pick, unit: string): GoalFigure => {
    const v = worstRatio(pick);
    return { measured: `${fixed(2)(v)}× Mosquitto's ${unit}`, ok: known(v, v >= GOALS.throughputRatio) };
  };
  return [
    {
      measured: big ? `${big.connect.ready.toLocaleString('en-US')} connected, ${big.dropped} dropped` : 'fleet of 10,000 not run',
      ok: big ? big.connect.ready >= GOALS.players && big.dropped === 0 : null,
    },
    {
      measured: Number.isFinite(bytes) ? `${Math.round(bytes).toLocaleString('en-US')} bytes at ${largest?.players.toLocaleString('en-US')} players` : 'n/a',
      ok: known(bytes, bytes <= GOALS.bytesPerConnection),
    },
    { measured: `${fixed(1)(fanP99)} ms`, ok: known(fanP99, fanP99 <= GOALS.p99Ms) },
    { measured: `${fixed(1)(rrP99)} ms`, ok: known(rrP99, rrP99 <= GOALS.p99Ms) },
    throughput((r) => r.fanoutBurst.perSec, 'msg/s'),
    throughput((r) => r.rr.perSec, 'answers/s'),
    throughput((r) => r.connect.perSec, 'connects/s'),
  ];
}

const GOAL_NAMES = [
  '10,000 simultaneously connected mTLS players',
  'Memory per idle connection ≤ 30 KB (30,000 bytes)',
  'Fan-out p99 ≤ 50 ms (paced round)',
  'Request→response p99 ≤ 50 ms',
  "Fan-out throughput not below Mosquitto's",
  "Request throughput not below Mosquitto's",
  "Connect rate not below Mosquitto's",
];

/** The goals for each of our brokers, and the same figures for bare Aedes: what the fixed stack allows at best. */
export function goalTable(results: RunResult[]): string {
  const names = present(results).filter((c) => c !== 'mosquitto');
  const figures = names.map((c) => goalFigures(results, c));
  return [
    `| Goal (worst case over the fleet sizes) | ${names.map((c) => `${CONTENDER_LABELS[c]} | Result`).join(' | ')} |`,
    `|---|${names.map(() => '---|---').join('|')}|`,
    ...GOAL_NAMES.map((goal, i) => `| ${goal} | ${figures.map((f) => `${f[i]!.measured} | ${verdict(f[i]!.ok)}`).join(' | ')} |`),
  ].join('\n');
}
