import path from 'node:path';
import { type Contender, type ContenderName, isOurs, type MemoryDetail, startContender } from './contenders.ts';
import { DeviceFleet } from './device-fleet.ts';
import { type RequestStages, requestStages } from './inbox-stages.ts';
import type { ConnectResult, FanoutSendResult, RrResult } from './messages.ts';
import type { BenchOptions } from './config.ts';
import { type ChildHandle, type RpcChild, spawnRpc } from './processes.ts';
import type { BenchServices } from './services.ts';
import { type LatencySummary, readCpuMs, readRssKb, sleep, summarize, waitUntil } from './stats.ts';

export interface ConnectOutcome {
  ready: number;
  failed: number;
  errors: string[];
  perSec: number;
  readyMs: LatencySummary;
  brokerCpuMsPerConnection: number;
}

export interface MemoryOutcome {
  rssBeforeKb: number;
  rssAfterKb: number;
  perConnectionKb: number;
  /** Our broker only: V8 figures before and after the fleet connected, each without and with a full GC. */
  detail: { before: MemoryDetail; beforeGc: MemoryDetail; after: MemoryDetail; afterGc: MemoryDetail } | null;
}

export interface FanoutOutcome {
  sent: number;
  acked: number;
  received: number;
  perSec: number;
  latency: LatencySummary;
  brokerCpuMsPerMessage: number;
  /** redis-server CPU per delivered message: the price of shared state (Redis pub/sub, persistence). */
  redisCpuMsPerMessage: number;
}

export interface RrOutcome {
  sent: number;
  ok: number;
  lost: number;
  failures: Record<string, number>;
  perSec: number;
  latency: LatencySummary;
  /** Device → handler (`received_at`, ms clock) and handler → device. */
  uplink: LatencySummary;
  downlink: LatencySummary;
  /** Ours only: the round trip split at the broker and the inbox stream. */
  stages: RequestStages | null;
  brokerCpuMsPerRequest: number;
  responderCpuMsPerRequest: number;
  redisCpuMsPerRequest: number;
}

export interface RunResult {
  contender: ContenderName;
  players: number;
  connect: ConnectOutcome;
  memory: MemoryOutcome;
  fanoutBurst: FanoutOutcome;
  fanoutPaced: FanoutOutcome;
  rr: RrOutcome;
  /** Device sessions that closed by themselves before the end of the run. */
  dropped: number;
}

type Log = (line: string) => void;

/** RSS and CPU time summed over every process of the broker (a cluster's primary and workers). */
async function brokerRssKb(contender: Contender): Promise<number> {
  const all = await Promise.all((await contender.pids()).map(readRssKb));
  return all.reduce((a, b) => a + b, 0);
}

async function brokerCpuMs(contender: Contender): Promise<number> {
  const all = await Promise.all((await contender.pids()).map(readCpuMs));
  return all.reduce((a, b) => a + b, 0);
}

