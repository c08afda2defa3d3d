import { EventEmitter } from 'node:events';
import {
  commandSchema,
  firmwareClientId,
  lastWillPayload,
  newRequestId,
  topics,
  type Capabilities,
  type Command,
  type PlayerState,
} from '@makapix/protocol';
import mqtt, { type MqttClient } from 'mqtt';

export interface PlayerCredentials {
  playerKey: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  brokerHost: string;
  brokerPort: number;
}

export interface SimPlayerOptions {
  firmwareVersion?: string;
  /** MQTT protocol level: 4 = 3.1.1 (the p3a default), 5 = MQTT 5.0. */
  protocolVersion?: 4 | 5;
  capabilities?: Capabilities;
  log?: (msg: string) => void;
}

const DEFAULT_CAPABILITIES: Capabilities = {
  firmware_version: 'sim-1.0.0',
  features: {
    pause: {},
    brightness: { min: 0, max: 100, step: 1 },
    rotation: { values: [0, 90, 180, 270] },
    mirror: { values: ['none', 'horizontal', 'vertical'] },
  },
};

const REQUEST_TIMEOUT_MS = 10_000;
const REQUEST_ATTEMPTS = 3;
const HEARTBEAT_MS = 30_000;

/**
 * One simulated p3a player on the MQTT side, behaving as PROTOCOL.md §3 describes the firmware:
 * mTLS with client id `p3a-{key}`, clean session, keepalive 60 s, last will "offline", subscribe then
 * publish retained capabilities + state, status online, heartbeat every 30 s; requests retried with
 * the same id up to 3 times (10 s each); every command acknowledged.
 */
export class SimPlayer extends EventEmitter {
  private client: MqttClient | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly pending = new Map<string, (body: Record<string, unknown>) => void>();
  readonly capabilities: Capabilities;
  state: PlayerState = { is_paused: false, brightness: 80, rotation: 0, mirror: 'none' };
  currentPostId: number | null = null;

  constructor(readonly creds: PlayerCredentials, private readonly opts: SimPlayerOptions = {}) {
    super();
    this.capabilities = opts.capabilities ?? { ...DEFAULT_CAPABILITIES, firmware_version: opts.firmwareVersion ?? DEFAULT_CAPABILITIES.firmware_version };
  }

  get key(): string {
    return this.creds.playerKey;
  }

  private log(msg: string) {
    this.opts.log?.(`[${this.key.slice(0, 8)}] ${msg}`);
  }

