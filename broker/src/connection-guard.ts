import type net from 'node:net';
import type { Logger } from 'pino';
import { inspectFirstByte, inspectInbound, type InboundState, Reason } from './inbound-rules.ts';
import { encodeFrame, type Frame, FrameSplitter } from './mqtt-wire.ts';

/**
 * A validating layer between a socket and Aedes, independent of Aedes' persistence and emitter:
 *
 * - Inbound: Aedes pulls bytes with `socket.read()` on 'readable'. The guard's `read` hands it only
 *   complete frames that passed inbound-rules.ts; on the first refused frame it sends the answer the
 *   specification names (CONNACK / MQTT 5 DISCONNECT), ends the connection and gives Aedes nothing
 *   more. The client object (`socket.client`) and TLS identity stay Aedes' own.
 * - Outbound, MQTT 5 only: Aedes writes whole packets with `socket.write()`. The guard holds QoS 1/2
 *   PUBLISH packets beyond the client's Receive Maximum until a PUBACK / PUBCOMP (or a failed PUBREC)
 *   frees a slot (MQTT 5.0 [MQTT-3.3.4-9], §4.9), and never sends a frame above the
 *   client's Maximum Packet Size ([MQTT-3.1.2-24]; PUBLISH packets are dropped earlier, by the
 *   authorizeForward hook, so Aedes treats them as delivered — [MQTT-3.1.2-25]).
 */

/** Held PUBLISH packets a client may have waiting for its Receive Maximum before it is disconnected. */
export const HELD_PUBLISH_LIMIT = 1000;
/** How long a refused connection may take to read its answer before the socket is destroyed. */
const LINGER_MS = 1000;

export interface GuardOptions {
  /** Inbound frame limit (the broker's Maximum Packet Size). */
  maxFrameBytes: number;
  logger: Logger;
}

/** The Aedes client Aedes attaches to the socket (`conn.client`), as far as the guard reads it. */
interface AttachedClient {
  id?: string | null;
  version?: number | null;
  receiveMaximum?: number;
  maximumPacketSize?: number;
  connackSent?: boolean;
}

type WriteCallback = (err?: Error | null) => void;