/** One contender at one fleet size: start it, run the three phases, stop everything. */
export async function runContender(name: ContenderName, players: number, opts: BenchOptions, services: BenchServices, log: Log): Promise<RunResult> {
  const dir = path.join(services.runDir, `${name}-${players}`);
  const tag = `[${name} N=${players}]`;
  const ctx = { services, dir, profileDir: opts.profileDir };
  const contender = await startContender(name, ctx);
  let fleet: DeviceFleet | undefined;
  let publisher: RpcChild | undefined;
  let responder: ChildHandle | undefined;
  try {
    await sleep(2_000);
    const rssBeforeKb = await brokerRssKb(contender);
    // The RSS is read before any forced GC; the V8 figures are a diagnostic, with and without one.
    const before = await contender.memoryDetail(false);
    const beforeGc = await contender.memoryDetail(true);
    fleet = await DeviceFleet.start(services, players, opts.processes, dir);

    const connect = await connectPhase(contender, fleet, players, opts);
    log(`${tag} ${connect.ready}/${players} ready at ${connect.perSec.toFixed(0)}/s, p99 ${connect.readyMs.p99.toFixed(0)} ms${connect.failed ? `, ${connect.failed} failed: ${connect.errors.join(' | ')}` : ''}`);
    await sleep(opts.settleMs);
    const rssAfterKb = await brokerRssKb(contender);
    const after = await contender.memoryDetail(false);
    const afterGc = await contender.memoryDetail(true);
    const memory: MemoryOutcome = {
      rssBeforeKb,
      rssAfterKb,
      perConnectionKb: connect.ready > 0 ? (rssAfterKb - rssBeforeKb) / connect.ready : Number.NaN,
      detail: before && beforeGc && after && afterGc ? { before, beforeGc, after, afterGc } : null,
    };
    log(`${tag} RSS ${(rssBeforeKb / 1024).toFixed(1)} → ${(rssAfterKb / 1024).toFixed(1)} MiB = ${memory.perConnectionKb.toFixed(1)} KiB/connection`);

    publisher = spawnRpc('bench/src/broker/service-client.ts', { name: 'commands', logFile: path.join(dir, 'commands.log') });
    await publisher.call('connect', contender.service);
    const fanoutBurst = await fanoutPhase(contender, publisher, fleet, services, connect.ready, 0, opts.fanoutWindow);
    log(`${tag} fan-out burst ${fanoutBurst.received}/${connect.ready} at ${fanoutBurst.perSec.toFixed(0)} msg/s, p50 ${fanoutBurst.latency.p50.toFixed(1)} / p99 ${fanoutBurst.latency.p99.toFixed(1)} ms`);
    const fanoutPaced = await fanoutPhase(contender, publisher, fleet, services, connect.ready, opts.fanoutRate, 100_000);
    log(`${tag} fan-out at ${opts.fanoutRate}/s: p50 ${fanoutPaced.latency.p50.toFixed(1)} / p99 ${fanoutPaced.latency.p99.toFixed(1)} ms`);
    await publisher.call('close').catch(() => undefined);

    responder = await contender.startResponder();
    await warmUp(fleet, log, tag);
    const rr = await requestPhase(contender, responder, fleet, opts, services);
    log(`${tag} request→response ${rr.ok}/${rr.sent} ok at ${rr.perSec.toFixed(0)}/s, p50 ${rr.latency.p50.toFixed(1)} / p99 ${rr.latency.p99.toFixed(1)} ms${rr.lost ? `, ${rr.lost} lost` : ''}`);

    const { dropped } = await fleet.status();
    return { contender: name, players, connect, memory, fanoutBurst, fanoutPaced, rr, dropped };
  } finally {
    await fleet?.stop();
    await publisher?.stop();
    await responder?.stop();
    await contender.stop();
  }
}

async function connectPhase(contender: Contender, fleet: DeviceFleet, players: number, opts: BenchOptions): Promise<ConnectOutcome> {
  const cpuBefore = await brokerCpuMs(contender);
  // Bounded even for a broker far slower than the target rate: at least 20 connects/s, plus 2 min.
  const results: ConnectResult[] = await fleet.connect(
    { port: contender.mtlsPort, ratePerSec: opts.connectRate, maxInFlight: opts.connectWindow, timeoutMs: 30_000 },
    (players / 20 + 120) * 1000,
  );
  const cpuAfter = await brokerCpuMs(contender);
  const ready = results.reduce((s, r) => s + r.ready, 0);
  const starts = results.filter((r) => r.firstStartAt > 0).map((r) => r.firstStartAt);
  const ends = results.map((r) => r.lastReadyAt);
  const durationS = (Math.max(...ends) - Math.min(...starts)) / 1000;
  return {
    ready,
    failed: results.reduce((s, r) => s + r.failed, 0),
    errors: [...new Set(results.flatMap((r) => r.errors))].slice(0, 5),
    perSec: ready > 0 ? ready / durationS : 0,
    readyMs: summarize(results.flatMap((r) => r.readyMs)),
    brokerCpuMsPerConnection: ready > 0 ? (cpuAfter - cpuBefore) / ready : Number.NaN,
  };
}

