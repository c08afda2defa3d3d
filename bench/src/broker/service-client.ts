import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type RequestType, topics } from '@makapix/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import type { Fleet } from './fleet-certs.ts';
import type { FanoutArgs, FanoutSendResult, ResponderStats, ServiceConnectArgs } from './messages.ts';
import { runPaced, withDeadline } from './pacing.ts';
import { serveRpc } from './processes.ts';
import { wallNow } from './stats.ts';

// The platform side of the workload, one process per role: the command publisher (fan-out) and, for
// Mosquitto only, the reference request handler. Both use the service account on the broker's
// loopback listener, as the api does (docs/device-protocol.md §1).

let client: MqttClient | undefined;
let answered = 0;

function connect(args: ServiceConnectArgs, clientId: string): Promise<MqttClient> {
  const c = mqtt.connect(args.url, {
    username: args.username,
    password: args.password,
    clientId,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve(c));
    c.once('error', (err) => reject(err));
  });
}

/** docs/device-protocol.md §6 envelope; `sent_at` (extra key, ignored by devices) carries the send time. */
function command(): string {
  return JSON.stringify({ command_id: randomUUID(), command_type: 'swap_next', payload: {}, timestamp: new Date().toISOString(), sent_at: wallNow() });
}

async function fanout(args: FanoutArgs): Promise<FanoutSendResult> {
  const c = client;
  if (!c) throw new Error('not connected');
  const fleet = JSON.parse(readFileSync(args.fleetFile, 'utf8')) as Fleet;
  const keys = fleet.players.slice(0, args.count).map((p) => p.key);
  const result: FanoutSendResult = { sent: 0, acked: 0, errors: [], startedAt: wallNow(), endedAt: 0 };
  await runPaced({
    count: keys.length,
    ratePerSec: args.ratePerSec,
    maxInFlight: args.maxInFlight,
    task: (i) => {
      const acked = new Promise<string | null>((resolve) => {
        c.publish(topics.command(keys[i]!), command(), { qos: 1 }, (err) => resolve(err ? err.message : null));
        result.sent++;
      });
      return withDeadline(acked, args.timeoutMs, () => 'no PUBACK in time').then((error) => {
        if (error === null) result.acked++;
        else if (result.errors.length < 5) result.errors.push(error);
      });
    },
  });
  result.endedAt = wallNow();
  return result;
}

interface EchoRequest {
  request_id?: unknown;
  request_type?: RequestType;
  echo_data?: unknown;
}

/** The minimal handler behind Mosquitto: answers `echo` on `response/{id}` (docs/device-protocol.md §5). */
async function startResponder(args: ServiceConnectArgs): Promise<void> {
  const c = (client = await connect(args, `bench-responder-${process.pid}`));
  c.on('message', (topic, payload) => {
    const [, , key, , requestId] = topic.split('/');
    if (!key || !requestId) return;
    let body: EchoRequest;
    try {
      body = JSON.parse(payload.toString('utf8')) as EchoRequest;
    } catch {
      return;
    }
    const response =
      body.request_type === 'echo'
        ? { request_id: requestId, success: true, echo_data: body.echo_data, received_at: new Date().toISOString() }
        : { request_id: requestId, success: false, error: 'unsupported by the reference responder', error_code: 'unknown_request_type' };
    c.publish(topics.response(key, requestId), JSON.stringify(response), { qos: 1 });
    answered++;
  });
  await c.subscribeAsync('makapix/player/+/request/+', { qos: 1 });
}

serveRpc({
  async connect(args: ServiceConnectArgs) {
    client = await connect(args, `bench-commands-${process.pid}`);
  },
  fanout: (args: FanoutArgs) => fanout(args),
  startResponder: (args: ServiceConnectArgs) => startResponder(args),
  stats: (): ResponderStats => ({ answered }),
  async close() {
    await client?.endAsync(false);
    client = undefined;
  },
});
