import type { Aedes, Client } from 'aedes';
import type { Logger } from 'pino';

/** Aedes 2 internals used below (public methods, undeclared in its typings, and one private set). */
interface AedesSessionInternals {
  id: string;
  clients: Record<string, Client | undefined>;
  clearSessionExpiry(clientId: string): void;
  clearDelayedWill(clientId: string): void;
  /** Ids whose old connection is being replaced: its close keeps the session the new one resumes. */
  _takingOver: Set<string>;
}

interface NewClientsEmitter {
  on(topic: string, listener: (message: { topic: string; payload?: unknown }, done: () => void) => void): unknown;
}

/** Which connection owns a client id, fleet-wide (a short-lived Redis key per client id). */
export const sessionOwnerKey = (clientId: string) => `makapix:broker:session-owner:${clientId}`;
/** Longer than any takeover takes; a key that expired only means "no newer connection". */
const OWNER_TTL_S = 3600;

export interface OwnershipRedis {
  set(key: string, value: string, mode: 'EX', seconds: number): Promise<unknown>;
  get(key: string): Promise<string | null>;
}

/**
 * docs/device-protocol.md §3 / README "Several brokers": a device that reconnects — to this broker or any other —
 * takes over its client id, and the old connection's last will (status offline) must not reach the
 * handlers, since the device is online. Aedes publishes the will of a taken-over connection (MQTT
 * 5.0 §3.1.3.2.2 with no will delay), so every accepted device connection records itself as the owner
 * of its client id before its CONNACK, and a will whose connection is no longer the owner is dropped.
 */
export class SessionOwnership {
  private readonly tokens = new WeakMap<Client, string>();
  private counter = 0;

  constructor(
    private readonly redis: OwnershipRedis,
    private readonly instanceId: string,
    private readonly logger: Logger,
  ) {}

  /** Marks `client` as the owner of its id; a Redis failure only costs the will suppression. */
  async claim(client: Client): Promise<void> {
    const token = `${this.instanceId}:${++this.counter}`;
    this.tokens.set(client, token);
    try {
      await this.redis.set(sessionOwnerKey(client.id), token, 'EX', OWNER_TTL_S);
    } catch (err) {
      this.logger.warn({ err, clientId: client.id }, 'could not record the session owner');
    }
  }

  /** True when a newer connection has taken over `client`'s id (on any broker). */
  async superseded(client: Client): Promise<boolean> {
    const token = this.tokens.get(client);
    if (token === undefined) return false;
    try {
      const owner = await this.redis.get(sessionOwnerKey(client.id));
      return owner !== null && owner !== token;
    } catch (err) {
      this.logger.warn({ err, clientId: client.id }, 'could not read the session owner; the will is published');
      return false;
    }
  }
}

/**
 * Cross-broker takeover (shared state only). Aedes announces each new connection on
 * `$SYS/{brokerId}/new/clients`; another broker holding the same id closes its connection there, but
 * its session-expiry and will-delay timers are local: left alone they would later wipe the session
 * the other broker is serving now (MQTT 5 persistent sessions), or publish a will. Registered on the
 * emitter before Aedes' own listener, so the id is marked as being taken over before the close starts.
 */
export function watchRemoteTakeovers(mq: NewClientsEmitter, brokerRef: () => Aedes | undefined, logger: Logger): void {
  mq.on('$SYS/+/new/clients', (message, done) => {
    const broker = brokerRef() as unknown as AedesSessionInternals | undefined;
    const serverId = message.topic.split('/')[1];
    const clientId = Buffer.isBuffer(message.payload) ? message.payload.toString('utf8') : String(message.payload ?? '');
    if (!broker || serverId === broker.id || clientId === '') return done();
    broker.clearSessionExpiry(clientId);
    broker.clearDelayedWill(clientId);
    const local = broker.clients[clientId];
    if (local && !local.closed) {
      logger.info({ clientId, to: serverId }, 'session taken over by another broker; closing here');
      broker._takingOver.add(clientId);
      const release = (client: Client) => {
        if (client !== local) return;
        (broker as unknown as Aedes).off('clientDisconnect', release);
        // Aedes schedules the session expiry right after 'clientDisconnect'; release the id after that.
        setImmediate(() => broker._takingOver.delete(clientId));
      };
      (broker as unknown as Aedes).on('clientDisconnect', release);
    }
    done();
  });
}
