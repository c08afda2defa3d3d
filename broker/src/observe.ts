import type { EventEmitter } from 'node:events';
import type { Aedes, Client } from 'aedes';
import type { Logger } from 'pino';
import { identityFields } from './hooks.ts';
import type { SessionRegistry } from './sessions.ts';

/** MQTT 5.0 DISCONNECT reason "Administrative action" (kick raced the CONNECT check). */
const ADMINISTRATIVE_ACTION = 0x98;

function remoteOf(client: Client): string | undefined {
  const conn = client.conn as { remoteAddress?: string } | undefined;
  return conn?.remoteAddress;
}

/**
 * Session bookkeeping and structured logs (docs/architecture.md §3.12) for one Aedes instance:
 * every line carries the client id and, for devices, the player key and certificate serial.
 */
export function observeBroker(broker: Aedes, sessions: SessionRegistry, logger: Logger): void {
  const fields = (client: Client) => ({ clientId: client.id, ...identityFields(sessions.identityOf(client)) });

  broker.on('client', (client) => {
    if (sessions.register(client)) return;
    // docs/device-protocol.md §1 (ours): the kick arrived while this CONNECT was being checked.
    logger.info(fields(client), 'session kicked during connect; closing');
    client.disconnect({ reasonCode: ADMINISTRATIVE_ACTION });
  });
  broker.on('clientReady', (client) => {
    logger.info({ ...fields(client), remote: remoteOf(client), protocol: client.version }, 'client connected');
  });
  broker.on('clientDisconnect', (client) => {
    sessions.unregister(client);
    logger.info(fields(client), 'client disconnected');
  });
  // A dying connection fails every pending write with its own error: log the first one per client.
  const errored = new WeakSet<Client>();
  broker.on('clientError', (client, err) => {
    const level = errored.has(client) ? 'debug' : 'warn';
    errored.add(client);
    logger[level]({ ...fields(client), err: err.message }, 'client error');
  });
  broker.on('connectionError', (client, err) => {
    logger.info({ remote: remoteOf(client), err: err.message }, 'connection refused or failed');
  });
  broker.on('keepaliveTimeout', (client) => {
    logger.info(fields(client), 'keepalive timeout');
  });
  // Persistence failures surface as 'error' on the instance (not in Aedes' typed event list).
  const emitter: EventEmitter = broker;
  emitter.on('error', (err: unknown) => {
    logger.error({ err }, 'broker error');
  });
}
