import { appendDeviceInbox, type DeviceInboxRedis } from '@makapix/protocol';

export interface InboxPublish {
  topic: string;
  payload: Buffer | string;
  qos: 0 | 1 | 2;
  retain: boolean;
}

export interface InboxSession {
  clientId: string;
  certSerial: string;
  /** True for the broker publishing the device's last will (docs/device-protocol.md §3). */
  isWill: boolean;
}

/**
 * Device → handlers bridge (docs/architecture.md §1). Aedes has no shared subscriptions, so several
 * api processes subscribing over MQTT would each process every message; instead the broker appends
 * each accepted device → server publish to the `makapix:device-inbox` stream (contract in
 * @makapix/protocol broker-bridge.ts) and the handlers read it through one consumer group.
 *
 * The append happens before the PUBACK: a QoS 1 message the device saw acknowledged is in the inbox.
 */
export class DeviceInboxBridge {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly redis: DeviceInboxRedis,
    private readonly brokerId: string,
  ) {}

  /** Resolves to the stream entry id (null when the topic is not device → server); rejects on Redis errors. */
  append(packet: InboxPublish, session: InboxSession): Promise<string | null> {
    const payload = typeof packet.payload === 'string' ? packet.payload : packet.payload.toString('utf8');
    const pending = appendDeviceInbox(this.redis, {
      topic: packet.topic,
      payload,
      source: session.isWill ? 'will' : 'publish',
      retain: packet.retain,
      qos: packet.qos,
      clientId: session.clientId,
      certSerial: session.certSerial,
      brokerId: this.brokerId,
      receivedAt: new Date(),
    });
    this.inFlight.add(pending);
    const forget = () => this.inFlight.delete(pending);
    pending.then(forget, forget);
    return pending;
  }

  /** Waits for appends already started (shutdown publishes every last will before Redis closes). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}
