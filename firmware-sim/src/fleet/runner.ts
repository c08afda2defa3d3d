import { MAX_PLAYERS_PER_USER } from '@makapix/protocol';
import { createDeviceClock } from '../device-clock.ts';
import { DeviceHttp } from '../http.ts';
import type { MqttFlavour } from '../mqtt-options.ts';
import { ownerSession, type OwnerSession } from '../owner-session.ts';
import { Playback } from '../playback.ts';
import { Player } from '../player.ts';
import { provisionByCode } from '../provisioning.ts';
import { childRandom, seededRandom, type Random } from '../rng.ts';
import { PlayerStateDir, type StoredPlayer } from '../state-store.ts';
import { FleetMetrics } from './metrics.ts';

export interface OwnerLogin {
  email: string;
  password: string;
}

export interface FleetOptions {
  count: number;
  /** Accounts the players are registered to, 128 per account (docs/device-protocol.md §2.2). */
  owners: OwnerLogin[];
  apiBaseUrl: string;
  stateDir: string;
  mqtt: MqttFlavour;
  mqttHost?: string;
  mqttPort?: number;
  seed: number;
  /** Players started per second while ramping up. */
  rampPerSec: number;
  provisionConcurrency?: number;
  /** Overrides each artwork's dwell time. */
  dwellMs?: number;
  /** Give each player its own X-Forwarded-For (a real fleet comes from many addresses). */
  spreadIps?: boolean;
  backoffScale?: number;
  log?: (line: string) => void;
}

/** A stable private address per player index (10.x.y.z), for X-Forwarded-For. */
export function fleetIp(index: number): string {
  const n = index + 1;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/**
 * N simulated p3a players: provisioned through the API by code (kept in a state directory so a
 * second run reuses them), started with a ramp, then left to run the firmware behaviour.
 */
export class Fleet {
  readonly metrics = new FleetMetrics();
  readonly players: Player[] = [];
  readonly playbacks: Playback[] = [];
  private readonly store: PlayerStateDir;
  private readonly random: Random;
  private readonly sessions = new Map<string, Promise<OwnerSession>>();

  constructor(private readonly opts: FleetOptions) {
    this.store = new PlayerStateDir(opts.stateDir);
    this.random = seededRandom(opts.seed);
    const needed = Math.ceil(opts.count / MAX_PLAYERS_PER_USER);
    if (opts.owners.length < needed) throw new Error(`${opts.count} players need ${needed} owner accounts (${MAX_PLAYERS_PER_USER} players each); got ${opts.owners.length}`);
  }

  private ownerOf(index: number): OwnerLogin {
    return this.opts.owners[Math.floor(index / MAX_PLAYERS_PER_USER)]!;
  }

  session(owner: OwnerLogin): Promise<OwnerSession> {
    let s = this.sessions.get(owner.email);
    if (!s) {
      s = ownerSession(this.opts.apiBaseUrl, owner.email, owner.password, this.opts.spreadIps ? fleetIp(1_000_000 + this.sessions.size) : undefined);
      this.sessions.set(owner.email, s);
    }
    return s;
  }

  /** Provisions the players the state directory does not hold yet; calls onProgress after each. */
  async provision(onProgress: (done: number, total: number) => void = () => undefined): Promise<StoredPlayer[]> {
    const stored = (await this.store.loadAll()).slice(0, this.opts.count);
    const byOwner = new Map<string, number>();
    for (const p of stored) byOwner.set(p.owner ?? '', (byOwner.get(p.owner ?? '') ?? 0) + 1);
    let next = stored.length;
    onProgress(stored.length, this.opts.count);
    const worker = async () => {
      while (next < this.opts.count) {
        const index = next++;
        const owner = this.ownerOf(index);
        const session = await this.session(owner);
        const http = new DeviceHttp(this.opts.apiBaseUrl, this.opts.spreadIps ? { forwardedFor: fleetIp(index) } : {});
        const player = await provisionByCode(http, { register: session.register, name: `Fleet player ${index + 1}`, pollMs: 200 });
        const withOwner = { ...player, owner: owner.email };
        await this.store.save(withOwner);
        stored.push(withOwner);
        onProgress(stored.length, this.opts.count);
      }
    };
    await Promise.all(Array.from({ length: this.opts.provisionConcurrency ?? 4 }, worker));
    return stored;
  }

  /**
   * Starts every player at `rampPerSec` and resolves when all are connected (or `timeoutMs`
   * passed); returns the ramp time in ms.
   */
  async connect(stored: StoredPlayer[], onProgress: (connected: number, total: number) => void = () => undefined, timeoutMs = 30 * 60_000): Promise<number> {
    const started = performance.now();
    const gap = 1000 / this.opts.rampPerSec;
    const ups: Promise<boolean>[] = [];
    for (const [index, creds] of stored.entries()) {
      const material = { ...creds, ...(this.opts.mqttHost ? { brokerHost: this.opts.mqttHost } : {}), ...(this.opts.mqttPort ? { brokerPort: this.opts.mqttPort } : {}) };
      const player = new Player(material, {
        mqtt: this.opts.mqtt,
        random: childRandom(this.random),
        backoffScale: this.opts.backoffScale ?? 1,
        store: this.store,
        clock: createDeviceClock(),
        http: new DeviceHttp(creds.apiBaseUrl ?? this.opts.apiBaseUrl, this.opts.spreadIps ? { forwardedFor: fleetIp(index) } : {}),
        onMetric: this.metrics.record,
      });
      this.players.push(player);
      this.playbacks.push(new Playback(player, {
        ...(this.opts.dwellMs ? { dwellMs: this.opts.dwellMs } : {}),
        onError: (what) => this.metrics.record({ type: 'error', what }),
      }));
      ups.push(player.start().then((ok) => {
        if (ok) this.playbacks[index]!.start();
        onProgress(this.connectedCount(), stored.length);
        return ok;
      }));
      const due = started + (index + 1) * gap;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await Promise.race([Promise.all(ups), new Promise((r) => setTimeout(r, timeoutMs))]);
    return performance.now() - started;
  }

  connectedCount(): number {
    let n = 0;
    for (const p of this.players) if (p.connected) n++;
    return n;
  }

  /** One command to every player through the owners' broadcast API; returns the command ids sent. */
  async fanout(commandType: string, payload: Record<string, unknown>): Promise<{ commandIds: string[]; refused: number }> {
    const commandIds: string[] = [];
    let refused = 0;
    for (const owner of this.opts.owners.slice(0, Math.ceil(this.players.length / MAX_PLAYERS_PER_USER))) {
      const res = await (await this.session(owner)).broadcast(commandType, payload);
      if (res.status !== 202) {
        refused++;
        this.metrics.record({ type: 'error', what: `fanout_${res.status}` });
        continue;
      }
      for (const item of (res.body as { items: { command: { commandId: string } | null }[] }).items) if (item.command) commandIds.push(item.command.commandId);
    }
    return { commandIds, refused };
  }

  /** How many of `commandIds` some player acted on, and how many arrived more than once. */
  deliveries(commandIds: readonly string[]): { delivered: number; duplicates: number } {
    const wanted = new Set(commandIds);
    let delivered = 0;
    let duplicates = 0;
    for (const p of this.players) {
      for (const [id, arrivals] of p.commandArrivals) {
        if (!wanted.has(id)) continue;
        delivered++;
        if (arrivals > 1) duplicates++;
      }
    }
    return { delivered, duplicates };
  }

  async stop(): Promise<void> {
    for (const pb of this.playbacks) pb.stop();
    await Promise.all(this.players.map((p) => p.disconnect().catch(() => undefined)));
  }
}
