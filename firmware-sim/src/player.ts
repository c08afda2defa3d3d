import { EventEmitter } from 'node:events';
import {
  commandAckSchema,
  commandSchema,
  deviceSubscriptions,
  newRequestId,
  statusSchema,
  topics,
  viewEventSchema,
  type Capabilities,
  type Command,
  type PlayerState,
  type ViewEventInput,
} from '@makapix/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import { ReconnectBackoff } from './backoff.ts';
import { applySetting, DEFAULT_CAPABILITIES, DEFAULT_STATE, isSettingCommand } from './settings.ts';
import { CredentialKeeper } from './credentials.ts';
import { createDeviceClock, type DeviceClock } from './device-clock.ts';
import { DeviceHttp } from './http.ts';
import { firmwareConnectOptions, isTlsFailure, type MqttFlavour } from './mqtt-options.ts';
import type { Random } from './rng.ts';
import type { PlayerStateDir, StoredPlayer } from './state-store.ts';

export type PlayerCredentials = StoredPlayer;

export interface PlayerTiming {
  heartbeatMs: number;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
}
// docs/device-protocol.md §3–§5: heartbeat every 30 s; requests retried with the same id 3 times, 10 s each.
export const FIRMWARE_TIMING: PlayerTiming = { heartbeatMs: 30_000, requestTimeoutMs: 10_000, connectTimeoutMs: 10_000 };
const REQUEST_ATTEMPTS = 3;
const TLS_FAILURES_BEFORE_RENEWAL = 3;
const REMEMBERED_COMMANDS = 512;

export type PlayerMetric =
  | { type: 'request'; requestType: string; ms: number }
  | { type: 'command'; commandType: string; ms: number }
  | { type: 'view' }
  | { type: 'status' }
  | { type: 'connected'; reconnect: boolean }
  | { type: 'error'; what: string };

export interface PlayerOptions {
  mqtt?: MqttFlavour;
  /** Legacy switch (3 = 3.1, 4 = 3.1.1, 5); `mqtt` wins when both are given. */
  protocolVersion?: 3 | 4 | 5;
  firmwareVersion?: string;
  capabilities?: Capabilities;
  clock?: DeviceClock;
  random?: Random;
  /** Shrinks the 15→120 s reconnect schedule (tests); 1 = the firmware's. */
  backoffScale?: number;
  timing?: Partial<PlayerTiming>;
  /** Where renewed certificates and rotated tokens are persisted. */
  store?: PlayerStateDir;
  http?: DeviceHttp;
  log?: (msg: string) => void;
  onMetric?: (m: PlayerMetric) => void;
}

/**
 * One p3a on the wire, as issue 12 measured the shipping firmware: MQTT 3.1 over mTLS, subscribe
 * then retained capabilities + state, status online and a heartbeat every 30 s; OPC settings
 * commands acknowledged, the rest not; reconnect with 15→30→60→120 s ±50 % back-off; certificate
 * renewal and token rotation through `CredentialKeeper`.
 */
export class Player extends EventEmitter {
  private client: MqttClient | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private running = false;
  private tlsFailures = 0;
  private forcedRenewalTried = false;
  private everConnected = false;
  private up = false;
  private readonly pending = new Map<string, (body: Record<string, unknown>) => void>();
  private readonly backoff: ReconnectBackoff;
  private readonly keeper: CredentialKeeper;
  private readonly timing: PlayerTiming;
  readonly clock: DeviceClock;
  readonly capabilities: Capabilities;
  readonly flavour: MqttFlavour;
  state: PlayerState = { ...DEFAULT_STATE };
  currentPostId: number | null = null;
  /** Every command id acted on, with how many times it arrived (a second arrival is not acted on). */
  readonly commandArrivals = new Map<string, number>();
  reconnects = 0;
  gaveUp = false;

  constructor(creds: PlayerCredentials, private readonly opts: PlayerOptions = {}) {
    super();
    this.capabilities = opts.capabilities ?? { ...DEFAULT_CAPABILITIES, firmware_version: opts.firmwareVersion ?? DEFAULT_CAPABILITIES.firmware_version };
    this.flavour = opts.mqtt ?? (opts.protocolVersion === 5 ? '5' : opts.protocolVersion === 4 ? '3.1.1' : '3.1');
    this.clock = opts.clock ?? createDeviceClock();
    this.timing = { ...FIRMWARE_TIMING, ...opts.timing };
    this.backoff = new ReconnectBackoff(opts.random ?? Math.random, opts.backoffScale ?? 1);
    const http = opts.http ?? new DeviceHttp(creds.apiBaseUrl ?? 'http://localhost:8080/api');
    this.keeper = new CredentialKeeper({ apiToken: null, ...creds }, http, this.clock, {
      save: async (c) => void (await opts.store?.save(c)),
      log: (m) => this.log(m),
      onHttp: (what, status) => status >= 400 && this.metric({ type: 'error', what: `${what}_${status}` }),
    });
  }

  get key(): string {
    return this.keeper.current.playerKey;
  }

  get creds(): StoredPlayer {
    return this.keeper.current;
  }

