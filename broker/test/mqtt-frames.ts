import { frame, mqttString, remainingLength } from './raw-mqtt.ts';

// Hand-built frames for every protocol level (3 = MQTT 3.1, 4 = 3.1.1, 5 = 5.0), written from the
// specifications' packet layouts so tests can send what no client library would.

export type Level = 3 | 4 | 5;
export const LEVELS: Level[] = [3, 4, 5];
export const LEVEL_NAME: Record<Level, string> = { 3: 'MQTT 3.1', 4: 'MQTT 3.1.1', 5: 'MQTT 5.0' };

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/** MQTT 5.0 §2.2.2.2 properties used by the tests, each encoded as identifier + value. */
export const prop = {
  sessionExpiry: (s: number) => Buffer.concat([Buffer.from([0x11]), u32(s)]),
  receiveMaximum: (n: number) => Buffer.concat([Buffer.from([0x21]), u16(n)]),
  maximumPacketSize: (n: number) => Buffer.concat([Buffer.from([0x27]), u32(n)]),
  willDelay: (s: number) => Buffer.concat([Buffer.from([0x18]), u32(s)]),
};

/** A property block: variable byte integer length, then the properties. */
export function properties(...items: Buffer[]): Buffer {
  const body = Buffer.concat(items);
  return Buffer.concat([remainingLength(body.length), body]);
}

export interface ConnectSpec {
  level: number;
  clientId: string | Buffer;
  /** Defaults to the level's own name (MQIsdp for 3.1). */
  name?: string;
  keepalive?: number;
  /** Replaces the computed connect flags (to send combinations no library builds). */
  flags?: number;
  clean?: boolean;
  will?: { topic: string | Buffer; payload?: string; qos?: number; retain?: boolean; properties?: Buffer[] };
  username?: string | Buffer;
  properties?: Buffer[];
}

export function connectBytes(spec: ConnectSpec): Buffer {
  const v5 = spec.level === 5;
  let flags = spec.clean === false ? 0 : 0x02;
  if (spec.will) flags |= 0x04 | ((spec.will.qos ?? 0) << 3) | (spec.will.retain ? 0x20 : 0);
  if (spec.username !== undefined) flags |= 0x80;
  const keepalive = spec.keepalive ?? 60;
  const parts: Buffer[] = [
    mqttString(spec.name ?? (spec.level === 3 ? 'MQIsdp' : 'MQTT')),
    Buffer.from([spec.level, spec.flags ?? flags]),
    u16(keepalive),
  ];
  if (v5) parts.push(properties(...(spec.properties ?? [])));
  parts.push(mqttString(spec.clientId));
  if (spec.will) {
    if (v5) parts.push(properties(...(spec.will.properties ?? [])));
    parts.push(mqttString(spec.will.topic), mqttString(spec.will.payload ?? 'gone'));
  }
  if (spec.username !== undefined) parts.push(mqttString(spec.username));
  return frame(0x10, Buffer.concat(parts));
}

export function publishBytes(level: Level, p: { topic: string | Buffer; qos?: number; dup?: boolean; id?: number; payload?: string }): Buffer {
  const qos = p.qos ?? 0;
  const parts: Buffer[] = [mqttString(p.topic)];
  if (qos > 0) parts.push(u16(p.id ?? 1));
  if (level === 5) parts.push(properties());
  parts.push(Buffer.from(p.payload ?? '{}'));
  return frame(0x30 | (p.dup ? 0x08 : 0) | (qos << 1), Buffer.concat(parts));
}

export function subscribeBytes(level: Level, id: number, filters: Array<string | Buffer>, props: Buffer[] = []): Buffer {
  const parts: Buffer[] = [u16(id)];
  if (level === 5) parts.push(properties(...props));
  for (const f of filters) parts.push(mqttString(f), Buffer.from([0x01]));
  return frame(0x82, Buffer.concat(parts));
}

export function unsubscribeBytes(level: Level, id: number, filters: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [u16(id)];
  if (level === 5) parts.push(properties());
  for (const f of filters) parts.push(mqttString(f));
  return frame(0xa2, Buffer.concat(parts));
}

/** PUBACK for `id` (MQTT 5: reason code 0 omitted, §3.4.2.1). */
export function pubackBytes(id: number): Buffer {
  return frame(0x40, u16(id));
}

export interface ReceivedFrame {
  type: number;
  flags: number;
  body: Buffer;
}

/** Splits the bytes a client received into frames (an incomplete tail is left out). */
export function parseFrames(bytes: Buffer): ReceivedFrame[] {
  const out: ReceivedFrame[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    let length = 0;
    let multiplier = 1;
    let i = pos + 1;
    for (;;) {
      const byte = bytes[i++];
      if (byte === undefined) return out;
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if ((byte & 0x80) === 0) break;
    }
    if (i + length > bytes.length) return out;
    out.push({ type: bytes[pos]! >> 4, flags: bytes[pos]! & 0x0f, body: bytes.subarray(i, i + length) });
    pos = i + length;
  }
  return out;
}

/** The identifier of a received QoS 1/2 PUBLISH, and its topic and payload. */
export function publishOf(level: Level, f: ReceivedFrame): { topic: string; id: number | undefined; payload: string } {
  const qos = (f.flags >> 1) & 0x03;
  const topicLength = f.body.readUInt16BE(0);
  let pos = 2 + topicLength;
  const id = qos > 0 ? f.body.readUInt16BE(pos) : undefined;
  if (qos > 0) pos += 2;
  if (level === 5) {
    let length = 0;
    let multiplier = 1;
    for (;;) {
      const byte = f.body[pos++]!;
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if ((byte & 0x80) === 0) break;
    }
    pos += length;
  }
  return { topic: f.body.subarray(2, 2 + topicLength).toString('utf8'), id, payload: f.body.subarray(pos).toString('utf8') };
}