export function guardConnection(socket: net.Socket, options: GuardOptions): void {
  const { logger } = options;
  const state: InboundState = { version: undefined };
  const inbound = new FrameSplitter(options.maxFrameBytes);
  const outbound = new FrameSplitter(Number.POSITIVE_INFINITY);
  const inFlight = new Set<number>();
  const held: Buffer[] = [];
  let refused = false;

  const rawRead = socket.read.bind(socket);
  const rawWrite = socket.write.bind(socket) as (chunk: Buffer, cb?: WriteCallback) => boolean;
  const client = () => (socket as unknown as { client?: AttachedClient }).client;

  /**
   * Sends the refusal's CONNACK, or an MQTT 5 DISCONNECT once Aedes has sent its CONNACK (a server
   * sends no DISCONNECT before CONNACK, MQTT 5.0 [MQTT-3.14.0-1]), then closes.
   */
  function refuse(reason: string, answer: { connack?: Buffer; disconnectCode?: number }): void {
    refused = true;
    held.length = 0;
    const c = client();
    logger.warn({ remote: socket.remoteAddress, clientId: c?.id ?? undefined, reason }, 'MQTT protocol violation; closing');
    let reply = answer.connack;
    if (!reply && answer.disconnectCode !== undefined && c?.connackSent) reply = encodeFrame(0xe0, Buffer.from([answer.disconnectCode, 0x00]));
    if (reply && !socket.destroyed) rawWrite(reply);
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  }

  function release(): void {
    const limit = client()?.receiveMaximum ?? 65_535;
    while (held.length > 0 && inFlight.size < limit) {
      const frame = held.shift()!;
      inFlight.add(publishPacketId(frame));
      rawWrite(frame);
    }
  }

  socket.read = function guardedRead(size?: number) {
    // read(0) only refreshes the buffer; it never returns data.
    if (size === 0) return rawRead(0);
    const chunk = rawRead(size) as Buffer | null;
    if (chunk === null || refused) return null;
    inbound.append(chunk);
    const accepted: Buffer[] = [];
    while (!refused) {
      const first = inbound.peekFirstByte();
      if (first === undefined) break;
      const early = inspectFirstByte(state, first);
      if (!early.ok) {
        refuse(early.reason, early);
        break;
      }
      const next = inbound.next();
      if (next.kind === 'incomplete') break;
      if (next.kind !== 'frame') {
        const tooLarge = next.kind === 'too_large';
        const disconnectCode = state.version === 5 ? (tooLarge ? Reason.PACKET_TOO_LARGE : Reason.MALFORMED_PACKET) : undefined;
        refuse(tooLarge ? `frame of ${next.declaredBytes} bytes over the limit` : 'malformed remaining length', { disconnectCode });
        break;
      }
      const verdict = inspectInbound(state, next.frame);
      if (!verdict.ok) {
        refuse(verdict.reason, verdict);
        break;
      }
      if (verdict.acked !== undefined && inFlight.delete(verdict.acked)) release();
      accepted.push(next.frame.raw);
    }
    if (accepted.length === 0) return null;
    return accepted.length === 1 ? accepted[0]! : Buffer.concat(accepted);
  } as typeof socket.read;

  socket.write = function guardedWrite(chunk: unknown, encodingOrCb?: unknown, maybeCb?: unknown): boolean {
    const cb = (typeof encodingOrCb === 'function' ? encodingOrCb : maybeCb) as WriteCallback | undefined;
    if (refused) {
      if (cb) setImmediate(cb, new Error('connection refused by the guard'));
      return false;
    }
    const c = client();
    if (state.version !== 5 || c?.version !== 5) {
      return typeof chunk === 'string' ? rawWrite(Buffer.from(chunk, encodingOf(encodingOrCb)), cb) : rawWrite(chunk as Buffer, cb);
    }
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encodingOf(encodingOrCb)) : (chunk as Buffer);
    let result = true;
    outbound.append(Buffer.from(bytes));
    for (let next = outbound.next(); next.kind === 'frame'; next = outbound.next()) result = sendOutbound(next.frame, c);
    if (cb) setImmediate(cb, null);
    return result;
  } as typeof socket.write;

  function sendOutbound(frame: Frame, c: AttachedClient): boolean {
    if (c.maximumPacketSize !== undefined && frame.raw.length > c.maximumPacketSize) {
      logger.warn({ clientId: c.id, bytes: frame.raw.length, max: c.maximumPacketSize, type: frame.type }, 'packet above the client maximum packet size; dropped');
      return true;
    }
    const qos = (frame.flags >> 1) & 0x03;
    if (frame.type !== 3 || qos === 0) return rawWrite(frame.raw);
    const limit = c.receiveMaximum ?? 65_535;
    if (held.length === 0 && inFlight.size < limit) {
      inFlight.add(publishPacketId(frame.raw));
      return rawWrite(frame.raw);
    }
    held.push(frame.raw);
    if (held.length > HELD_PUBLISH_LIMIT) {
      refuse(`more than ${HELD_PUBLISH_LIMIT} messages waiting for the client's Receive Maximum`, { disconnectCode: Reason.QUOTA_EXCEEDED });
      return false;
    }
    return true;
  }
}

function encodingOf(value: unknown): BufferEncoding {
  return typeof value === 'string' ? (value as BufferEncoding) : 'utf8';
}

/** The packet identifier of a QoS 1/2 PUBLISH frame (after the fixed header and topic). */
function publishPacketId(raw: Buffer): number {
  let i = 1;
  while (raw[i]! & 0x80) i++;
  const topicStart = i + 1;
  const topicLength = raw.readUInt16BE(topicStart);
  return raw.readUInt16BE(topicStart + 2 + topicLength);
}
