import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '@makapix/devstack/paths';
import { Fleet, progressBar } from '@makapix/firmware-sim';
import pg from 'pg';
import { writeResultsSection } from '../results-section.ts';
import { parseOptions } from './options.ts';
import { renderReport, type RestartResult } from './report.ts';
import { sampleGroups } from './resources.ts';
import { FLEET_PASSWORD, seedFleet } from './seed.ts';
import { startFleetStack } from './stack.ts';

// Issue 12: `fleet --count 10000` against the whole platform for ≥ 10 minutes of steady state, then
// a broker restart under the full fleet. Results go to bench/RESULTS.md (its own section).
const opts = parseOptions(process.argv.slice(2));
const log = (s: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
const line = (s: string) => process.stdout.write(`\r${s}\x1b[K`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const loadBefore = os.loadavg();

const stack = await startFleetStack({ count: opts.count, log });
let fleet: Fleet | undefined;
try {
  const owners = await seedFleet(stack.databaseUrl, stack.vaultDir, opts.count, opts.artworks);
  fleet = new Fleet({
    count: opts.count,
    owners: owners.map((email) => ({ email, password: FLEET_PASSWORD })),
    apiBaseUrl: stack.apiBaseUrl,
    stateDir: path.join(stack.runDir, 'players'),
    mqtt: '3.1',
    seed: opts.seed,
    rampPerSec: opts['ramp-per-sec'],
    provisionConcurrency: opts['provision-concurrency'],
    spreadIps: true,
  });
  const f = fleet;
  const provisionStart = performance.now();
  const stored = await f.provision((done, total) => line(`provisioning ${progressBar(done, total)}`));
  const provisionMs = performance.now() - provisionStart;
  process.stdout.write('\n');
  const rampMs = await f.connect(stored, (up, total) => line(`connecting   ${progressBar(up, total)}`), 20 * 60_000);
  process.stdout.write('\n');
  const connectedAfterRamp = f.connectedCount();
  log(`${connectedAfterRamp}/${opts.count} connected after ${(rampMs / 1000).toFixed(1)} s`);

  const groups = () => {
    const p = stack.pids();
    return { broker: [p.broker], api: [p.api], worker: [p.worker], postgres: p.postgres, redis: [p.redis] };
  };
  f.metrics.resetLatencies();
  const errorsAtSteady = f.metrics.errors;
  const reconnectsAtSteady = f.metrics.reconnects;
  const start = await sampleGroups(groups);
  const steadyStart = Date.now();
  const sent: string[] = [];
  let fanouts = 0;
  let nextFanout = steadyStart + opts['fanout-every-sec'] * 1000;
  f.metrics.takeWindow();
  while (Date.now() - steadyStart < opts.minutes * 60_000) {
    await sleep(1_000);
    const w = f.metrics.takeWindow();
    line(`connected ${f.connectedCount()}/${opts.count} · req/s ${w.requestsPerSec.toFixed(1)} · views/s ${w.viewsPerSec.toFixed(1)} · cmd p50 ${w.command.p50Ms ?? '-'} p99 ${w.command.p99Ms ?? '-'} ms · reconnects ${f.metrics.reconnects} · errors ${f.metrics.errors}`);
    if (Date.now() >= nextFanout) {
      nextFanout += opts['fanout-every-sec'] * 1000;
      fanouts++;
      sent.push(...(await f.fanout('set_brightness', { value: [40, 60, 80, 100][fanouts % 4]! })).commandIds);
    }
  }
  process.stdout.write('\n');
  await sleep(3_000);
  const end = await sampleGroups(groups);
  const steadyMs = Date.now() - steadyStart;
  const totals = f.metrics.totals();
  const steadyDeliveries = f.deliveries(sent);

  let restart: RestartResult | null = null;
  if (opts['restart-broker']) {
    log('broker restart: SIGKILL');
    const reconnectsBefore = f.metrics.reconnects;
    const killedAt = performance.now();
    await stack.killBroker();
    while (f.connectedCount() > 0 && performance.now() - killedAt < 60_000) await sleep(100);
    await stack.startBroker();
    const listeningAt = performance.now();
    while (f.connectedCount() < opts.count && performance.now() - killedAt < 15 * 60_000) {
      await sleep(250);
      line(`back ${progressBar(f.connectedCount(), opts.count)}`);
    }
    const backAt = performance.now();
    process.stdout.write('\n');
    // The api's own broker client reconnects too: a fan-out is retried until every owner's is taken.
    let after = await f.fanout('set_brightness', { value: 55 });
    for (let i = 0; after.refused > 0 && i < 60; i++) {
      await sleep(1_000);
      after = await f.fanout('set_brightness', { value: 55 });
    }
    await sleep(10_000);
    const deliveries = f.deliveries(after.commandIds);
    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const acked = await db.query<{ n: number }>('select count(*)::int as n from player_commands where command_id = any($1::uuid[]) and ack_status is not null', [after.commandIds]);
    await db.end();
    restart = {
      allBackMs: backAt - killedAt,
      backAfterListenMs: backAt - listeningAt,
      reconnects: f.metrics.reconnects - reconnectsBefore,
      fanoutSent: after.commandIds.length,
      ...deliveries,
      ackedInDb: acked.rows[0]?.n ?? 0,
    };
    log(`all back ${(restart.allBackMs / 1000).toFixed(1)} s after the kill; ${deliveries.delivered}/${after.commandIds.length} delivered, ${deliveries.duplicates} twice`);
  }

  const section = renderReport({
    command: `npm run bench:fleet -- ${process.argv.slice(2).join(' ')}`.trim(),
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    machine: `${os.cpus()[0]?.model ?? 'cpu'} × ${os.availableParallelism()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    loadBefore,
    options: opts,
    provisionMs,
    rampMs,
    connected: connectedAfterRamp,
    steadyMs,
    start,
    end,
    requests: totals.requests,
    views: totals.views,
    statuses: totals.statuses,
    requestLatency: totals.requestLatency,
    commandLatency: totals.commandLatency,
    fanouts,
    commandsSent: sent.length,
    commandsDelivered: steadyDeliveries.delivered,
    duplicates: steadyDeliveries.duplicates,
    reconnects: totals.reconnects - reconnectsAtSteady,
    errors: totals.errors - errorsAtSteady,
    errorKinds: totals.errorKinds,
    restart,
  });
  await writeResultsSection(path.resolve(repoRoot, opts.results), section);
  process.stdout.write(`\n${section}`);
} finally {
  await fleet?.stop().catch(() => undefined);
  await stack.stop();
}
process.exit(0);
