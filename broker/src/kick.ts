import { BROKER_KICK_CHANNEL, type KickMessage, parseKickMessage } from '@makapix/protocol';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SessionRegistry } from './sessions.ts';

/** MQTT 5.0 DISCONNECT reason "Administrative action"; v3.1/3.1.1 clients just see the socket close. */
const ADMINISTRATIVE_ACTION = 0x98;

export interface KickDeps {
  sessions: SessionRegistry;
  /** Re-reads the CRL: a revocation usually comes with a new one (docs/device-protocol.md §2.7). */
  reloadCrl: () => Promise<unknown>;
  logger: Logger;
}

/** Closes every live session the message names; returns how many were closed. */
export function applyKick(message: KickMessage, deps: KickDeps): number {
  deps.sessions.noteKick(message.player_key, message.serial);
  const clients = deps.sessions.sessionsOf(message.player_key, message.serial);
  for (const client of clients) client.disconnect({ reasonCode: ADMINISTRATIVE_ACTION });
  deps.logger.info(
    { playerKey: message.player_key, reason: message.reason, serial: message.serial, closed: clients.length },
    'kick applied',
  );
  void deps.reloadCrl().catch((err: unknown) => deps.logger.error({ err }, 'CRL reload after kick failed'));
  return clients.length;
}

export interface KickListener {
  close(): Promise<void>;
}

/**
 * docs/device-protocol.md §1 (ours): revoking a player, banning its owner or deleting it disconnects its live
 * session within 2 seconds. The api publishes on `makapix:broker:kick` (publishKick); every broker
 * instance listens, so the session is cut wherever it lives.
 */
export async function startKickListener(redisUrl: string, deps: KickDeps, timeoutMs = 10_000): Promise<KickListener> {
  const subscriber = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
  subscriber.on('error', (err) => deps.logger.warn({ err }, 'kick subscriber connection error'));
  subscriber.on('message', (channel: string, raw: string) => {
    if (channel !== BROKER_KICK_CHANNEL) return;
    const message = parseKickMessage(raw);
    if (!message) {
      deps.logger.warn({ raw: raw.slice(0, 200) }, 'ignoring malformed kick message');
      return;
    }
    applyKick(message, deps);
  });
  const subscribed = (async () => {
    await subscriber.connect();
    await subscriber.subscribe(BROKER_KICK_CHANNEL);
  })();
  subscribed.catch(() => undefined); // a late failure after the timeout must not go unhandled
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`could not subscribe to ${BROKER_KICK_CHANNEL} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([subscribed, timeout]);
  } catch (err) {
    subscriber.disconnect();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return {
    async close() {
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
