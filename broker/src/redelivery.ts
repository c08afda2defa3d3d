import { pipeline, type Readable, Transform } from 'node:stream';
import type { Aedes } from 'aedes';

interface StoredPacket {
  cmd?: string;
  messageId?: number;
  dup?: boolean;
}

interface OutgoingStore {
  outgoingStream(client: unknown): Readable;
}

/**
 * [MQTT-3.3.1-1] A PUBLISH the server sends again (a session resumed with messages still
 * unacknowledged, MQTT-4.4.0-1) carries DUP = 1. Aedes resends a resumed session's queue from the
 * persistence's outgoing stream without setting DUP; a stored QoS 1/2 PUBLISH that already has a
 * packet identifier was handed to a connection before, so it is marked here. Wraps whichever
 * persistence the broker runs with (memory or Redis) without depending on it.
 */
export function markRedeliveries(broker: Aedes): void {
  const persistence = (broker as unknown as { persistence: OutgoingStore }).persistence;
  const outgoingStream = persistence.outgoingStream.bind(persistence);
  persistence.outgoingStream = (client: unknown) => {
    const mark = new Transform({
      objectMode: true,
      transform(packet: StoredPacket, _encoding, done) {
        const isPublish = packet.cmd === undefined || packet.cmd === 'publish';
        done(null, isPublish && packet.messageId ? { ...packet, dup: true } : packet);
      },
    });
    // pipeline forwards a persistence error to the stream Aedes reads.
    return pipeline(outgoingStream(client), mark, () => undefined);
  };
}
