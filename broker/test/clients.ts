import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { firmwareClientId, lastWillPayload, topics } from '@makapix/protocol';
import type { Harness, TestPlayer } from './harness.ts';
import { SERVICE_PASSWORD, SERVICE_USERNAME } from './harness.ts';

export type ProtocolVersion = 3 | 4 | 5;

const open = new Set<MqttClient>();

/** mqtts options for a device as the firmware connects (docs/device-protocol.md §3), over TLS 1.2 unless told. */
export function deviceOptions(h: Harness, player: TestPlayer, extra: IClientOptions = {}): IClientOptions {
  return {
    protocol: 'mqtts',
    host: 'localhost',
    port: h.broker.ports.mtls,
    ca: h.ca.certPem,
    cert: player.cert.certPem,
    key: player.cert.keyPem,
    clientId: firmwareClientId(player.key),
    protocolVersion: 4,
    clean: true,
    keepalive: 60,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    maxVersion: 'TLSv1.2',
    will: { topic: topics.status(player.key), payload: Buffer.from(lastWillPayload(player.key)), qos: 1, retain: false },
    ...extra,
  } as IClientOptions;
}

export function serviceOptions(h: Harness, extra: IClientOptions = {}): IClientOptions {
  return {
    protocol: 'mqtt',
    host: '127.0.0.1',
    port: h.broker.ports.internal,
    username: SERVICE_USERNAME,
    password: SERVICE_PASSWORD,
    clientId: `makapix-api-test-${Math.random().toString(16).slice(2, 10)}`,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...extra,
  };
}

/** Connects and resolves on CONNACK 0; rejects with the error (CONNACK code in `code`) otherwise. */
export function connect(options: IClientOptions): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(options);
    open.add(client);
    const fail = (err: Error) => {
      client.removeListener('close', onClose);
      client.end(true);
      reject(err);
    };
    const onClose = () => fail(new Error('connection closed before CONNACK'));
    client.once('connect', () => {
      client.removeListener('error', fail);
      client.removeListener('close', onClose);
      client.on('error', () => undefined);
      resolve(client);
    });
    client.once('error', fail);
    client.once('close', onClose);
  });
}

export interface Refusal {
  /** The CONNACK return / reason code, when the broker sent one. */
  code: number | undefined;
  message: string;
}

/** Expects the connection to fail; resolves with how it failed. */
export async function refusal(options: IClientOptions): Promise<Refusal> {
  try {
    const client = await connect(options);
    client.end(true);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return { code: typeof code === 'number' ? code : undefined, message: (err as Error).message };
  }
  throw new Error('expected the connection to be refused, but it was accepted');
}

/** SUBACK codes for `filters` (0–2 granted, ≥ 0x80 failure). */
export function subscribeCodes(client: MqttClient, filters: string[], qos: 0 | 1 = 1): Promise<number[]> {
  return new Promise((resolve, reject) => {
    client.subscribe(filters, { qos }, (err, _granted, packet) => {
      const codes = (packet as { granted?: number[] } | undefined)?.granted;
      if (codes) resolve(codes);
      else reject(err ?? new Error('no SUBACK'));
    });
  });
}

export function publish(
  client: MqttClient,
  topic: string,
  payload: string | Buffer,
  options: { qos?: 0 | 1; retain?: boolean } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    client.publish(topic, payload, { qos: options.qos ?? 1, retain: options.retain ?? false }, (err) => (err ? reject(err) : resolve()));
  });
}

/** The next message on `topic` (exact match), or a timeout error. */
export function nextMessage(client: MqttClient, topic: string, timeoutMs = 5000): Promise<{ payload: string; retain: boolean }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.removeListener('message', onMessage);
      reject(new Error(`no message on ${topic} within ${timeoutMs} ms`));
    }, timeoutMs);
    function onMessage(t: string, payload: Buffer, packet: { retain: boolean }) {
      if (t !== topic) return;
      clearTimeout(timer);
      client.removeListener('message', onMessage);
      resolve({ payload: payload.toString('utf8'), retain: packet.retain });
    }
    client.on('message', onMessage);
  });
}

/** Resolves when the client's connection closes (rejects after `timeoutMs`). */
export function closed(client: MqttClient, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!client.connected && client.disconnected) return resolve();
    const timer = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Ends every client a test opened (afterEach / afterAll). */
export async function endAll(): Promise<void> {
  await Promise.all([...open].map((c) => new Promise<void>((resolve) => c.end(true, {}, () => resolve()))));
  open.clear();
}