async function fanoutPhase(
  contender: Contender,
  publisher: RpcChild,
  fleet: DeviceFleet,
  services: BenchServices,
  count: number,
  ratePerSec: number,
  maxInFlight: number,
): Promise<FanoutOutcome> {
  const cpuBefore = await brokerCpuMs(contender);
  const redisBefore = await readCpuMs(services.redisPid);
  const expectedS = ratePerSec > 0 ? count / ratePerSec : 10;
  const send = await publisher.call<FanoutSendResult>(
    'fanout',
    { fleetFile: services.fleetFile, count, ratePerSec, maxInFlight, timeoutMs: 30_000 },
    (expectedS * 2 + 60) * 1000,
  );
  await waitUntil(async () => (await fleet.fanoutReceived()) >= count, 30_000, 'fan-out delivery', 250).catch(() => undefined);
  const cpuAfter = await brokerCpuMs(contender);
  const redisAfter = await readCpuMs(services.redisPid);
  const collected = await fleet.collectFanout();
  const received = collected.reduce((s, c) => s + c.received, 0);
  const lastAt = Math.max(...collected.map((c) => c.lastAt));
  return {
    sent: send.sent,
    acked: send.acked,
    received,
    perSec: received > 0 ? received / ((lastAt - send.startedAt) / 1000) : 0,
    latency: summarize(collected.flatMap((c) => c.latencies)),
    brokerCpuMsPerMessage: received > 0 ? (cpuAfter - cpuBefore) / received : Number.NaN,
    redisCpuMsPerMessage: received > 0 ? (redisAfter - redisBefore) / received : Number.NaN,
  };
}

/** The responder is up once one echo round trip succeeds (each try uses other players: echo limit). */
async function warmUp(fleet: DeviceFleet, log: Log, tag: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (let attempt = 1; ; attempt++) {
    const probe = await fleet.probe({ ratePerSec: 2, durationMs: 1_000, offset: 7_919 * attempt, timeoutMs: 5_000 }, 30_000);
    if (probe.ok > 0) return;
    if (Date.now() > deadline) throw new Error(`${tag} the responder never answered (${JSON.stringify(probe.failures)}, ${probe.lost} lost)`);
    log(`${tag} waiting for the responder (attempt ${attempt})`);
  }
}

async function requestPhase(contender: Contender, responder: ChildHandle, fleet: DeviceFleet, opts: BenchOptions, services: BenchServices): Promise<RrOutcome> {
  const cpu = async () => [await brokerCpuMs(contender), await readCpuMs(responder.pid), await readCpuMs(services.redisPid)] as const;
  const [brokerBefore, responderBefore, redisBefore] = await cpu();
  const durationMs = opts.rrSeconds * 1000;
  const results: RrResult[] = await fleet.requestResponse({ ratePerSec: opts.rrRate, durationMs, offset: 0, timeoutMs: 10_000 }, durationMs + 60_000);
  const [brokerAfter, responderAfter, redisAfter] = await cpu();
  const ok = results.reduce((s, r) => s + r.ok, 0);
  const failures: Record<string, number> = {};
  for (const r of results) for (const [code, n] of Object.entries(r.failures)) failures[code] = (failures[code] ?? 0) + n;
  const first = Math.min(...results.map((r) => r.firstSentAt));
  const last = Math.max(...results.map((r) => r.lastAnsweredAt));
  const sent = results.reduce((s, r) => s + r.sent, 0);
  const timings = results.flatMap((r) => r.timings);
  return {
    sent,
    ok,
    lost: results.reduce((s, r) => s + r.lost, 0),
    failures,
    perSec: ok > 0 ? ok / ((last - first) / 1000) : 0,
    latency: summarize(results.flatMap((r) => r.latencies)),
    uplink: summarize(timings.filter((t) => Number.isFinite(t[2])).map((t) => t[2] - t[1])),
    downlink: summarize(timings.filter((t) => Number.isFinite(t[2])).map((t) => t[3] - t[2])),
    stages: isOurs(contender.name) ? await requestStages(services.redisUrl, timings) : null,
    brokerCpuMsPerRequest: (brokerAfter - brokerBefore) / sent,
    responderCpuMsPerRequest: (responderAfter - responderBefore) / sent,
    redisCpuMsPerRequest: (redisAfter - redisBefore) / sent,
  };
}
