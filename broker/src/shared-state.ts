/// <reference path="./aedes-persistence-redis.d.ts" />
import type { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { AedesOptions } from 'aedes';
import AsyncRedisPersistence from 'aedes-persistence-redis/asyncPersistence.js';
import { Redis } from 'ioredis';
import MQEmitterRedis from 'mqemitter-redis';
import type { Logger } from 'pino';
import type { BrokerConfig } from './config.ts';

/**
 * Persistence keys live under this prefix so they never meet the platform's own `makapix:*` keys
 * (the engine names its keys `retained`, `clients`, `will:…`).
 */
export const PERSISTENCE_KEY_PREFIX = 'makapix:mqtt:';

export interface AedesBackends {
  /** Spread into the Aedes options (empty for the in-memory default). */
  options: Pick<AedesOptions, 'mq' | 'persistence'>;
  /** The emitter, for listeners that must run before Aedes' own (see takeover.ts); null in memory. */
  mq: MQEmitterRedis.MQEmitterRedis | null;
  /** Aedes closes the emitter itself; the persistence connection is closed here. */
  close(): Promise<void>;
}

/**
 * Where one Aedes instance keeps its state (README "Several brokers"). `memory`: Aedes' defaults,
 * everything in this process. `redis`: Aedes' own engines — mqemitter-redis carries every publish,
 * `$SYS` takeover and subscription broadcast to all brokers on REDIS_URL (Redis pub/sub), and
 * aedes-persistence-redis holds retained messages, persistent sessions' subscriptions and offline
 * queues, and wills — so any broker process on any machine serves any device.
 */
export function createAedesBackends(config: Pick<BrokerConfig, 'sharedState' | 'redis'>, logger: Logger): AedesBackends {
  if (config.sharedState === 'memory') return { options: {}, mq: null, close: async () => undefined };
  // Aedes' in-memory emitter matches `a/#` on `a` too; MQTT requires it [MQTT-4.7.1-3].
  const mq = new (MQEmitterRedis as unknown as MQEmitterRedis.MQEmitterRedis)({
    connectionString: config.redis.url,
    matchEmptyLevels: true,
    concurrency: 100,
  });
  const conn = new Redis(config.redis.url, { keyPrefix: PERSISTENCE_KEY_PREFIX });
  conn.on('error', (err) => logger.warn({ err }, 'broker state (Redis) connection error'));
  // mqemitter-redis reports connection errors on `state` (untyped); unheard, they would crash the process.
  (mq as unknown as { state: EventEmitter }).state.on('error', (err: unknown) => logger.warn({ err }, 'broker emitter (Redis) connection error'));
  const persistence = new StreamingRedisPersistence({ conn });
  return {
    options: { mq, persistence },
    mq,
    close: () => persistence.destroy(),
  };
}

/**
 * aedes-persistence-redis 11 returns async generators where Aedes 2.0.0-beta.1 pipes Node streams
 * (its own in-memory persistence returns `Readable.from(…)`): same data, wrapped.
 */
class StreamingRedisPersistence extends AsyncRedisPersistence {
  override createRetainedStreamCombi(patterns: string[]) {
    return Readable.from(super.createRetainedStreamCombi(patterns));
  }

  override outgoingStream(client: unknown) {
    return Readable.from(super.outgoingStream(client));
  }

  override streamWill(brokers: unknown) {
    return Readable.from(super.streamWill(brokers));
  }

  override getClientList(topic: string) {
    return Readable.from(super.getClientList(topic));
  }
}

