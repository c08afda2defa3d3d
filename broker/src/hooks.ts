import type { TLSSocket } from 'node:tls';
import type { AedesOptions, AuthenticateError, Client, ConnectPacket, PublishPacket } from 'aedes';
import type { Logger } from 'pino';
import { authorizePublish, authorizeSubscribe, type Identity } from './acl.ts';
import {
  type AuthOutcome,
  authenticateDevice,
  authenticateService,
  type DeviceAuthDeps,
  peerCertificateIdentity,
  ReturnCode,
  type ServiceAccount,
} from './auth.ts';
import type { DeviceInboxBridge } from './bridge.ts';
import { authorizeForward, stripWillOnlyProperties } from './delivery.ts';
import { serverKeepAlive } from './limits.ts';
import type { SessionRegistry } from './sessions.ts';

export type ListenerKind = 'mtls' | 'internal';

/** MQTT 5.0 DISCONNECT reason codes used below (v3.1/3.1.1 clients just see the socket close). */
const UNSPECIFIED_ERROR = 0x80;
const NOT_AUTHORIZED = 0x87;
const PACKET_TOO_LARGE = 0x95;

/**
 * Where a first denied PUBLISH from an MQTT 3.1/3.1.1 client is sent instead. Those protocols cannot
 * report an authorization failure: the server must acknowledge normally or close (MQTT-3.3.5-2). docs/device-protocol.md
 * §4 drops the first denial and disconnects on repeat, so the message is acknowledged and routed to
 * a topic no identity may subscribe to. MQTT 5 clients get PUBACK 0x87 instead.
 */
export const DROPPED_TOPIC = '$makapix/dropped';

export interface PlatformHookDeps extends DeviceAuthDeps {
  sessions: SessionRegistry;
  listenerOf: (conn: unknown) => ListenerKind | undefined;
  service: ServiceAccount;
  bridge: DeviceInboxBridge;
  maxPayloadBytes: number;
  serverKeepAliveS: number;
  /** This Aedes instance's id: a persisted will stamped with another one belongs to a dead broker. */
  brokerId: string;
  /** Records a device connection as the owner of its client id, before its CONNACK (takeover.ts). */
  claimSession: (client: Client) => Promise<void>;
  /** True when a newer connection took over this client id (its last will is dropped). */
  willSuperseded: (client: Client) => Promise<boolean>;
  logger: Logger;
}

class SessionTakenOver extends Error {
  constructor() {
    super('session taken over');
  }
}

interface PendingWill {
  topic: string;
  retain: boolean;
}

function authError(outcome: Extract<AuthOutcome, { ok: false }>): AuthenticateError {
  return Object.assign(new Error(outcome.reason), { returnCode: outcome.returnCode }) as unknown as AuthenticateError;
}

function payloadBytes(payload: Buffer | string): number {
  return typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
}

/** Closes a client for a protocol violation: Aedes closes v3/v4 on a callback error, v5 needs a DISCONNECT. */
function closeAfterError(client: Client, reasonCode: number): void {
  if (client.version === 5) setImmediate(() => client.disconnect({ reasonCode }));
}

/** Aedes hooks for the platform listeners: identity at CONNECT, docs/device-protocol.md §4 ACL, inbox bridge. */
export function platformHooks(deps: PlatformHookDeps): Required<
  Pick<AedesOptions, 'preConnect' | 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'>
