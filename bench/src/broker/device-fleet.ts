import path from 'node:path';
import type { ConnectArgs, ConnectResult, DeviceStatus, FanoutCollect, RrArgs, RrResult } from './messages.ts';
import { type RpcChild, spawnRpc } from './processes.ts';
import type { BenchServices } from './services.ts';

/**
 * The orchestrator's handle on the client process pool: each process holds a contiguous share of the
 * fleet, so on a 2-core machine no single client event loop is what limits the broker.
 */
export class DeviceFleet {
  private constructor(private readonly workers: RpcChild[]) {}

  static async start(services: BenchServices, players: number, processes: number, logDir: string): Promise<DeviceFleet> {
    const count = Math.max(1, Math.min(processes, players));
    const workers: RpcChild[] = [];
    try {
      for (let w = 0; w < count; w++) {
        workers.push(spawnRpc(path.join('bench/src/broker', 'device-pool.ts'), { name: `devices-${w}`, logFile: path.join(logDir, `devices-${w}.log`) }));
      }
      await Promise.all(
        workers.map((worker, w) =>
          worker.call('init', {
            fleetFile: services.fleetFile,
            caFile: services.ca.caCert,
            start: Math.floor((w * players) / count),
            end: Math.floor(((w + 1) * players) / count),
          }),
        ),
      );
      return new DeviceFleet(workers);
    } catch (err) {
      await Promise.all(workers.map((worker) => worker.stop()));
      throw err;
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Each process connects its share at `ratePerSec / processes`, `maxInFlight` handshakes at most. */
  connect(args: ConnectArgs, timeoutMs: number): Promise<ConnectResult[]> {
    const share = { ...args, ratePerSec: args.ratePerSec / this.workers.length };
    return Promise.all(this.workers.map((w) => w.call<ConnectResult>('connect', share, timeoutMs)));
  }

  async status(): Promise<DeviceStatus> {
    const all = await Promise.all(this.workers.map((w) => w.call<DeviceStatus>('status')));
    return { ready: all.reduce((s, x) => s + x.ready, 0), dropped: all.reduce((s, x) => s + x.dropped, 0) };
  }

  async fanoutReceived(): Promise<number> {
    const all = await Promise.all(this.workers.map((w) => w.call<number>('fanoutReceived')));
    return all.reduce((s, x) => s + x, 0);
  }

  collectFanout(): Promise<FanoutCollect[]> {
    return Promise.all(this.workers.map((w) => w.call<FanoutCollect>('collectFanout')));
  }

  /** Requests from every process at `ratePerSec / processes`, all at once. */
  requestResponse(args: RrArgs, timeoutMs: number): Promise<RrResult[]> {
    const share = { ...args, ratePerSec: args.ratePerSec / this.workers.length };
    return Promise.all(this.workers.map((w) => w.call<RrResult>('rr', share, timeoutMs)));
  }

  /** One process only (the warm-up probe). */
  probe(args: RrArgs, timeoutMs: number): Promise<RrResult> {
    return this.workers[0]!.call<RrResult>('rr', args, timeoutMs);
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.call('disconnect', undefined, 60_000).catch(() => undefined)));
    await Promise.all(this.workers.map((w) => w.stop()));
  }
}
