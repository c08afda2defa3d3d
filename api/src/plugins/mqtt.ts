import { MAX_SERVER_TO_DEVICE_BYTES } from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import mqtt, { type MqttClient } from 'mqtt';
import { AppError, errors } from '../errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Publishes a server → device message (response, command, view/ack; docs/device-protocol.md §4) through the
     * broker's internal listener with the service account. QoS 1, never retained. Resolves once the
     * broker has acknowledged it (PUBACK); 503 `service_unavailable` when the broker is unreachable;
     * 500 `device_payload_too_large` for a payload the device would drop (see encodeDevicePayload).
     */
    publishToDevice: (topic: string, payload: unknown) => Promise<void>;
    mqtt: MqttClient;
  }
}

const PUBLISH_TIMEOUT_MS = 5_000;

/**
 * The minified JSON bytes of a server → device payload (a string is sent as is). docs/device-protocol.md §3: the
 * device drops any inbound message over 128 KiB and "the server never sends one", so a larger one is
 * a bug on our side (query_posts and get_comments trim to fit, §5): refused here, in the one publish
 * path to devices, loudly, rather than sent to be silently dropped.
 */
export function encodeDevicePayload(topic: string, payload: unknown): Buffer {
  const body = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload), 'utf8');
  if (body.length > MAX_SERVER_TO_DEVICE_BYTES) {
    throw new AppError(
      'device_payload_too_large',
      `Refusing to publish ${body.length} bytes on ${topic}: devices drop messages over ${MAX_SERVER_TO_DEVICE_BYTES} bytes (docs/device-protocol.md §3)`,
      { topic, bytes: body.length, maxBytes: MAX_SERVER_TO_DEVICE_BYTES },
    );
  }
  return body;
}

export const mqttPlugin = fp<{ url: string; username: string; password: string }>(async (app: FastifyInstance, opts) => {
  const client = mqtt.connect(opts.url, {
    username: opts.username,
    password: opts.password,
    clientId: `makapix-api-${process.pid}-${crypto.randomUUID().slice(0, 8)}`,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 2_000,
    connectTimeout: 5_000,
    // Queue nothing while offline: a command that cannot be delivered now must fail loudly, not
    // arrive minutes later.
    queueQoSZero: false,
  });
  client.on('error', (err) => app.log.warn({ err: err.message }, 'broker connection error'));
  app.decorate('mqtt', client);
  app.decorate('publishToDevice', async (topic: string, payload: unknown) => {
    let body: Buffer;
    try {
      body = encodeDevicePayload(topic, payload);
    } catch (err) {
      app.log.error({ err, topic }, 'server → device payload over the device limit refused');
      throw err;
    }
    if (!client.connected) throw errors.unavailable('The player broker is not reachable right now');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(errors.unavailable('The player broker did not acknowledge in time')), PUBLISH_TIMEOUT_MS);
      client.publish(topic, body, { qos: 1, retain: false }, (err) => {
        clearTimeout(timer);
        if (err) reject(errors.unavailable('The player broker refused the message'));
        else resolve();
      });
    });
  });
  app.addHook('onClose', async () => {
    await client.endAsync(true);
  });
});
