import { readFileSync } from 'node:fs';
import { firmwareClientId, lastWillPayload, newRequestId, topics } from '@makapix/protocol';
import type { TcpSocketConnectOpts } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Fleet, FleetPlayer } from './fleet-certs.ts';
import type { ConnectArgs, ConnectResult, DeviceInit, DeviceStatus, FanoutCollect, RequestTiming, RrArgs, RrResult } from './messages.ts';
import { runPaced, withDeadline } from './pacing.ts';
import { serveRpc } from './processes.ts';
import { wallNow } from './stats.ts';

// A share of the device fleet in one process: the same client code drives both brokers. Each device
// behaves like the p3a firmware at start-up (docs/device-protocol.md §3): MQTT 3.1.1, client id `p3a-{key}`,
// keepalive 60 s, clean session, last will on `status`, subscriptions to command, response/# and
// view/ack at QoS 1 — and then stays idle unless a phase makes it publish.

/** Devices come from many loopback addresses, as a real fleet comes from many IPs (per-IP limits). */
const SOURCE_ADDRESSES = 200;
const sourceAddress = (index: number) => `127.0.1.${1 + (index % SOURCE_ADDRESSES)}`;
const MAX_ERRORS_KEPT = 5;

interface Device {
  player: FleetPlayer;
  index: number;
  client: MqttClient;
  ready: boolean;
}

let fleet: Fleet | undefined;
let caPem = '';
let share: FleetPlayer[] = [];
let firstIndex = 0;
const devices: Device[] = [];
let dropped = 0;
let closing = false;

const fanout: FanoutCollect = { received: 0, latencies: [], firstAt: 0, lastAt: 0 };
const pendingRequests = new Map<string, { sentAt: number; echo: string; settle: (outcome: string | null) => void }>();
const rrLatencies: number[] = [];
const rrTimings: RequestTiming[] = [];
let lastAnsweredAt = 0;

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return null;
  }
}

function onMessage(topic: string, payload: Buffer): void {
  const now = wallNow();
  if (topic.endsWith('/command')) {
    const body = parseJson(payload) as { sent_at?: number } | null;
    if (typeof body?.sent_at === 'number') fanout.latencies.push(now - body.sent_at);
    if (fanout.received === 0) fanout.firstAt = now;
    fanout.received++;
    fanout.lastAt = now;
    return;
  }
  const marker = topic.lastIndexOf('/response/');
  if (marker < 0) return;
  const requestId = topic.slice(marker + '/response/'.length);
  const pending = pendingRequests.get(requestId);
  if (!pending) return;
  const body = parseJson(payload) as { success?: boolean; echo_data?: string; error_code?: string; received_at?: string } | null;
  rrLatencies.push(now - pending.sentAt);
  rrTimings.push([requestId, pending.sentAt, Date.parse(body?.received_at ?? ''), now]);
  lastAnsweredAt = now;
  pending.settle(body?.success === true && body.echo_data === pending.echo ? null : body?.error_code ?? 'unexpected_response');
}

function connectOne(player: FleetPlayer, index: number, args: ConnectArgs, result: ConnectResult): Promise<void> {
  const keyPem = fleet?.keyPem ?? '';
  const startedAt = wallNow();
  if (result.firstStartAt === 0) result.firstStartAt = startedAt;
  // mqtt.js hands every option to tls.connect, also those it does not declare.
  const options: IClientOptions & Pick<TcpSocketConnectOpts, 'localAddress' | 'noDelay'> & Pick<ConnectionOptions, 'minVersion' | 'maxVersion'> = {
    protocol: 'mqtts',
    host: '127.0.0.1',
    port: args.port,
    servername: 'localhost',
    localAddress: sourceAddress(index),
    noDelay: true,
    ca: caPem,
    cert: player.certPem,
    key: keyPem,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    clientId: firmwareClientId(player.key),
    protocolVersion: 4,
    keepalive: 60,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: args.timeoutMs,
    will: { topic: topics.status(player.key), payload: Buffer.from(lastWillPayload(player.key)), qos: 1, retain: false },
  };
  const client = mqtt.connect(options);
  const device: Device = { player, index, client, ready: false };
  devices.push(device);
  client.on('message', onMessage);

  let settled = false;
  let resolveOutcome = () => {};
  const outcome = new Promise<void>((resolve) => (resolveOutcome = resolve));
  const settle = (failure: string | null) => {
    if (settled) return;
    settled = true;
    if (failure === null) {
      device.ready = true;
      result.ready++;
      const now = wallNow();
      result.readyMs.push(now - startedAt);
      result.lastReadyAt = Math.max(result.lastReadyAt, now);
    } else {
      result.failed++;
      if (result.errors.length < MAX_ERRORS_KEPT) result.errors.push(failure);
      client.end(true);
    }
    resolveOutcome();
  };
  client.once('connect', () => {
    const filters = [topics.command(player.key), topics.responses(player.key), topics.viewAck(player.key)];
    client.subscribe(filters, { qos: 1 }, (err, granted) => {
      const refused = granted?.find((g) => g.qos === 128);
      settle(err || refused ? `subscribe: ${err?.message ?? `refused ${refused?.topic}`}` : null);
    });
  });
  client.on('error', (err) => settle(err.message));
  client.on('close', () => {
    if (!settled) settle('connection closed before SUBACK');
    else if (device.ready && !closing) {
      device.ready = false;
      dropped++;
    }
  });
  return withDeadline(outcome, args.timeoutMs + 5_000, () => settle('no CONNACK/SUBACK in time'));
}

