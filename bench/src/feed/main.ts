import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '@makapix/devstack/paths';
import type { ServerChild } from './children.ts';
import { explainQueries } from './explain.ts';
import { findingsOf, goalsOf } from './findings.ts';
import type { Timings } from './instrument.ts';
import { failed, type RunResult } from './load.ts';
import { measureSteps, type MicroStep } from './micro.ts';
import { describeMachine, loadAverages, waitForQuietMachine } from './machine.ts';
import { parseOptions } from './options.ts';
import { captureQueries, checkSameBody, type Context, diagnosticRun, type Instrumented, instrumentedRun, measure, startApi, startBare, takeBody } from './phases.ts';
import { type FeedReport, renderSection } from './report.ts';
import { writeResultsSection } from '../results-section.ts';
import { seedFeed } from './seed.ts';
import { startServices } from './services.ts';

/**
 * `npm run bench:feed -w @makapix/bench [-- --quick]`: the real `GET /api/v1/feeds/recent` against a
 * bare Fastify route returning the same bytes (docs/architecture.md §6), then the diagnostic
 * ladder that says where the difference goes. Writes its section of bench/RESULTS.md (not with --quick).
 */

const RESULTS_FILE = path.join(repoRoot, 'bench', 'RESULTS.md');
// Everything is bounded: setup, the load wait (its own limit) and the runs must end by then.
const OVERALL_LIMIT_MS = 20 * 60_000;

