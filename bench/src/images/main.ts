import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Corpus, corpusPlan, describeCorpus, generateCorpus } from './corpus.ts';
import { describeMachine, loadAverage, waitForQuietMachine } from './machine.ts';
import { type Report, methodNotes, renderSection } from './report.ts';
import { writeResultsSection } from '../results-section.ts';
import { type Side, type SideRun, benchDir, checkOutputs, profileOurs, runSide } from './run-side.ts';
import { type Goal, summarize, workDifferences } from './stats.ts';

/**
 * Image pipeline vs Pillow (docs/architecture.md §6): the same corpus through our worker
 * pipeline and through Pillow, each side in its own process, several runs, medians, one table.
 *   npm run bench:images -w @makapix/bench [-- --quick --runs 3 --no-wait --profile --worst-side 128 --no-write]
 * --quick: a small corpus for developing the bench (printed, never written to RESULTS.md).
 * --no-wait: skip waiting for a quiet machine; --profile: profile even when every goal passes;
 * --worst-side: side of the square 1024-frame worst case (128, or 256 = the rules' maximum);
 * --no-write: print only.
 */

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    'no-wait': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'max-load': { type: 'string', default: '2.5' },
    'worst-side': { type: 'string', default: '128' },
    'no-write': { type: 'boolean', default: false },
  },
});
const RUNS = Number(args.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be a positive integer');
const log = (line: string) => process.stderr.write(`[bench:images] ${line}\n`);
const MIX_TIMEOUT_MS = 10 * 60_000;
const WORST_TIMEOUT_MS = 15 * 60_000;
/** Goals from the issue. MB here is 10^6 bytes, the stricter reading. */
const GOAL_SPEED_UP = 3;
const GOAL_WORST_SECONDS = 10;
const GOAL_WORST_RSS_MB = 300;

interface Measured {
  mix: Record<Side, SideRun[]>;
  worst: Record<Side, SideRun[]>;
  pixelChecks: Report['pixelChecks'];
}

/** Runs alternate which side goes first, so a burst of load from a neighbour hits both alike. */
async function measure(work: string, corpus: Corpus): Promise<Measured> {
  const m: Measured = { mix: { ours: [], pillow: [] }, worst: { ours: [], pillow: [] }, pixelChecks: [] };
  for (let run = 0; run < RUNS; run++) {
    const order: Side[] = run % 2 === 0 ? ['ours', 'pillow'] : ['pillow', 'ours'];
    for (const [workload, files, timeout] of [['mix', corpus.mix, MIX_TIMEOUT_MS], ['worst', [corpus.worst], WORST_TIMEOUT_MS]] as const) {
      for (const side of order) {
        const keep = run === 0;
        const result = await runSide(side, files, work, timeout, keep);
        m[workload][side].push(result);
        log(`run ${run + 1}/${RUNS} ${workload} ${side}: ${result.result.seconds.toFixed(3)} s, peak RSS ${result.result.peakRssKb} KiB, load ${loadAverage().toFixed(2)}`);
        if (keep) {
          // Pixel-exactness of each side's renditions, decoded by Pillow: not timed, first run only.
          const check = await checkOutputs(files, result.outDir, WORST_TIMEOUT_MS);
          await rm(result.outDir, { recursive: true, force: true });
          const label = `${side === 'ours' ? 'ours' : 'Pillow'} (${workload})`;
          m.pixelChecks.push({ side: label, ...check });
        }
      }
    }
  }
  return m;
}

function goalsOf(mix: Report['mix'], worst: Report['worst']): Goal[] {
  const filesRatio = mix.ours.filesPerSecond / mix.pillow.filesPerSecond;
  const framesRatio = mix.ours.framesPerSecond / mix.pillow.framesPerSecond;
  return [
    { name: 'throughput, files/s', target: `≥ ${GOAL_SPEED_UP}× Pillow`, measured: `${filesRatio.toFixed(2)}×`, pass: filesRatio >= GOAL_SPEED_UP },
    { name: 'throughput, frames/s', target: `≥ ${GOAL_SPEED_UP}× Pillow`, measured: `${framesRatio.toFixed(2)}×`, pass: framesRatio >= GOAL_SPEED_UP },
    { name: 'worst case, time', target: `≤ ${GOAL_WORST_SECONDS} s`, measured: `${worst.ours.seconds.toFixed(2)} s`, pass: worst.ours.seconds <= GOAL_WORST_SECONDS },
    { name: 'worst case, peak RSS', target: `≤ ${GOAL_WORST_RSS_MB} MB`, measured: `${worst.ours.peakRssMb.toFixed(0)} MB`, pass: worst.ours.peakRssMb <= GOAL_WORST_RSS_MB },
  ];
}

async function main(): Promise<void> {
  const quick = args.quick;
  let waited = 'no wait (--no-wait)';
  if (!args['no-wait']) {
    const maxLoad = Number(args['max-load']);
    const started = Date.now();
    const quiet = await waitForQuietMachine(maxLoad, 60_000, 30 * 60_000, log);
    const minutes = ((Date.now() - started) / 60_000).toFixed(0);
    waited = quiet.gaveUp
      ? `the load stayed ≥ ${maxLoad} for the 30-minute wait, so the runs went ahead on a busy machine`
      : `the run waited ${minutes} min for the load to fall below ${maxLoad}`;
  }
  const machine = await describeMachine();
  const work = await mkdtemp(path.join(tmpdir(), 'makapix-bench-images-'));
  // Interrupted runs clean up too: children are killed on exit (run-side.ts), then the temp dir goes.
  process.once('exit', () => rmSync(work, { recursive: true, force: true }));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  try {
    log(`generating the ${quick ? 'quick' : 'full'} corpus in ${work}`);
    const corpus = await generateCorpus(work, corpusPlan(quick, Number(args['worst-side'])));
    const loadStart = loadAverage();
    const measured = await measure(work, corpus);
    const loadEnd = loadAverage();
    const mix = { ours: summarize(measured.mix.ours), pillow: summarize(measured.mix.pillow) };
    const worst = { ours: summarize(measured.worst.ours), pillow: summarize(measured.worst.pillow) };
    const goals = goalsOf(mix, worst);
    const differences = [
      ...workDifferences((measured.mix.ours[0] as SideRun).result, (measured.mix.pillow[0] as SideRun).result),
      ...workDifferences((measured.worst.ours[0] as SideRun).result, (measured.worst.pillow[0] as SideRun).result),
    ];
    const profiles: Report['profiles'] = [];
    if (args.profile || goals.some((g) => !g.pass)) {
      log('profiling our pipeline step by step');
      for (const [label, files, sides, runs] of [
        [`mix`, corpus.mix, mix, measured.mix],
        [`worst`, [corpus.worst], worst, measured.worst],
      ] as const) {
        const pillow = (runs.pillow[0] as SideRun).result;
        const profile = await profileOurs(files, work, WORST_TIMEOUT_MS);
        profiles.push({ label, measuredSeconds: sides.ours.seconds, profile, pillowSteps: pillow.steps ?? {}, pillowSeconds: pillow.seconds });
      }
    }
    const report: Report = {
      date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      command: `npm run bench:images -w @makapix/bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      machine,
      load: { waited, start: loadStart, end: loadEnd },
      corpus: { ...corpus, description: describeCorpus(corpus) },
      mix,
      worst,
      goals,
      workDifferences: differences,
      pixelChecks: measured.pixelChecks,
      profiles,
      notes: methodNotes(),
    };
    const section = renderSection(report);
    process.stdout.write(`\n${section}`);
    if (quick || args['no-write']) log('RESULTS.md left alone (--quick / --no-write)');
    else await writeResultsSection(path.join(benchDir, 'RESULTS.md'), section);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
