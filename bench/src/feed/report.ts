import type { ExplainLine } from './explain.ts';
import type { Timings } from './instrument.ts';
import { failed, type RunResult } from './load.ts';
import type { Machine } from './machine.ts';
import type { MicroStep } from './micro.ts';
import type { Instrumented } from './phases.ts';
import type { ProfileShare } from './profile.ts';

/** The markdown this benchmark prints and keeps in bench/RESULTS.md. */

export const SECTION_TITLE = '## Recent feed vs bare Fastify';

export interface Goal {
  name: string;
  target: string;
  measured: string;
  pass: boolean;
}

export interface FeedReport {
  date: string;
  command: string;
  machine: Machine;
  load: { waited: string; start: readonly number[]; end: readonly number[] };
  setup: { posts: number; owners: number; seedSeconds: number; tableMb: number; limit: number; bodyBytes: number; contentType: string; connections: number; warmupSeconds: number; runSeconds: number; rounds: number; diagnoseSeconds: number };
  runs: RunResult[];
  reference: RunResult;
  contender: RunResult;
  /** The same api as a logged-in member (never cached). */
  member: RunResult;
  /** The device query_posts round trip (bench/src/feed/device-load.ts). */
  device: RunResult;
  goals: Goal[];
  explain: ExplainLine[];
  ladder: { rung: string; run: RunResult }[];
  instrumented: Instrumented | null;
  steps: MicroStep[];
  findings: string[];
}

const f = (n: number, digits = 1) => n.toFixed(digits);
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
const table = (head: readonly string[], rows: readonly (readonly string[])[]) => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
const cpuTotal = (r: RunResult) => r.cpuMsPerRequest.server + r.cpuMsPerRequest.postgres + r.cpuMsPerRequest.loadGenerator;
const cpuCells = (r: RunResult) => [f(r.cpuMsPerRequest.server, 3), f(r.cpuMsPerRequest.postgres, 3), f(r.cpuMsPerRequest.loadGenerator, 3)];

function mainTable(r: FeedReport): string {
  const { reference: ref, contender: con, member: mem, device: dev } = r;
  const ratio = (a: number, b: number) => `${f(a / b, 2)}×`;
  const sides = [ref, con, mem, dev];
  const cells = (cell: (x: RunResult) => string) => sides.map(cell);
  return table(
    ['best run of each side', 'reference (bare Fastify, same bytes)', 'contender (real api, as a visitor)', 'member (real api, logged in)', 'device query_posts (handler, 10 in flight)', 'visitor / reference', 'member / reference'],
    [
      ['**requests/s** ↑', ...cells((x) => `**${int(x.reqPerSec)}**`), `**${ratio(con.reqPerSec, ref.reqPerSec)}**`, `**${ratio(mem.reqPerSec, ref.reqPerSec)}**`],
      ['latency p50, ms ↓', ...cells((x) => String(x.latencyMs.p50)), ratio(con.latencyMs.p50 || 1, ref.latencyMs.p50 || 1), ratio(mem.latencyMs.p50 || 1, ref.latencyMs.p50 || 1)],
      ['**latency p99, ms** ↓', ...cells((x) => `**${x.latencyMs.p99}**`), ratio(con.latencyMs.p99 || 1, ref.latencyMs.p99 || 1), ratio(mem.latencyMs.p99 || 1, ref.latencyMs.p99 || 1)],
      ['latency mean / max, ms', ...cells((x) => `${f(x.latencyMs.mean, 2)} / ${x.latencyMs.max}`), '', ''],
      ['server process CPU per request, ms', ...cells((x) => f(x.cpuMsPerRequest.server, 3)), ratio(con.cpuMsPerRequest.server, ref.cpuMsPerRequest.server), ratio(mem.cpuMsPerRequest.server, ref.cpuMsPerRequest.server)],
      ['**PostgreSQL CPU per request, ms**', ...cells((x) => `**${f(x.cpuMsPerRequest.postgres, 3)}**`), '', ''],
      ['load generator CPU per request, ms', ...cells((x) => f(x.cpuMsPerRequest.loadGenerator, 3)), '', ''],
      ['bytes per response', ...cells((x) => int(x.bytesPerResponse)), '', ''],
    ],
  );
}