> {
  const { sessions, logger } = deps;
  const wills = new WeakMap<Client, PendingWill>();

  const authenticateAs = async (client: Client, username: string | undefined, password: Buffer | undefined): Promise<AuthOutcome> => {
    const listener = deps.listenerOf(client.conn);
    if (listener === 'internal') return authenticateService(deps.service, username, password);
    if (listener !== 'mtls') return { ok: false, returnCode: ReturnCode.NOT_AUTHORIZED, reason: 'unknown listener' };
    const peer = peerCertificateIdentity(client.conn as TLSSocket);
    if ('error' in peer) return { ok: false, returnCode: ReturnCode.NOT_AUTHORIZED, reason: peer.error };
    return authenticateDevice(peer, client.id, deps);
  };

  return {
    // Malformed CONNECT packets never get here: connection-guard.ts refuses them on the socket.
    preConnect(client, packet: ConnectPacket, callback) {
      serverKeepAlive(client, packet, deps.serverKeepAliveS);
      if (packet.will) wills.set(client, { topic: packet.will.topic, retain: packet.will.retain ?? false });
      if (deps.listenerOf(client.conn) === 'mtls') {
        // docs/device-protocol.md §1: the MQTT username of a device is its certificate CN, whatever it sent.
        const peer = peerCertificateIdentity(client.conn as TLSSocket);
        packet.username = 'error' in peer ? undefined : peer.playerKey;
        delete packet.password;
      }
      callback(null, true);
    },

    authenticate(client, username, password, done) {
      const checkedAt = Date.now();
      authenticateAs(client, username, password).then(async (outcome) => {
        const will = wills.get(client);
        if (outcome.ok && will && !authorizePublish(outcome.identity, will.topic, will.retain).allowed) {
          return { ok: false, returnCode: ReturnCode.NOT_AUTHORIZED, reason: `will topic not allowed: ${will.topic}` } satisfies AuthOutcome;
        }
        if (outcome.ok && outcome.identity.kind === 'player') await deps.claimSession(client);
        return outcome;
      }).then((outcome) => {
        const log = { clientId: client.id, remote: client.conn && 'remoteAddress' in client.conn ? client.conn.remoteAddress : undefined };
        if (!outcome.ok) {
          logger.info({ ...log, username, returnCode: outcome.returnCode, reason: outcome.reason }, 'connect refused');
          return done(authError(outcome), false);
        }
        sessions.attach(client, outcome.identity, checkedAt);
        done(null, true);
      }, (err: unknown) => {
        logger.error({ err, clientId: client.id }, 'authentication crashed');
        done(authError({ ok: false, returnCode: ReturnCode.SERVER_UNAVAILABLE, reason: 'internal error' }), false);
      });
    },

    authorizePublish(client, packet: PublishPacket, callback) {
      const willOf = (packet as { brokerId?: unknown }).brokerId;
      if (willOf !== undefined && willOf !== deps.brokerId) {
        // Aedes' sweep publishing the stored will of a broker process that died (shared state). Its
        // certificate is unknown here and the device has most likely reconnected elsewhere already:
        // dropped (and so deleted); a device that stays away is marked offline by the stale sweep.
        logger.info({ topic: packet.topic, deadBroker: String(willOf) }, 'will of a dead broker dropped');
        packet.topic = DROPPED_TOPIC;
        packet.retain = false;
        packet.payload = Buffer.alloc(0);
        return callback(null);
      }
      const identity = sessions.identityOf(client);
      if (!client || !identity) return callback(new Error('not authenticated'));
      // Aedes authorizes a last will after the connection closed (docs/device-protocol.md §3: status offline).
      const isWill = client.closed;
      const fields = { clientId: client.id, ...identityFields(identity), topic: packet.topic };
      if (isWill) stripWillOnlyProperties(packet);
      if (!isWill && identity.kind === 'player' && payloadBytes(packet.payload) > deps.maxPayloadBytes) {
        logger.warn({ ...fields, bytes: payloadBytes(packet.payload) }, 'payload too large; closing');
        callback(new Error('payload too large'));
        return closeAfterError(client, PACKET_TOO_LARGE);
      }
      const decision = authorizePublish(identity, packet.topic, packet.retain);
      if (!decision.allowed) {
        if (isWill) {
          logger.warn({ ...fields, reason: decision.reason }, 'last will denied');
          return callback(new Error('not authorized'));
        }
        const count = sessions.recordDeniedPublish(client);
        logger.warn({ ...fields, reason: decision.reason, retain: packet.retain, count }, 'publish denied');
        if (count >= 2) {
          callback(new Error('not authorized'));
          return closeAfterError(client, NOT_AUTHORIZED);
        }
        if (client.version === 5) return callback(new Error('not authorized'));
        packet.topic = DROPPED_TOPIC;
        packet.retain = false;
        packet.payload = Buffer.alloc(0);
        return callback(null);
      }
      if (identity.kind !== 'player') return callback(null);
      const session = { clientId: client.id, certSerial: identity.certSerial, isWill };
      // The device reconnected (here or on another broker): it is online, its old will is stale.
      const superseded = isWill ? deps.willSuperseded(client) : Promise.resolve(false);
      superseded.then(async (stale) => {
        if (!stale) return deps.bridge.append(packet, session);
        logger.info(fields, 'last will dropped: session taken over');
        throw new SessionTakenOver();
      }).then(
        () => callback(null),
        (err: unknown) => {
          if (err instanceof SessionTakenOver) return callback(err);
          logger.error({ ...fields, err }, 'device inbox append failed; message not acknowledged');
          callback(new Error('server unavailable'));
          if (!isWill) closeAfterError(client, UNSPECIFIED_ERROR);
        },
      );
    },

    authorizeSubscribe(client, subscription, callback) {
      const identity = sessions.identityOf(client);
      if (!identity) return callback(null, null);
      const decision = authorizeSubscribe(identity, subscription.topic);
      if (decision.allowed) return callback(null, subscription);
      logger.warn({ clientId: client.id, ...identityFields(identity), filter: subscription.topic, reason: decision.reason }, 'subscribe denied');
      callback(null, null);
    },

    authorizeForward: authorizeForward(logger),
  };
}

export function identityFields(identity: Identity | undefined): Record<string, string> {
  if (!identity) return {};
  return identity.kind === 'player' ? { playerKey: identity.playerKey, certSerial: identity.certSerial } : { service: identity.username };
}

/** Interoperability suites (Eclipse Paho's among them) expect a test broker to refuse this filter. */
export const NO_SUBSCRIBE_TOPIC = 'test/nosubscribe';

/**
 * docs/device-protocol.md §1 conformance mode: anonymous, no platform ACL, but the same connection guard and
 * MQTT 5 delivery rules (and Aedes' own `$SYS` protection) so conformance suites exercise the
 * production paths. Refuses subscriptions to `test/nosubscribe` (SUBACK 0x80; 0x87 for MQTT 5).
 */
export function conformanceHooks(
  logger: Logger,
  serverKeepAliveS: number,
): Required<Pick<AedesOptions, 'preConnect' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'>> {
  return {
    preConnect(client, packet, callback) {
      serverKeepAlive(client, packet, serverKeepAliveS);
      callback(null, true);
    },
    authorizePublish(client, packet, callback) {
      if (client?.closed) stripWillOnlyProperties(packet);
      if (packet.topic.startsWith('$SYS/')) return callback(new Error('$SYS topic is reserved'));
      callback(null);
    },
    authorizeSubscribe(_client, subscription, callback) {
      callback(null, subscription.topic === NO_SUBSCRIBE_TOPIC ? null : subscription);
    },
    authorizeForward: authorizeForward(logger),
  };
}
