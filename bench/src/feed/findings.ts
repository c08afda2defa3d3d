import type { ExplainLine } from './explain.ts';
import type { RunResult } from './load.ts';
import type { Instrumented } from './phases.ts';
import type { Timings } from './instrument.ts';
import type { MicroStep } from './micro.ts';
import type { Goal } from './report.ts';

/** The goals of the brief, and the numbers that explain a miss, computed from the runs. */

export const THROUGHPUT_GOAL = 0.5;
export const P99_GOAL_MS = 20;

/** Issue 14: a logged-in member's page (never cached) at 50 connections. */
export const MEMBER_P99_GOAL_MS = 40;
export const MEMBER_POSTGRES_CPU_GOAL_MS = 0.4;

export function goalsOf(reference: RunResult, contender: RunResult, member: RunResult, connections: number): Goal[] {
  const ratio = contender.reqPerSec / reference.reqPerSec;
  return [
    {
      name: 'contender throughput vs reference',
      target: `≥ ${THROUGHPUT_GOAL * 100} % of the reference's req/s`,
      measured: `${(ratio * 100).toFixed(1)} % (${contender.reqPerSec.toFixed(0)} / ${reference.reqPerSec.toFixed(0)} req/s)`,
      pass: ratio >= THROUGHPUT_GOAL,
    },
    {
      name: `contender p99 latency at ${connections} connections`,
      target: `≤ ${P99_GOAL_MS} ms`,
      measured: `${contender.latencyMs.p99} ms`,
      pass: contender.latencyMs.p99 <= P99_GOAL_MS,
    },
    {
      name: `member p99 latency at ${connections} connections`,
      target: `≤ ${MEMBER_P99_GOAL_MS} ms`,
      measured: `${member.latencyMs.p99} ms (${member.reqPerSec.toFixed(0)} req/s)`,
      pass: member.latencyMs.p99 <= MEMBER_P99_GOAL_MS,
    },
    {
      name: 'PostgreSQL CPU per member page',
      target: `≤ ${MEMBER_POSTGRES_CPU_GOAL_MS} ms`,
      measured: `${member.cpuMsPerRequest.postgres.toFixed(3)} ms`,
      pass: member.cpuMsPerRequest.postgres <= MEMBER_POSTGRES_CPU_GOAL_MS,
    },
  ];
}