const log = (line: string) => console.log(`[bench:feed ${new Date().toISOString().slice(11, 19)}] ${line}`);
const argv = process.argv.slice(2);
const opts = parseOptions(argv, RESULTS_FILE);
const command = `npm run bench:feed -w @makapix/bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;

const services = await startServices(log);
const started: ServerChild[] = [];
let cleaning: Promise<void> | undefined;
const cleanup = () =>
  (cleaning ??= (async () => {
    await Promise.all(started.map((c) => c.stop().catch(() => undefined)));
    await services.stop();
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}
const watchdog = setTimeout(() => {
  log(`still running after ${OVERALL_LIMIT_MS / 60_000} min (plus the load wait): giving up`);
  void cleanup().finally(() => process.exit(1));
}, OVERALL_LIMIT_MS + opts.maxWaitMinutes * 60_000);
watchdog.unref();

async function run(): Promise<void> {
  const seeded = await seedFeed(services.databaseUrl, opts.owners, opts.posts);
  log(`seeded ${seeded.owners} owners and ${seeded.posts} posts in ${seeded.seconds.toFixed(1)} s (posts: ${seeded.tableMb.toFixed(1)} MB)`);
  const ctx: Context = { opts, services, log, member: seeded.member };

  const contender = await startApi(ctx, false);
  started.push(contender);
  const body = await takeBody(ctx, contender);
  const reference = await startBare(ctx, 'static', body);
  started.push(reference);
  await checkSameBody(ctx, reference, body, await readFile(body.file));
  log(`body: ${body.bytes} bytes, ${body.items} items, ${body.contentType}; the reference answers the same bytes`);

  let waited = 'Quick development run: no wait for a quiet machine.';
  if (opts.maxWaitMinutes > 0) {
    const quiet = await waitForQuietMachine(opts.maxLoad, 60_000, opts.maxWaitMinutes * 60_000, log);
    waited = quiet.gaveUp
      ? `The 1-minute load never fell below ${opts.maxLoad} in ${opts.maxWaitMinutes} min of waiting (it was ${quiet.load.toFixed(2)}); the runs went ahead on a busy machine.`
      : `Waited ${quiet.waitedS} s for the 1-minute load to fall below ${opts.maxLoad} (polled every 60 s).`;
  }
  const loadStart = loadAverages();
  log(`measuring (load ${loadStart.map((l) => l.toFixed(2)).join(' / ')})`);
  const measured = await measure(ctx, reference, contender);
  const invalid = measured.runs.filter(failed);
  if (invalid.length) throw new Error(`runs with failed requests: ${invalid.map((r) => r.label).join(', ')}`);
  const loadEnd = loadAverages();

  const ladder: { rung: string; run: RunResult }[] = [];
  let instrumented: Instrumented | null = null;
  let steps: MicroStep[] = [];
  let samples: Timings['samples'];
  if (opts.diagnose) {
    instrumented = await instrumentedRun(ctx);
    samples = instrumented.timings.samples;
    ladder.push({ rung: '1. bare Fastify, static bytes (reference)', run: await diagnosticRun(ctx, reference, 'ladder 1 static') });
    const rungs = [
      ['stringify', '2. + build the JSON per request (JSON.stringify of the same object)'],
      ['zod', "3. + the api's response serializer (zod safeEncode of listSchema(postSummarySchema))"],
      ['sql', "4. static bytes + the api's SQL per request (pg pool of 10)"],
    ] as const;
    for (const [mode, rung] of rungs) {
      const server = await startBare(ctx, mode, body, samples);
      try {
        await checkSameBody(ctx, server, body, await readFile(body.file));
        ladder.push({ rung, run: await diagnosticRun(ctx, server, `ladder ${mode}`) });
      } finally {
        await server.stop();
      }
    }
    const uncached = await startApi(ctx, false, false);
    try {
      await checkSameBody(ctx, uncached, body, await readFile(body.file));
      ladder.push({ rung: "5. the real api, visitors' micro-cache off (what a member's request costs)", run: await diagnosticRun(ctx, uncached, 'ladder api uncached') });
    } finally {
      await uncached.stop();
    }
    ladder.push({ rung: "6. the real api, visitors' micro-cache on (contender)", run: await diagnosticRun(ctx, contender, 'ladder api') });
    steps = await measureSteps(services.databaseUrl, opts.limit, await readFile(body.file));
    for (const s of steps) log(`step ${s.step}: CPU ${s.cpuMs.toFixed(3)} ms, wall ${s.wallMs.toFixed(3)} ms`);
  } else {
    samples = await captureQueries(ctx);
  }
  const explain = await explainQueries(services.databaseUrl, samples);
  for (const e of explain) log(`EXPLAIN ${e.query}: ${e.summary}`);

  const machine = await describeMachine(services.postgresVersion);
  const report: FeedReport = {
    date: new Date().toISOString(),
    command,
    machine,
    load: { waited, start: loadStart, end: loadEnd },
    setup: {
      posts: seeded.posts,
      owners: seeded.owners,
      seedSeconds: seeded.seconds,
      tableMb: seeded.tableMb,
      limit: opts.limit,
      bodyBytes: body.bytes,
      contentType: body.contentType,
      connections: opts.connections,
      warmupSeconds: opts.warmupSeconds,
      runSeconds: opts.runSeconds,
      rounds: opts.rounds,
      diagnoseSeconds: opts.diagnoseSeconds,
    },
    runs: measured.runs,
    reference: measured.reference,
    contender: measured.contender,
    member: measured.member,
    device: measured.device,
    goals: goalsOf(measured.reference, measured.contender, measured.member, opts.connections),
    explain,
    ladder,
    instrumented,
    steps,
    findings: findingsOf({ nproc: machine.nproc, connections: opts.connections, limit: opts.limit, reference: measured.reference, contender: measured.contender, ladder, instrumented, explain, steps }),
  };
  const section = renderSection(report);
  console.log(`\n${section}`);
  if (opts.out) {
    await writeResultsSection(opts.out, section);
    log(`wrote the section "${section.split('\n')[0]}" of ${path.relative(repoRoot, opts.out)}`);
  } else {
    log('not written to RESULTS.md (--quick)');
  }
}

try {
  await run();
  await cleanup();
  process.exit(0);
} catch (err) {
  log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  await cleanup();
  process.exit(1);
}
