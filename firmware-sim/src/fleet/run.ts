import { writeFile } from 'node:fs/promises';
import type { CliConfig } from '../config.ts';
import { progressBar } from './metrics.ts';
import { Fleet } from './runner.ts';

type FleetConfig = Extract<CliConfig, { mode: 'fleet' }>['fleet'];

export interface FleetRun {
  fleet: Fleet;
  /** Resolves with the JSON summary when the run ends (after `minutes`, or on stop()). */
  finished: Promise<Record<string, unknown>>;
  stop(): void;
}

const SET_BRIGHTNESS_VALUES = [40, 60, 80, 100];

/**
 * `cli.ts fleet`: provision, ramp up with a progress bar, then run the firmware behaviour with one
 * live line of totals a second and a command fan-out (set_brightness to every player) on a period.
 */
export async function runFleet(config: FleetConfig, out: NodeJS.WritableStream = process.stdout): Promise<FleetRun> {
  const fleet = new Fleet({
    count: config.count,
    owners: config.owners.map((email) => ({ email, password: config.password })),
    apiBaseUrl: config.api,
    stateDir: config.stateDir,
    mqtt: config.mqtt,
    ...(config['mqtt-host'] ? { mqttHost: config['mqtt-host'] } : {}),
    ...(config['mqtt-port'] ? { mqttPort: config['mqtt-port'] } : {}),
    seed: config.seed,
    rampPerSec: config['ramp-per-sec'],
    ...(config['dwell-ms'] ? { dwellMs: config['dwell-ms'] } : {}),
    spreadIps: config['spread-ips'],
  });
  const line = (s: string) => out.write(`\r${s}\x1b[K`);
  const provisionStart = performance.now();
  const stored = await fleet.provision((done, total) => line(`provisioning ${progressBar(done, total)}`));
  const provisionMs = performance.now() - provisionStart;
  out.write('\n');
  const rampMs = await fleet.connect(stored, (up, total) => line(`connecting   ${progressBar(up, total)}`));
  out.write('\n');
  fleet.metrics.resetLatencies();
  const steadyStart = Date.now();
  fleet.metrics.takeWindow();
  const live = setInterval(() => {
    const w = fleet.metrics.takeWindow();
    const m = fleet.metrics;
    line(`connected ${fleet.connectedCount()}/${config.count} · req/s ${w.requestsPerSec.toFixed(1)} · views/s ${w.viewsPerSec.toFixed(1)} · cmd p50 ${w.command.p50Ms ?? '-'} ms p99 ${w.command.p99Ms ?? '-'} ms · reconnects ${m.reconnects} · errors ${m.errors}`);
  }, 1000);
  let round = 0;
  const fanouts: { commandIds: string[]; refused: number }[] = [];
  const fanoutTimer = config['fanout-every-sec'] > 0
    ? setInterval(() => void fleet.fanout('set_brightness', { value: SET_BRIGHTNESS_VALUES[round++ % SET_BRIGHTNESS_VALUES.length]! }).then((f) => fanouts.push(f)), config['fanout-every-sec'] * 1000)
    : null;

  let stopRun: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => {
    stopRun = resolve;
    if (config.minutes) setTimeout(resolve, config.minutes * 60_000);
  });
  const finished = ended.then(async () => {
    clearInterval(live);
    if (fanoutTimer) clearInterval(fanoutTimer);
    const sent = fanouts.flatMap((f) => f.commandIds);
    // Give the last fan-out a moment to land before counting deliveries.
    await new Promise((r) => setTimeout(r, 2_000));
    const summary = {
      players: config.count,
      connected: fleet.connectedCount(),
      provisionMs: Math.round(provisionMs),
      rampMs: Math.round(rampMs),
      steadyMs: Date.now() - steadyStart,
      fanouts: fanouts.length,
      commandsSent: sent.length,
      ...fleet.deliveries(sent),
      ...fleet.metrics.totals(),
    };
    await fleet.stop();
    out.write(`\n${JSON.stringify(summary, null, 2)}\n`);
    if (config.json) await writeFile(config.json, JSON.stringify(summary, null, 2));
    return summary;
  });
  return { fleet, finished, stop: () => stopRun() };
}
