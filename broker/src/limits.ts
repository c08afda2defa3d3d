import type { AedesOptions } from 'aedes';
import type { BrokerConfig } from './config.ts';

/**
 * Connection policy limits (docs/device-protocol.md §3 (ours): packet size, connections per IP per minute, total
 * connections). Packet size, topic depth, keepalive and slow consumers are enforced through Aedes
 * options (baseAedesOptions); the rest is here.
 */

const MINUTE_MS = 60_000;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Per-IP token bucket: `perMinute` connections in a burst, refilled continuously at `perMinute` per
 * minute. Checked on TCP accept, before the TLS handshake, so a flood costs no RSA operations.
 */
export class ConnectionRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isFinite(perMinute) || perMinute <= 0) throw new RangeError('perMinute must be positive');
  }

  /** Takes one token for `ip`; false when the IP has used up its allowance. */
  tryAcquire(ip: string): boolean {
    const now = this.now();
    const bucket = this.refill(ip, now);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Forgets IPs whose bucket is full again, so the map holds only recently active addresses. */
  prune(): void {
    const now = this.now();
    for (const [ip] of this.buckets) {
      if (this.refill(ip, now).tokens >= this.perMinute) this.buckets.delete(ip);
    }
  }

  get trackedAddresses(): number {
    return this.buckets.size;
  }

  private refill(ip: string, now: number): Bucket {
    let bucket = this.buckets.get(ip);
    if (!bucket) {
      bucket = { tokens: this.perMinute, updatedAt: now };
      this.buckets.set(ip, bucket);
      return bucket;
    }
    const elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (elapsed * this.perMinute) / MINUTE_MS);
    bucket.updatedAt = now;
    return bucket;
  }
}

/**
 * Aedes' maximum packet size counts the whole frame: allow the payload limit plus room for the fixed
 * header, the topic (≤ ~100 bytes for §4 topics) and MQTT 5 properties.
 */
export const PACKET_OVERHEAD_BYTES = 1024;

export function maxPacketBytes(maxPayloadBytes: number): number {
  return maxPayloadBytes + PACKET_OVERHEAD_BYTES;
}

/**
 * MQTT 5.0 Server Keep Alive (§3.2.2.3.14): a v5 client asking for keepalive 0 (none) or more than
 * `limitS` (BROKER_SERVER_KEEP_ALIVE_S) is told `limitS` in CONNACK and held to it ([MQTT-3.2.2-21]);
 * any other value is honoured and no Server Keep Alive is sent ([MQTT-3.2.2-22]). MQTT 3.1 / 3.1.1
 * cannot be told another value, so their own keepalive is honoured (a dead peer is still found by
 * TCP keepalive, listeners.ts).
 *
 * Called from preConnect. Aedes' own `keepaliveLimit` option would also refuse such 3.1.1 clients
 * with the non-standard CONNACK code 6, so the per-client field its CONNECT handler reads
 * (`_serverKeepAlive`, assigned after preConnect only when that option is on) is set here instead;
 * mqtt5-session.int.test.ts proves the CONNACK property and the timeout.
 */
export function serverKeepAlive(client: object, packet: { protocolVersion?: number; keepalive?: number }, limitS: number): void {
  if (packet.protocolVersion !== 5) return;
  if (packet.keepalive && packet.keepalive <= limitS) return;
  (client as { _serverKeepAlive?: number })._serverKeepAlive = limitS;
}

/** Upper bound on an MQTT 5 session's expiry: devices use clean sessions (docs/device-protocol.md §3). */
const SESSION_EXPIRY_LIMIT_S = 3600;
const PENDING_SESSIONS_LIMIT = 10_000;
/**
 * MQTT 3.1 capped client ids at 23 characters and Aedes enforces that by default, but the firmware's
 * `p3a-{key}` is 40 (docs/device-protocol.md §1: 3.1 must be accepted).
 */
const MAX_CLIENT_ID_LENGTH = 128;

/**
 * The Aedes options every listener shares (docs/device-protocol.md §3 (ours) limits). Aedes 2 enforces
 * `maximumPacketSize` for every protocol version: the frame is refused as soon as its declared length
 * is known, before its body is buffered. Keepalive is honoured by Aedes (1.5 × the client's value).
 */
export function baseAedesOptions(limits: BrokerConfig['limits'], id: string): AedesOptions {
  return {
    id,
    maximumPacketSize: maxPacketBytes(limits.maxPayloadBytes),
    maxTopicLevels: limits.maxTopicLevels,
    connectTimeout: limits.connectTimeoutMs,
    drainTimeout: limits.drainTimeoutMs,
    queueLimit: limits.queueLimit,
    maxClientsIdLength: MAX_CLIENT_ID_LENGTH,
    sessionExpiryIntervalLimit: SESSION_EXPIRY_LIMIT_S,
    pendingSessionsLimit: PENDING_SESSIONS_LIMIT,
  };
}