async function connectAll(args: ConnectArgs): Promise<ConnectResult> {
  const result: ConnectResult = { attempted: share.length, ready: 0, failed: 0, errors: [], readyMs: [], firstStartAt: 0, lastReadyAt: 0 };
  closing = false;
  await runPaced({
    count: share.length,
    ratePerSec: args.ratePerSec,
    maxInFlight: args.maxInFlight,
    task: (i) => connectOne(share[i]!, firstIndex + i, args, result),
  });
  return result;
}

async function requestResponse(args: RrArgs): Promise<RrResult> {
  const ready = devices.filter((d) => d.ready);
  if (ready.length === 0) throw new Error('no connected device');
  rrLatencies.length = 0;
  rrTimings.length = 0;
  lastAnsweredAt = 0;
  const result: RrResult = {
    sent: 0,
    ok: 0,
    lost: 0,
    failures: {},
    latencies: rrLatencies,
    timings: rrTimings,
    firstSentAt: 0,
    lastAnsweredAt: 0,
  };
  const count = Math.round((args.durationMs / 1000) * args.ratePerSec);
  await runPaced({
    count,
    ratePerSec: args.ratePerSec,
    maxInFlight: Number.POSITIVE_INFINITY,
    task: (i) => {
      const device = ready[(args.offset + i) % ready.length]!;
      const requestId = newRequestId();
      const echo = `bench-${requestId.slice(0, 8)}`;
      const body = { request_id: requestId, request_type: 'echo', player_key: device.player.key, echo_data: echo };
      const answered = new Promise<string | null>((settle) => {
        const sentAt = wallNow();
        if (result.firstSentAt === 0) result.firstSentAt = sentAt;
        pendingRequests.set(requestId, { sentAt, echo, settle });
        device.client.publish(topics.request(device.player.key, requestId), JSON.stringify(body), { qos: 1 });
        result.sent++;
      });
      return withDeadline(answered, args.timeoutMs, () => 'lost').then((outcome) => {
        pendingRequests.delete(requestId);
        if (outcome === null) result.ok++;
        else if (outcome === 'lost') result.lost++;
        else result.failures[outcome] = (result.failures[outcome] ?? 0) + 1;
      });
    },
  });
  result.lastAnsweredAt = lastAnsweredAt;
  return result;
}

serveRpc({
  init(args: DeviceInit) {
    fleet = JSON.parse(readFileSync(args.fleetFile, 'utf8')) as Fleet;
    caPem = readFileSync(args.caFile, 'utf8');
    share = fleet.players.slice(args.start, args.end);
    firstIndex = args.start;
    return share.length;
  },
  connect: (args: ConnectArgs) => connectAll(args),
  status: (): DeviceStatus => ({ ready: devices.filter((d) => d.ready).length, dropped }),
  fanoutReceived: () => fanout.received,
  collectFanout(): FanoutCollect {
    const out = { ...fanout, latencies: [...fanout.latencies] };
    Object.assign(fanout, { received: 0, latencies: [], firstAt: 0, lastAt: 0 });
    return out;
  },
  rr: (args: RrArgs) => requestResponse(args),
  async disconnect() {
    closing = true;
    const ends = Promise.all(devices.map((d) => d.client.endAsync(false).catch(() => undefined)));
    await withDeadline(ends, 30_000, () => devices.map((d) => void d.client.end(true)));
    const count = devices.length;
    devices.length = 0;
    return count;
  },
});
