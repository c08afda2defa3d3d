import type { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import type net from 'node:net';
import type tls from 'node:tls';
import { startHeartbeat } from '@makapix/protocol';
import { Aedes } from 'aedes';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { DeviceInboxBridge } from './bridge.ts';
import type { BrokerConfig } from './config.ts';
import { guardConnection } from './connection-guard.ts';
import { CrlStore } from './crl.ts';
import { conformanceHooks, type ListenerKind, platformHooks } from './hooks.ts';
import { type KickListener, startKickListener } from './kick.ts';
import {
  createMtlsServer,
  createPlainServer,
  endSockets,
  listen,
  secureContextOptions,
  type SocketSet,
  stopAccepting,
  type TlsMaterial,
} from './listeners.ts';
import { FleetConnectionGate } from './fleet-limits.ts';
import { baseAedesOptions, ConnectionRateLimiter, maxPacketBytes } from './limits.ts';
import { observeBroker } from './observe.ts';
import { PlayerAccess } from './player-access.ts';
import { markRedeliveries } from './redelivery.ts';
import { SessionRegistry } from './sessions.ts';
import { type AedesBackends, createAedesBackends } from './shared-state.ts';
import { SessionOwnership, watchRemoteTakeovers } from './takeover.ts';

export interface BrokerPorts {
  mtls: number;
  internal: number;
  conformance: number | null;
}

export interface BrokerServer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Bound ports, valid after start() (configured port 0 = a free port). */
  readonly ports: BrokerPorts;
  readonly sessions: SessionRegistry;
}

interface Listener {
  server: net.Server;
  sockets: SocketSet;
}

/** Everything start() opened; stop() closes what exists, so a failed start cleans up too. */
interface Resources {
  crl?: CrlStore;
  access?: PlayerAccess;
  redis?: Redis;
  bridge?: DeviceInboxBridge;
  backends?: AedesBackends;
  gate?: FleetConnectionGate;
  brokers: Aedes[];
  kick?: KickListener;
  pruner?: NodeJS.Timeout;
  listeners: Listener[];
  stopHeartbeat?: () => Promise<void>;
}

const closeBroker = (broker: Aedes) => new Promise<void>((resolve) => broker.close(() => resolve()));

/**
 * The broker process (docs/architecture.md §3.7): connection policy only — mTLS identity,
 * ACL, limits, revocation and kick — with every accepted device message handed to the handlers
 * through the Redis stream bridge. Used by main.ts and by the integration tests.
 */