  async connect(): Promise<void> {
    const key = this.key;
    const client = mqtt.connect({
      protocol: 'mqtts',
      host: this.creds.brokerHost,
      port: this.creds.brokerPort,
      ca: this.creds.caPem,
      cert: this.creds.certPem,
      key: this.creds.keyPem,
      clientId: firmwareClientId(key),
      protocolVersion: this.opts.protocolVersion ?? 4,
      clean: true,
      keepalive: 60,
      reconnectPeriod: 0, // the firmware reconnects itself with back-off (PROTOCOL.md §3)
      connectTimeout: 10_000,
      // The firmware has TLS 1.3 disabled; mqtt.js passes TLS options through to tls.connect.
      ...({ maxVersion: 'TLSv1.2' } as object),
      will: { topic: topics.status(key), payload: Buffer.from(lastWillPayload(key)), qos: 1, retain: false },
    });
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('close', () => this.emit('disconnected'));
    client.on('error', (err) => this.log(`mqtt error: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
      client.once('close', () => reject(new Error('connection closed before CONNACK')));
    });
    await client.subscribeAsync([topics.command(key), topics.responses(key), topics.viewAck(key)], { qos: 1 });
    await this.publish(topics.capabilities(key), this.capabilities, true);
    await this.publish(topics.state(key), this.state, true);
    await this.sendStatus();
    this.heartbeat = setInterval(() => void this.sendStatus().catch(() => undefined), HEARTBEAT_MS);
    this.log('connected');
  }

  private async publish(topic: string, body: unknown, retain = false): Promise<void> {
    if (!this.client) throw new Error('not connected');
    await this.client.publishAsync(topic, JSON.stringify(body), { qos: 1, retain });
  }

  async sendStatus(): Promise<void> {
    await this.publish(topics.status(this.key), {
      player_key: this.key,
      status: 'online',
      current_post_id: this.currentPostId,
      firmware_version: this.capabilities.firmware_version,
      timestamp: new Date().toISOString(),
    });
  }

  /** Sends a request and waits for its response, retrying the same request id like the firmware. */
  async request(requestType: string, fields: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const requestId = newRequestId();
    const body = { request_id: requestId, request_type: requestType, player_key: this.key, ...fields };
    for (let attempt = 1; attempt <= REQUEST_ATTEMPTS; attempt++) {
      const answer = new Promise<Record<string, unknown> | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), REQUEST_TIMEOUT_MS);
        this.pending.set(requestId, (res) => {
          clearTimeout(timer);
          resolve(res);
        });
      });
      await this.publish(topics.request(this.key, requestId), body);
      const res = await answer;
      if (res) return res;
      this.log(`request ${requestType} ${requestId} timed out (attempt ${attempt})`);
    }
    this.pending.delete(requestId);
    throw new Error(`request ${requestType} got no response after ${REQUEST_ATTEMPTS} attempts`);
  }

  async sendView(postId: number, intent: 'artwork' | 'channel', channel = 'all', requestAck = false): Promise<void> {
    await this.publish(topics.view(this.key), {
      post_id: postId,
      timestamp: new Date().toISOString(),
      timezone: 'UTC',
      intent,
      play_order: 0,
      channel,
      player_key: this.key,
      request_ack: requestAck,
    });
  }

  private onMessage(topic: string, payload: Buffer) {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
    } catch {
      this.log(`ignored non-JSON message on ${topic}`);
      return;
    }
    const prefix = topics.prefix(this.key);
    const suffix = topic.startsWith(prefix) ? topic.slice(prefix.length) : '';
    if (suffix.startsWith('response/')) {
      const id = suffix.slice('response/'.length);
      this.pending.get(id)?.(body);
      this.pending.delete(id);
    } else if (suffix === 'command') {
      void this.onCommand(body);
    } else if (suffix === 'view/ack') {
      this.emit('viewAck', body);
    }
  }

  private async onCommand(raw: unknown) {
    const parsed = commandSchema.safeParse(raw);
    const commandId = typeof (raw as { command_id?: unknown })?.command_id === 'string' ? (raw as { command_id: string }).command_id : null;
    if (!parsed.success) {
      if (commandId) await this.publish(topics.commandAck(this.key), { command_id: commandId, status: 'error', error: 'invalid command' });
      return;
    }
    const command = parsed.data;
    this.applyCommand(command);
    await this.publish(topics.commandAck(this.key), { command_id: command.command_id, status: 'ok', error: null });
    if (command.command_type.startsWith('set_')) await this.publish(topics.state(this.key), this.state, true);
    this.emit('command', command);
  }

  private applyCommand(command: Command) {
    switch (command.command_type) {
      case 'set_paused': this.state = { ...this.state, is_paused: command.payload.paused }; break;
      case 'set_brightness': this.state = { ...this.state, brightness: command.payload.value }; break;
      case 'set_rotation': this.state = { ...this.state, rotation: command.payload.value }; break;
      case 'set_mirror': this.state = { ...this.state, mirror: command.payload.value }; break;
      case 'show_artwork': this.currentPostId = command.payload.post_id; break;
      default: break;
    }
    this.log(`command ${command.command_type}`);
  }

  /** A graceful stop publishes "offline" first, as the firmware does before it disconnects. */
  async disconnect(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (!this.client) return;
    if (this.client.connected) {
      await this.publish(topics.status(this.key), { player_key: this.key, status: 'offline', current_post_id: this.currentPostId, firmware_version: this.capabilities.firmware_version, timestamp: new Date().toISOString() }).catch(() => undefined);
    }
    await this.client.endAsync();
    this.client = null;
  }
}
