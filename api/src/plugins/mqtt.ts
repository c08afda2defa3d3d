import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import mqtt, { type MqttClient } from 'mqtt';
import { errors } from '../errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Publishes a server → device message (response, command, view/ack; PROTOCOL.md §4) through the
     * broker's internal listener with the service account. QoS 1, never retained. Resolves once the
     * broker has acknowledged it (PUBACK); 503 `service_unavailable` when the broker is unreachable.
     */
    publishToDevice: (topic: string, payload: unknown) => Promise<void>;
    mqtt: MqttClient;
  }
}

const PUBLISH_TIMEOUT_MS = 5_000;

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
    if (!client.connected) throw errors.unavailable('The player broker is not reachable right now');
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
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