export function createBrokerServer(config: BrokerConfig, logger: Logger): BrokerServer {
  const ports: BrokerPorts = { mtls: 0, internal: 0, conformance: null };
  const sessions = new SessionRegistry();
  let res: Resources | undefined;
  // Every socket passes the MQTT rules (connection-guard.ts) before Aedes reads a byte of it.
  const handle = (broker: Aedes, socket: net.Socket) => {
    guardConnection(socket, { maxFrameBytes: maxPacketBytes(config.limits.maxPayloadBytes), logger });
    broker.handle(socket);
  };

  async function open(r: Resources): Promise<void> {
    const material: TlsMaterial = {
      keyPem: await readFile(config.mtls.keyFile, 'utf8'),
      certPem: await readFile(config.mtls.certFile, 'utf8'),
      caPem: await readFile(config.mtls.caFile, 'utf8'),
    };
    let mtlsServer: tls.Server | undefined;
    const crl = (r.crl = await CrlStore.open({
      file: config.mtls.crlFile,
      caCertPem: material.caPem,
      pollMs: config.mtls.crlPollMs,
      logger,
      // New handshakes use the new CRL at once; live sessions of revoked serials are cut by kick.
      onChange: (next) => mtlsServer?.setSecureContext(secureContextOptions(material, next.pem)),
    }));

    const access = (r.access = PlayerAccess.open(config.db.url, config.db.poolMax));
    await access.ping();

    const redis = (r.redis = new Redis(config.redis.url, { maxRetriesPerRequest: 3, lazyConnect: true }));
    redis.on('error', (err) => logger.warn({ err }, 'redis connection error'));
    await redis.connect();
    const bridge = (r.bridge = new DeviceInboxBridge(redis, config.instanceId));

    const ownership = new SessionOwnership(redis, config.instanceId, logger);
    const backends = (r.backends = createAedesBackends(config, logger));
    let created: Aedes | undefined;
    if (backends.mq) watchRemoteTakeovers(backends.mq, () => created, logger);

    const listenerKinds = new WeakMap<object, ListenerKind>();
    const broker = (created = await Aedes.createBroker({
      ...baseAedesOptions(config.limits, config.instanceId),
      ...backends.options,
      ...platformHooks({
        sessions,
        listenerOf: (conn) => (conn && typeof conn === 'object' ? listenerKinds.get(conn) : undefined),
        service: { username: config.internal.username, password: config.internal.password },
        bridge,
        maxPayloadBytes: config.limits.maxPayloadBytes,
        serverKeepAliveS: config.limits.serverKeepAliveS,
        isRevokedInCrl: (serial) => crl.isRevoked(serial),
        checkAccess: (key, serial) => access.check(key, serial),
        brokerId: config.instanceId,
        claimSession: (client) => ownership.claim(client),
        willSuperseded: (client) => ownership.superseded(client),
        logger,
      }),
    }));
    r.brokers.push(broker);
    markRedeliveries(broker);
    observeBroker(broker, sessions, logger);

    r.kick = await startKickListener(config.redis.url, { sessions, reloadCrl: () => crl.reload(), logger });

    const limiter = new ConnectionRateLimiter(config.limits.connectionsPerIpPerMinute);
    r.pruner = setInterval(() => limiter.prune(), 60_000);
    r.pruner.unref();
    // One process alone enforces the limits in memory; shared state means several brokers, so the
    // limits are counted for the whole fleet in Redis.
    const gate =
      config.sharedState === 'redis'
        ? (r.gate = new FleetConnectionGate({
            redis,
            instanceId: config.instanceId,
            perIpPerMinute: config.limits.connectionsPerIpPerMinute,
            maxConnections: config.limits.maxConnections,
            local: limiter,
            logger,
          }))
        : { admit: (socket: net.Socket) => limiter.tryAcquire(socket.remoteAddress ?? 'unknown') };

    const mtlsSockets: SocketSet = new Set();
    mtlsServer = createMtlsServer({
      material,
      crlPem: crl.crl.pem,
      handshakeTimeoutMs: config.mtls.handshakeTimeoutMs,
      maxConnections: config.limits.maxConnections,
      gate,
      sockets: mtlsSockets,
      logger,
      onSecureSocket: (socket) => {
        listenerKinds.set(socket, 'mtls');
        handle(broker, socket);
      },
    });
    r.listeners.push({ server: mtlsServer, sockets: mtlsSockets });
    ports.mtls = await listen(mtlsServer, config.mtls.port, config.mtls.host);

    const internalSockets: SocketSet = new Set();
    const internalServer = createPlainServer(internalSockets, (socket) => {
      listenerKinds.set(socket, 'internal');
      handle(broker, socket);
    });
    r.listeners.push({ server: internalServer, sockets: internalSockets });
    ports.internal = await listen(internalServer, config.internal.port, config.internal.host);

    if (config.conformance) ports.conformance = await openConformance(r, config.conformance);

    r.stopHeartbeat = startHeartbeat(redis, 'broker', config.instanceId);
    logger.info({ ports, revoked: crl.crl.serials.size, sharedState: config.sharedState }, 'broker listening');
  }

  /** docs/device-protocol.md §1 conformance mode: its own Aedes instance, so anonymous clients never meet devices. */
  async function openConformance(r: Resources, where: { host: string; port: number }): Promise<number> {
    const broker = await Aedes.createBroker({ ...baseAedesOptions(config.limits, `${config.instanceId}-conformance`), ...conformanceHooks(logger, config.limits.serverKeepAliveS) });
    r.brokers.push(broker);
    markRedeliveries(broker);
    const sockets: SocketSet = new Set();
    const server = createPlainServer(sockets, (socket) => handle(broker, socket));
    r.listeners.push({ server, sockets });
    const port = await listen(server, where.port, where.host);
    logger.warn({ host: where.host, port }, 'conformance listener open: anonymous, no platform ACL');
    return port;
  }

  /**
   * Order matters: stop accepting, close the brokers (v5 clients get DISCONNECT 0x8B; every device's
   * last will goes into the inbox), end sockets still in a handshake, wait for the inbox appends,
   * and only then close Redis and PostgreSQL.
   */
  async function close(r: Resources): Promise<void> {
    const warn = (err: unknown) => logger.warn({ err }, 'error while stopping');
    await r.stopHeartbeat?.().catch(warn);
    const stopped = r.listeners.map(({ server }) => stopAccepting(server));
    for (const broker of r.brokers as EventEmitter[]) {
      // Aedes closes its emitter while the last sessions' bookkeeping may still publish through it
      // (Redis state: "Connection is closed"); expected while stopping, so not an error.
      broker.removeAllListeners('error');
      broker.on('error', (err: unknown) => logger.warn({ err }, 'broker error while stopping'));
    }
    await Promise.all(r.brokers.map(closeBroker));
    for (const { sockets } of r.listeners) endSockets(sockets);
    await Promise.all(stopped);
    await r.bridge?.drain();
    await r.backends?.close().catch(warn);
    await r.gate?.close();
    await r.kick?.close().catch(warn);
    clearInterval(r.pruner);
    r.crl?.close();
    await r.redis?.quit().catch(() => r.redis?.disconnect());
    await r.access?.close().catch(warn);
  }

  return {
    ports,
    sessions,
    async start() {
      if (res) throw new Error('broker already started');
      const r: Resources = { brokers: [], listeners: [] };
      res = r;
      try {
        await open(r);
      } catch (err) {
        res = undefined;
        await close(r);
        throw err;
      }
    },
    async stop() {
      const r = res;
      if (!r) return;
      res = undefined;
      await close(r);
      logger.info('broker stopped');
    },
  };
}