  /** Up = CONNACK received, subscribed, and announced (what the firmware calls "online"). */
  get connected(): boolean {
    return this.up && this.client?.connected === true;
  }

  private log(msg: string) {
    this.opts.log?.(`[${this.key.slice(0, 8)}] ${msg}`);
  }

  private metric(m: PlayerMetric) {
    this.opts.onMetric?.(m);
  }

  /**
   * The boot sequence: a token if there is none, a certificate renewal when within 45 days of
   * expiry, then connect, retrying with back-off. Resolves true once connected, false if the device
   * gave up (a refused forced renewal: only re-provisioning helps then).
   */
  async start(): Promise<boolean> {
    this.running = true;
    await this.keeper.ensureToken().catch((err: Error) => this.log(`token rotation failed: ${err.message}`));
    await this.keeper.renew().catch((err: Error) => this.log(`renewal failed: ${err.message}`));
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        this.off('connected', onUp);
        this.off('gaveUp', onDown);
        resolve(ok);
      };
      const onUp = () => done(true);
      const onDown = () => done(false);
      this.on('connected', onUp);
      this.on('gaveUp', onDown);
      void this.attempt();
    });
  }

  /** One connect attempt with no retry (rejects on failure); used by start() and by simple tests. */
  async connect(): Promise<void> {
    const client = mqtt.connect(firmwareConnectOptions(this.keeper.current, this.flavour, this.timing.connectTimeoutMs));
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error) => {
        client.removeAllListeners();
        client.on('error', () => undefined);
        client.end(true);
        reject(err);
      };
      client.once('connect', () => {
        client.removeAllListeners();
        resolve();
      });
      client.once('error', fail);
      client.once('close', () => fail(new Error('connection closed before CONNACK')));
    });
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('error', (err) => this.log(`mqtt error: ${err.message}`));
    client.on('close', () => this.onClose(client));
    // docs/device-protocol.md §3: subscribe and wait for the SUBACK before announcing anything.
    await client.subscribeAsync(deviceSubscriptions(this.key), { qos: 1 });
    await this.publish(topics.capabilities(this.key), this.capabilities, true);
    await this.publishState();
    await this.sendStatus();
    this.heartbeat = setInterval(() => void this.sendStatus().catch(() => undefined), this.timing.heartbeatMs);
    const reconnect = this.everConnected;
    if (reconnect) this.reconnects++;
    this.everConnected = true;
    this.up = true;
    this.backoff.reset();
    this.tlsFailures = 0;
    this.log(reconnect ? 'reconnected' : 'connected');
    this.metric({ type: 'connected', reconnect });
    this.emit('connected', { reconnect });
  }

  private async attempt(): Promise<void> {
    this.reconnectTimer = null;
    if (!this.running) return;
    try {
      await this.connect();
      return;
    } catch (err) {
      this.metric({ type: 'error', what: 'connect' });
      this.log(`connect failed: ${(err as Error).message}`);
      if (isTlsFailure(err) && ++this.tlsFailures >= TLS_FAILURES_BEFORE_RENEWAL) {
        if (this.forcedRenewalTried) return this.giveUp('TLS keeps failing after the forced renewal');
        this.forcedRenewalTried = true;
        const outcome = await this.keeper.renew(true).catch(() => 'refused' as const);
        if (outcome !== 'renewed') return this.giveUp('forced certificate renewal was refused');
        this.tlsFailures = 0;
      }
    }
    this.scheduleReconnect();
  }

  private giveUp(reason: string) {
    this.running = false;
    this.gaveUp = true;
    this.log(`giving up until re-provisioned: ${reason}`);
    this.emit('gaveUp', reason);
  }

  private scheduleReconnect() {
    if (!this.running || this.reconnectTimer) return;
    const delay = this.backoff.next();
    this.emit('reconnecting', delay);
    this.reconnectTimer = setTimeout(() => void this.attempt(), delay);
  }

  private onClose(client: MqttClient) {
    if (this.client !== client) return;
    this.client = null;
    this.up = false;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.emit('disconnected');
    this.scheduleReconnect();
  }

  private async publish(topic: string, body: unknown, retain = false): Promise<void> {
    if (!this.client) throw new Error('not connected');
    await this.client.publishAsync(topic, JSON.stringify(body), { qos: 1, retain });
  }

  private publishState(): Promise<void> {
    return this.publish(topics.state(this.key), this.state, true);
  }

  async sendStatus(status: 'online' | 'offline' = 'online'): Promise<void> {
    const body = statusSchema.parse({
      player_key: this.key,
      status,
      current_post_id: this.currentPostId,
      firmware_version: this.capabilities.firmware_version,
      timestamp: this.clock.stamp(),
    });
    // The firmware sends `current_post_id` even when nothing is shown; the schema maps that to null.
    await this.publish(topics.status(this.key), { ...body, current_post_id: this.currentPostId });
    this.metric({ type: 'status' });
  }

  /** Sends a request and waits for its response, retrying the same request id like the firmware. */
  async request(requestType: string, fields: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const requestId = newRequestId();
    const body = { request_id: requestId, request_type: requestType, player_key: this.key, ...fields };
    const started = performance.now();
    try {
      for (let attempt = 1; attempt <= REQUEST_ATTEMPTS; attempt++) {
        const answer = new Promise<Record<string, unknown> | null>((resolve) => {
          const timer = setTimeout(() => resolve(null), this.timing.requestTimeoutMs);
          this.pending.set(requestId, (res) => {
            clearTimeout(timer);
            resolve(res);
          });
        });
        await this.publish(topics.request(this.key, requestId), body).catch(() => undefined);
        const res = await answer;
        if (res) {
          this.metric({ type: 'request', requestType, ms: performance.now() - started });
          return res;
        }
        this.log(`request ${requestType} ${requestId} timed out (attempt ${attempt})`);
      }
    } finally {
      this.pending.delete(requestId);
    }
    this.metric({ type: 'error', what: `request_timeout_${requestType}` });
    throw new Error(`request ${requestType} got no response after ${REQUEST_ATTEMPTS} attempts`);
  }

  async sendView(postId: number, intent: 'artwork' | 'channel', channel = 'all', requestAck = false, extra: Partial<ViewEventInput> = {}): Promise<void> {
    const body = viewEventSchema.parse({
      post_id: postId,
      timestamp: this.clock.stamp(),
      timezone: '',
      intent,
      play_order: 0,
      channel,
      player_key: this.key,
      request_ack: requestAck,
      ...extra,
    });
    await this.publish(topics.view(this.key), body);
    this.metric({ type: 'view' });
    this.emit('view', body);
  }

  private onMessage(topic: string, payload: Buffer) {
    // docs/device-protocol.md §3: the device drops inbound messages over 128 KiB.
    if (payload.length > 128 * 1024) return;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
    } catch {
      this.log(`ignored non-JSON message on ${topic}`);
      return;
    }
    const suffix = topic.slice(topics.prefix(this.key).length);
    if (suffix.startsWith('response/')) this.pending.get(suffix.slice('response/'.length))?.(body);
    else if (suffix === 'command') void this.onCommand(body).catch((err: Error) => this.log(`command failed: ${err.message}`));
    else if (suffix === 'view/ack') this.emit('viewAck', body);
  }

  private async onCommand(raw: Record<string, unknown>) {
    const parsed = commandSchema.safeParse(raw);
    const commandId = typeof raw.command_id === 'string' ? raw.command_id : null;
    if (!parsed.success) {
      // Only the OPC commands are ever acknowledged, a malformed one with an error.
      if (commandId && isSettingCommand(String(raw.command_type))) await this.ack(commandId, 'error', 'invalid command');
      return;
    }
    const command = parsed.data;
    const arrivals = (this.commandArrivals.get(command.command_id) ?? 0) + 1;
    this.commandArrivals.set(command.command_id, arrivals);
    if (this.commandArrivals.size > REMEMBERED_COMMANDS) this.commandArrivals.delete(this.commandArrivals.keys().next().value!);
    // QoS 1 may deliver twice; a command id already acted on is not acted on again.
    if (arrivals > 1) return void this.emit('duplicateCommand', command);
    const sentAt = Date.parse(command.timestamp);
    if (Number.isFinite(sentAt)) this.metric({ type: 'command', commandType: command.command_type, ms: Math.max(0, Date.now() - sentAt) });
    if (isSettingCommand(command.command_type)) {
      const result = applySetting(this.state, this.capabilities, command);
      if (result.ok) {
        this.state = result.state;
        await this.publishState();
      }
      await this.ack(command.command_id, result.ok ? 'ok' : 'error', result.ok ? null : result.error);
    }
    this.log(`command ${command.command_type}`);
    this.emit('command', command satisfies Command);
  }

  private async ack(commandId: string, status: 'ok' | 'error', error: string | null) {
    await this.publish(topics.commandAck(this.key), commandAckSchema.parse({ command_id: commandId, status, error }));
  }

  /** A graceful stop: "offline" first, as the firmware does before it disconnects. */
  async disconnect(): Promise<void> {
    this.running = false;
    this.clearTimers();
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (client.connected) await this.publishOn(client, 'offline').catch(() => undefined);
    await client.endAsync();
  }

  /** Power cut: the socket dies without "offline" (the broker publishes the last will). */
  async powerOff(): Promise<void> {
    this.running = false;
    this.clearTimers();
    const client = this.client;
    this.client = null;
    if (client) {
      (client.stream as { destroy?: () => void } | undefined)?.destroy?.();
      await client.endAsync(true).catch(() => undefined);
    }
  }

  private async publishOn(client: MqttClient, status: 'offline') {
    const body = { player_key: this.key, status, current_post_id: this.currentPostId, firmware_version: this.capabilities.firmware_version, timestamp: this.clock.stamp() };
    statusSchema.parse(body);
    await client.publishAsync(topics.status(this.key), JSON.stringify(body), { qos: 1 });
  }

  private clearTimers() {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.heartbeat = null;
    this.reconnectTimer = null;
  }
}

/** The name the e2e test and the dev command know the player by. */
export { Player as SimPlayer };
export type SimPlayerOptions = PlayerOptions;
