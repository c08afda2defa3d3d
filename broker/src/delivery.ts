import type { AedesOptions, Client, PublishPacket } from 'aedes';
import mqttPacket from 'mqtt-packet';
import type { Logger } from 'pino';
import { topicMatches } from './text-rules.ts';

/**
 * MQTT 5.0 rules on what the broker sends, applied in Aedes' `authorizeForward` hook (called for
 * every PUBLISH to a client: live, queued for an offline session, or retained). Independent of the
 * persistence and emitter Aedes runs with.
 */

interface SubscriptionState {
  si?: number;
}

/** What the hook reads of an Aedes client (MQTT 5 CONNECT values Aedes records). */
type ForwardClient = Client & {
  maximumPacketSize?: number;
  subscriptions?: Record<string, SubscriptionState>;
};

type ForwardPacket = Parameters<NonNullable<AedesOptions['authorizeForward']>>[1];

/**
 * [MQTT-3.3.4-3], [MQTT-3.3.4-4]: a message matching several of a client's subscriptions is sent once
 * (Aedes de-duplicates) and must then carry the identifiers of every matching subscription. A
 * retained message sent because of one new SUBSCRIBE (Aedes gives it no broker id, so it is never
 * de-duplicated) keeps that SUBSCRIBE's identifier only.
 */
function withAllSubscriptionIdentifiers(client: ForwardClient, packet: ForwardPacket): ForwardPacket {
  if (!packet.brokerId || !client.subscriptions) return packet;
  const ids: number[] = [];
  for (const [filter, sub] of Object.entries(client.subscriptions)) {
    if (sub.si !== undefined && topicMatches(filter, packet.topic)) ids.push(sub.si);
  }
  if (ids.length < 2) return packet;
  ids.sort((a, b) => a - b);
  return { ...packet, properties: { ...packet.properties, subscriptionIdentifier: ids } };
}

/** The size of `packet` on the wire for an MQTT 5 client. */
export function publishWireBytes(packet: PublishPacket): number {
  const sized = { ...packet, cmd: 'publish' as const, messageId: packet.qos > 0 ? 1 : undefined };
  return mqttPacket.generate(sized, { protocolVersion: 5 }).length;
}

export function authorizeForward(logger: Logger): NonNullable<AedesOptions['authorizeForward']> {
  return (client, packet) => {
    const c = client as ForwardClient;
    if (c.version !== 5) return packet;
    const out = withAllSubscriptionIdentifiers(c, packet);
    // [MQTT-3.1.2-24] Never send a packet above the client's Maximum Packet Size; [MQTT-3.1.2-25]
    // discard it and behave as if it had been sent (Aedes clears a refused QoS 1/2 message from the
    // session, as if acknowledged).
    if (c.maximumPacketSize !== undefined) {
      const bytes = publishWireBytes(out);
      if (bytes > c.maximumPacketSize) {
        logger.info({ clientId: c.id, topic: out.topic, bytes, max: c.maximumPacketSize }, 'message above the client maximum packet size; discarded');
        return null;
      }
    }
    return out;
  };
}

/**
 * MQTT 5.0 §3.1.3.2: the Will Delay Interval is a will property, not a PUBLISH property (PUBLISH
 * carries no property 0x18; receivers treat it as a malformed packet). Removed before the will is
 * published; the delay itself was already applied by Aedes.
 */
export function stripWillOnlyProperties(packet: { properties?: object }): void {
  if (packet.properties && 'willDelayInterval' in packet.properties) {
    const { willDelayInterval: _delay, ...rest } = packet.properties as Record<string, unknown>;
    packet.properties = rest;
  }
}