function runsTable(runs: readonly RunResult[]): string {
  return table(
    ['run (in order)', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx / errors / timeouts', '1-min load after'],
    runs.map((r) => [r.label, int(r.reqPerSec), String(r.latencyMs.p50), String(r.latencyMs.p99), int(r.requests), `${r.failures.non2xx} / ${r.failures.errors} / ${r.failures.timeouts}${failed(r) ? ' **INVALID**' : ''}`, f(r.load1, 2)]),
  );
}

function ladderTable(r: FeedReport): string {
  const top = r.ladder[0]?.run.reqPerSec ?? 1;
  return table(
    ['rung (each adds one piece of the api\'s work)', 'req/s', '% of rung 1', 'p50 ms', 'p99 ms', 'CPU ms/req: server', 'PostgreSQL', 'load gen.', 'all'],
    r.ladder.map(({ rung, run }) => [rung, int(run.reqPerSec), `${f((100 * run.reqPerSec) / top)} %`, String(run.latencyMs.p50), String(run.latencyMs.p99), ...cpuCells(run), f(cpuTotal(run), 3)]),
  );
}

function timingsTable(t: Timings): string {
  const m = t.meanMs;
  const rows = [
    ['hooks + auth + viewer + queries + presentation (until the handler returns)', f(m.handler, 3)],
    ['response serializer (zod safeEncode + JSON.stringify)', f(m.serialize, 3)],
    ['onSend → response written', f(m.send, 3)],
    ['**total in Fastify**', `**${f(m.total, 3)}**`],
    ...t.queries.map((q) => [`  of which query \`${q.label}\`: round trip / waiting for a pool client (${int(q.count)} queries)`, `${f(q.meanMs, 3)} / ${f(q.meanPoolWaitMs, 3)}`]),
    ['api process CPU per request', f(t.cpuMs / Math.max(1, t.requests), 3)],
    ['api event-loop utilisation during the run', `${f(100 * t.eventLoopUtilization, 0)} %`],
  ];
  return table(['api, instrumented run: mean per request', 'ms'], rows);
}

function shareTable(head: string, shares: readonly ProfileShare[], perRequestMs: number): string {
  return table([head, 'share of CPU', 'ms per request'], shares.map((s) => [`\`${s.name}\``, `${f(100 * s.share)} %`, f(s.share * perRequestMs, 3)]));
}

export function renderSection(r: FeedReport): string {
  const { machine: m, setup: s } = r;
  const loads = (l: readonly number[]) => l.map((x) => f(x, 2)).join(' / ');
  const parts = [
    SECTION_TITLE,
    '',
    `* Date: ${r.date}`,
    `* Command (from the repository root): \`${r.command}\``,
    `* Machine: ${m.os}, ${m.cpu}, nproc ${m.nproc}, ${f(m.ramGib)} GiB RAM; Node ${m.node}; ${m.postgres}; redis-server (Debian).`,
    `* Load average (1 / 5 / 15 min) when the measured runs began: ${loads(r.load.start)}; at the end: ${loads(r.load.end)}. ${r.load.waited}`,
    `* Data: ${int(s.posts)} ready, approved, public artworks by ${int(s.owners)} artists, seeded with one \`insert … select … from generate_series\` in ${f(s.seedSeconds)} s, then ANALYZE (posts with its indexes: ${f(s.tableMb)} MB).`,
    `* Request: \`GET /api/v1/feeds/recent?limit=${s.limit}\` as a visitor; body ${int(s.bodyBytes)} bytes, \`${s.contentType}\`. The member contender sends the same request to the same api process with \`Authorization: Bearer\` (a fresh access token of the first seeded artist per run), so the visitors' micro-cache never applies: authentication, the viewer lookup, the feed query and the serializer run on every request.`,
    '* Device: `query_posts` (channel `all`, server order, limit 50) for a registered player of the same member, through the handler both transports share (api/src/features/device-requests/service.ts: idempotency claim in redis, device context, channel query, post objects), 10 requests in flight in the api child, one run per round after the HTTP sides (bench/src/feed/device-load.ts); the MQTT/TLS hop is the broker benchmark\'s. Its bytes are the JSON response without transport framing.',
    `* Load: autocannon (programmatic, in the orchestrating process), ${s.connections} connections, closed loop; ${s.warmupSeconds} s warm-up per side, then ${s.rounds} × ${s.runSeconds} s runs per side alternating reference / contender; the better run of each side is reported. autocannon records whole milliseconds.`,
    '* Contender: the real api — `buildApp(loadConfig(…))` from api/src, NODE_ENV=production, LOG_LEVEL=silent, default pool (10 PostgreSQL connections), no broker, device-inbox consumer off, default `FEED_CACHE_TTL_MS` (visitors\' pages micro-cached for 1 s, api/src/features/feeds/page-cache.ts; ladder rung 5 is the same api with it off) — in its own Node process (bench/src/feed/api-child.ts).',
    '* Reference: a bare Fastify route in its own Node process serving, from memory, the exact bytes and content type one request to the real endpoint returned (bench/src/feed/bare-child.ts, mode `static`); checked byte for byte before the runs.',
    '* Everything (PostgreSQL, redis, both servers, the load generator) shares the machine\'s cores; CPU per request is read from /proc for each process group.',
    '',
    '### Result',
    '',
    mainTable(r),
    '',
    '### Goals',
    '',
    table(['goal', 'target', 'measured', 'result'], r.goals.map((g) => [g.name, g.target, g.measured, g.pass ? 'PASS' : '**FAIL**'])),
    '',
    '### All measured runs',
    '',
    runsTable(r.runs),
    '',
    '### Feed query plan (EXPLAIN ANALYZE of the SQL the api sent, warm)',
    '',
    ...r.explain.map((e) => `- ${e.query}: ${e.summary}`),
  ];
  if (r.ladder.length) {
    parts.push(
      '',
      '### Where the difference comes from',
      '',
      `Diagnostic runs, ${r.setup.diagnoseSeconds} s each after a 3 s warm-up, same ${r.setup.connections} connections: a ladder of bare Fastify children (bench/src/feed/bare-child.ts modes) that each add one piece of the api's work, then the real api.`,
      '',
      ladderTable(r),
    );
  }
  if (r.instrumented) {
    const { run, timings, profiled, profile } = r.instrumented;
    // Shares of sampled non-idle time, scaled to the process's measured CPU per request (the
    // sampler also counts time the thread was runnable but not running on the shared cores).
    const perRequest = profiled.cpuMsPerRequest.server;
    parts.push(
      '',
      `Api with timers (${run.reqPerSec.toFixed(0)} req/s, p99 ${run.latencyMs.p99} ms; the timers cost a little):`,
      '',
      timingsTable(timings),
      '',
      `Where the api process's CPU goes: V8 sampling profile (200 µs) of another run (${profiled.reqPerSec.toFixed(0)} req/s under the profiler); shares of the sampled non-idle time, applied to the ${f(perRequest, 2)} ms of CPU per request the process used in that run:`,
      '',
      shareTable('self time by package / file', profile.byPackage, perRequest),
      '',
      shareTable('api function, with everything it calls', profile.apiInclusive, perRequest),
    );
  }
  if (r.steps.length) {
    parts.push(
      '',
      "The api's work for one request, called directly in the idle orchestrator (no HTTP, one at a time; the service's result serializes to the endpoint's exact body):",
      '',
      table(['step (per request)', 'CPU ms', 'wall ms'], r.steps.map((s) => [s.step, f(s.cpuMs, 3), f(s.wallMs, 3)])),
    );
  }
  if (r.findings.length) parts.push('', '### Findings', '', ...r.findings.map((x) => `- ${x}`));
  return `${parts.join('\n')}\n`;
}

