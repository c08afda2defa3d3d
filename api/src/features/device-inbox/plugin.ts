import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiConfig } from '../../config.ts';
import { DeviceInboxConsumer } from './consumer.ts';
import { handleInboxEntry } from './service.ts';

/**
 * The device handlers of docs/architecture.md §1: consumes the broker's inbox stream once the app is
 * ready and stops before it closes (while PostgreSQL and Redis are still open). Off with
 * `DEVICE_INBOX_ENABLED=false` (e.g. an api process that should only serve HTTP).
 */
export const deviceInboxPlugin = fp<{ config: ApiConfig }>(async (app: FastifyInstance, opts) => {
  const { deviceInbox, vault } = opts.config;
  if (!deviceInbox.enabled) return;
  const consumer = new DeviceInboxConsumer({
    redis: app.redis,
    // Per process and per app instance: two consumers must never share a name.
    consumerName: `${hostname()}-${process.pid}-${crypto.randomUUID().slice(0, 8)}`,
    claimIdleMs: deviceInbox.claimIdleMs,
    handle: (entry, id) => handleInboxEntry(app, entry, id, { vaultBaseUrl: vault.publicBaseUrl }),
    log: app.log.child({ component: 'device-inbox' }),
  });
  app.addHook('onReady', async () => {
    await consumer.start();
  });
  app.addHook('preClose', async () => {
    await consumer.stop().catch((err: unknown) => app.log.warn({ err }, 'device inbox consumer did not stop cleanly'));
  });
});
