import tls from 'node:tls';
import type { Harness, TestPlayer } from './harness.ts';

// Hand-built MQTT 3.1 / 3.1.1 frames, so tests can send what no well-behaved client library would.

export function remainingLength(n: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    bytes.push(byte);
  } while (n > 0);
  return Buffer.from(bytes);
}

export function mqttString(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const length = Buffer.alloc(2);
  length.writeUInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

export function frame(firstByte: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([firstByte]), remainingLength(body.length), body]);
}

/** CONNECT, MQTT 3.1.1, clean session (keepalive 60 s like the firmware unless told). */
export function connectFrame(clientId: string, keepaliveSeconds = 60): Buffer {
  const variable = Buffer.concat([mqttString('MQTT'), Buffer.from([0x04, 0x02, keepaliveSeconds >> 8, keepaliveSeconds & 0xff])]);
  return frame(0x10, Buffer.concat([variable, mqttString(clientId)]));
}

/**
 * CONNECT as a true MQTT 3.1 client sends it: protocol name `MQIsdp`, level 3, clean session, and a
 * QoS 1 (not retained) last will, as the firmware's library does (docs/device-protocol.md §1, §3).
 */
export function mqtt31ConnectFrame(clientId: string, will: { topic: string; payload: string }, keepaliveSeconds = 60): Buffer {
  const flags = 0x02 | 0x04 | (1 << 3); // clean session, will flag, will QoS 1
  const variable = Buffer.concat([mqttString('MQIsdp'), Buffer.from([0x03, flags, keepaliveSeconds >> 8, keepaliveSeconds & 0xff])]);
  return frame(0x10, Buffer.concat([variable, mqttString(clientId), mqttString(will.topic), mqttString(will.payload)]));
}

export interface RawPublish {
  topic: string | Buffer;
  qos: number;
  messageId?: number;
  payload?: string;
}

/** PUBLISH with any QoS bits (3 is illegal) and any packet id (0 is illegal for QoS > 0). */
export function publishFrame(p: RawPublish): Buffer {
  const parts = [mqttString(p.topic)];
  if (p.qos > 0) {
    const id = Buffer.alloc(2);
    id.writeUInt16BE(p.messageId ?? 1);
    parts.push(id);
  }
  parts.push(Buffer.from(p.payload ?? '{}', 'utf8'));
  return frame(0x30 | ((p.qos & 0x03) << 1), Buffer.concat(parts));
}

export function subscribeFrame(filter: string | Buffer, messageId = 1): Buffer {
  const id = Buffer.alloc(2);
  id.writeUInt16BE(messageId);
  return frame(0x82, Buffer.concat([id, mqttString(filter), Buffer.from([0x01])]));
}

export function pubackFrame(messageId: number): Buffer {
  return Buffer.from([0x40, 0x02, messageId >> 8, messageId & 0xff]);
}

export interface ReceivedPublish {
  qos: number;
  retain: boolean;
  topic: string;
  messageId: number | undefined;
  payload: string;
}

/** The PUBLISH packets in a byte stream from the broker (other packet types are skipped). */
export function receivedPublishes(bytes: Buffer): ReceivedPublish[] {
  const out: ReceivedPublish[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const first = bytes[pos]!;
    let length = 0;
    let multiplier = 1;
    let i = pos + 1;
    for (;;) {
      const byte = bytes[i++];
      if (byte === undefined) return out; // an incomplete frame: wait for more bytes
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if ((byte & 0x80) === 0) break;
    }
    if (i + length > bytes.length) return out;
    const body = bytes.subarray(i, i + length);
    pos = i + length;
    if (first >> 4 !== 3) continue;
    const qos = (first >> 1) & 0x03;
    const topicLength = body.readUInt16BE(0);
    const topic = body.subarray(2, 2 + topicLength).toString('utf8');
    const messageId = qos > 0 ? body.readUInt16BE(2 + topicLength) : undefined;
    const payload = body.subarray(2 + topicLength + (qos > 0 ? 2 : 0)).toString('utf8');
    out.push({ qos, retain: (first & 0x01) === 1, topic, messageId, payload });
  }
  return out;
}

export const PINGREQ = Buffer.from([0xc0, 0x00]);
export const CONNACK_ACCEPTED = Buffer.from([0x20, 0x02, 0x00, 0x00]);

export interface RawSession {
  socket: tls.TLSSocket;
  received: () => Buffer;
  /** Resolves true when the broker closed the connection within `timeoutMs`. */
  closedWithin(timeoutMs: number): Promise<boolean>;
  waitForBytes(expected: Buffer, timeoutMs?: number): Promise<void>;
}

/** A TLS connection with the player's certificate and nothing else on top. */
export function rawDevice(h: Harness, player: TestPlayer, port = h.broker.ports.mtls): Promise<RawSession> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      servername: 'localhost',
      port,
      ca: h.ca.certPem,
      cert: player.cert.certPem,
      key: player.cert.keyPem,
      maxVersion: 'TLSv1.2',
    });
    let data = Buffer.alloc(0);
    let isClosed = false;
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
    });
    socket.on('error', () => undefined);
    socket.once('close', () => {
      isClosed = true;
    });
    socket.once('secureConnect', () => {
      resolve({
        socket,
        received: () => data,
        closedWithin: (timeoutMs) =>
          new Promise((done) => {
            if (isClosed) return done(true);
            const timer = setTimeout(() => done(false), timeoutMs);
            socket.once('close', () => {
              clearTimeout(timer);
              done(true);
            });
          }),
        async waitForBytes(expected, timeoutMs = 3000) {
          const deadline = Date.now() + timeoutMs;
          while (!data.includes(expected)) {
            if (Date.now() > deadline || isClosed) throw new Error(`did not receive ${expected.toString('hex')}; got ${data.toString('hex')}`);
            await new Promise((r) => setTimeout(r, 10));
          }
        },
      });
    });
    socket.once('error', reject);
  });
}

/** A raw session that has sent CONNECT as the firmware would and received CONNACK 0. */
export async function connectedRawDevice(
  h: Harness,
  player: TestPlayer,
  options: { keepaliveSeconds?: number; port?: number } = {},
): Promise<RawSession> {
  const session = await rawDevice(h, player, options.port);
  session.socket.write(connectFrame(`p3a-${player.key}`, options.keepaliveSeconds));
  await session.waitForBytes(CONNACK_ACCEPTED);
  return session;
}
