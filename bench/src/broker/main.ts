import path from 'node:path';
import { repoRoot } from '@makapix/devstack/paths';
import { type BenchOptions, parseOptions } from './config.ts';
import { metricTables, goalTable } from './report.ts';
import { loadAverage, machineInfo, resultsDocument } from './results-doc.ts';
import { runContender, type RunResult } from './run-contender.ts';
import { type BenchServices, startServices } from './services.ts';
import { writeResultsSection } from '../results-section.ts';

// `npm run bench:broker -w @makapix/bench`: our broker against Mosquitto on the same mTLS fleet
// workload, in one run (docs/architecture.md §6). Bounded end to end: every phase has a
// timeout, the whole run a deadline, and every child process and the run directory are removed on
// any exit path.

const RUN_DEADLINE_MS = 90 * 60_000;
const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

let services: BenchServices | undefined;
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await services?.stop().catch((err: unknown) => log(`cleanup: ${String(err)}`));
  })();
  return cleaning;
}

async function abort(reason: string): Promise<never> {
  log(`aborting: ${reason}`);
  const forced = setTimeout(() => process.exit(1), 30_000);
  forced.unref();
  await cleanup();
  process.exit(1);
}

process.once('SIGINT', () => void abort('SIGINT'));
process.once('SIGTERM', () => void abort('SIGTERM'));
setTimeout(() => void abort(`run deadline of ${RUN_DEADLINE_MS / 60_000} min`), RUN_DEADLINE_MS).unref();

async function run(opts: BenchOptions, argv: string[]): Promise<void> {
  const startedAt = new Date();
  const loadStart = loadAverage();
  log(`load average ${loadStart}; fleet sizes ${opts.players.join(', ')}; contenders ${opts.contenders.join(', ')}`);
  services = await startServices(Math.max(...opts.players), log);

  const results: RunResult[] = [];
  const failures: string[] = [];
  for (const players of opts.players) {
    for (const contender of opts.contenders) {
      try {
        results.push(await runContender(contender, players, opts, services, log));
      } catch (err) {
        const message = `${contender} at ${players} players: ${err instanceof Error ? err.message : String(err)}`;
        failures.push(message);
        log(`run failed — ${message}`);
      }
    }
  }

  const command = ['npm run bench:broker -w @makapix/bench', ...(argv.length ? ['--', ...argv] : [])].join(' ');
  const info = machineInfo(command, startedAt, loadStart);
  let doc = resultsDocument(info, opts, results);
  if (failures.length) doc += `\nRuns that did not complete:\n\n${failures.map((f) => `* ${f}`).join('\n')}\n`;
  process.stdout.write(`\n${metricTables(results)}\n${goalTable(results)}\n`);
  const out = opts.out ? path.resolve(opts.out) : opts.quick ? null : path.join(repoRoot, 'bench/RESULTS.md');
  if (out) {
    await writeResultsSection(out, doc);
    log(`results written to ${out}`);
  }
  if (failures.length) process.exitCode = 1;
}

const argv = process.argv.slice(2);
try {
  await run(parseOptions(argv), argv);
} catch (err) {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
} finally {
  await cleanup();
}
// Nothing may keep the process alive after the run (client libraries, timers).
process.exit();