const f = (n: number, d = 2) => n.toFixed(d);
const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(0)} %`;
const cpuAll = (r: RunResult) => r.cpuMsPerRequest.server + r.cpuMsPerRequest.postgres + r.cpuMsPerRequest.loadGenerator;
/** Cores a process group kept busy during a run. */
const cores = (msPerRequest: number, r: RunResult) => (msPerRequest * r.reqPerSec) / 1000;

export interface FindingInput {
  nproc: number;
  connections: number;
  limit: number;
  reference: RunResult;
  contender: RunResult;
  ladder: { rung: string; run: RunResult }[];
  instrumented: Instrumented | null;
  explain: ExplainLine[];
  steps: MicroStep[];
}

/** Plain statements computed from the numbers; the report prints them as they are. */
export function findingsOf(x: FindingInput): string[] {
  const { reference: ref, contender: con } = x;
  const out: string[] = [];
  const apiMs = con.cpuMsPerRequest.server;
  out.push(
    `The contender's limit is its own process: one Node event loop that needs ${f(apiMs, 2)} ms of CPU per request ` +
      `(${f(apiMs / ref.cpuMsPerRequest.server, 0)}× the reference server's ${f(ref.cpuMsPerRequest.server, 3)} ms), so one core serves at most ≈ ${f(1000 / apiMs, 0)} req/s; ` +
      `during its best run the api process used ${f(100 * cores(apiMs, con), 0)} % of a core (${con.reqPerSec.toFixed(0)} req/s), PostgreSQL ${f(100 * cores(con.cpuMsPerRequest.postgres, con), 0)} % of a core.`,
  );
  out.push(
    `All processes together spent ${f(cpuAll(con), 3)} ms of CPU per contender request against ${f(cpuAll(ref), 3)} ms per reference request (${f(cpuAll(con) / cpuAll(ref), 0)}×). ` +
      `The reference's ${ref.reqPerSec.toFixed(0)} req/s kept ${f(cores(cpuAll(ref), ref), 2)} of ${x.nproc} cores busy (server and load generator are one event loop each).`,
  );
  const sql = x.ladder.find((l) => l.rung.includes('SQL'));
  if (sql) {
    const pg = sql.run.cpuMsPerRequest.postgres;
    const planning = x.explain.reduce((s, e) => s + e.planningMs, 0);
    const execution = x.explain.reduce((s, e) => s + e.executionMs, 0);
    const maxRate = (1000 * x.nproc) / (pg + ref.cpuMsPerRequest.server + ref.cpuMsPerRequest.loadGenerator);
    out.push(
      `Even without the api's code, the api's SQL alone (ladder rung 4: static bytes after the same SQL through pg) reach ${sql.run.reqPerSec.toFixed(0)} req/s = ${pct(sql.run.reqPerSec, ref.reqPerSec)} of the reference: ` +
        `PostgreSQL spends ${f(pg, 3)} ms of CPU per request (EXPLAIN ANALYZE: planning ${f(planning, 3)} ms + execution ${f(execution, 3)} ms ; this rung replays the SQL as unnamed statements, so PostgreSQL also parses and plans it every time, which the api's prepared statement avoids). ` +
        `With all ${x.nproc} cores given to PostgreSQL and the reference's own costs, that caps a design that runs this query per request at ≈ ${maxRate.toFixed(0)} req/s = ${pct(maxRate, ref.reqPerSec)} of the reference` +
        (maxRate < THROUGHPUT_GOAL * ref.reqPerSec ? `: the ${THROUGHPUT_GOAL * 100} % goal cannot be met on this machine without answering from a cache.` : '.'),
    );
  }
  const uncached = x.ladder.find((l) => l.rung.includes('micro-cache off'))?.run;
  if (uncached) {
    out.push(
      `Without the visitors' micro-cache (features/feeds/page-cache.ts) — the path every member's request takes, since members' pages depend on their blocks and opt-ins — ` +
        `the api served ${uncached.reqPerSec.toFixed(0)} req/s (${pct(uncached.reqPerSec, ref.reqPerSec)} of the reference) with p99 ${uncached.latencyMs.p99} ms, ` +
        `using ${f(uncached.cpuMsPerRequest.server, 3)} ms of api CPU per request; with it, a visitor's page costs ${f(apiMs, 3)} ms.`,
    );
  }
  const needed = x.connections / (P99_GOAL_MS / 1000);
  out.push(
    `Latency follows throughput: in a closed loop of ${x.connections} connections, mean latency = connections / throughput (Little's law; contender ${x.connections} / ${con.reqPerSec.toFixed(0)} req/s = ${f((1000 * x.connections) / con.reqPerSec, 1)} ms, measured mean ${f(con.latencyMs.mean, 1)} ms), ` +
      `so a p99 ≤ ${P99_GOAL_MS} ms at ${x.connections} connections needs more than ${needed.toFixed(0)} req/s, i.e. at most ${f((1000 * x.nproc) / needed, 2)} ms of CPU per request over everything on ${x.nproc} cores.`,
  );
  const step = (key: MicroStep['key']) => x.steps.find((s) => s.key === key);
  const [service, feedQuery, present, sqids, serializer] = (['service', 'feedQuery', 'present', 'sqids', 'serializer'] as const).map(step);
  if (service && feedQuery && present && sqids && serializer) {
    out.push(
      `Alone and one at a time, the feed service costs ${f(service.cpuMs, 2)} ms of Node CPU per request (${f(service.wallMs, 2)} ms wall), before any HTTP: ` +
        `the feed query (owners joined in) through drizzle and pg ${f(feedQuery.cpuMs, 2)} ms (the same SQL through bare pg costs the rung-4 server ${f(sql?.run.cpuMsPerRequest.server ?? Number.NaN, 2)} ms in all), ` +
        `presenting the ${x.limit} rows ${f(present.cpuMs, 2)} ms, of which ${f(sqids.cpuMs, 2)} ms are the ${2 * x.limit} sqids encodes (${f((1000 * sqids.cpuMs) / (2 * x.limit), 1)} µs each), and the zod serializer ${f(serializer.cpuMs, 2)} ms. ` +
        (uncached
          ? `For comparison, under load the uncached api process used ${f(uncached.cpuMsPerRequest.server, 2)} ms of CPU per request in all (Fastify, its hooks, garbage collection and V8's helper threads included).`
          : ''),
    );
  }
  if (x.instrumented) {
    const { timings: t, profile } = x.instrumented;
    const perReq = (q: Timings['queries'][number]) => q.count / Math.max(1, t.requests);
    const rt = t.queries.reduce((s, q) => s + q.meanMs * perReq(q), 0);
    const wait = t.queries.reduce((s, q) => s + q.meanPoolWaitMs * perReq(q), 0);
    const coreShare = t.cpuMs / (1000 * x.instrumented.run.seconds);
    out.push(
      `Inside the api (run with timers): the event loop was busy ${f(100 * t.eventLoopUtilization, 0)} % of the time and the process used ${f(100 * coreShare, 0)} % of a core ` +
        (coreShare < 0.95 ? '(the rest of its busy time it waited for a core on the shared machine). ' : "(beyond one core: V8's garbage collector and helper threads run beside the event loop). ") +
        `A request spent ${f(t.meanMs.total, 1)} ms in Fastify, of which ${f(wait, 1)} ms waiting for one of the 10 pooled PostgreSQL connections and ${f(rt, 1)} ms in query round trips ` +
        `(PostgreSQL executes both in ${f(x.explain.reduce((s, e) => s + e.executionMs, 0), 2)} ms; with ${x.connections} requests in flight on one saturated event loop, a client is held until the loop gets round to reading its answer, so both numbers are queueing, not database work), and ${f(t.meanMs.serialize, 2)} ms in the zod response serializer.`,
    );
    const top = profile.byPackage.slice(0, 5).map((p) => `${p.name} ${f(100 * p.share, 0)} %`).join(', ');
    const api = profile.apiInclusive.slice(0, 4).map((p) => `${p.name} ${f(100 * p.share, 0)} %`).join(', ');
    out.push(`The api process's profile: by package ${top}; api functions with what they call: ${api}.`);
  }
  return out;
}
