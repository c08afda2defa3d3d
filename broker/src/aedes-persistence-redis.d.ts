// aedes-persistence-redis ships no types. Aedes 2 needs the async class (its default export wraps it
// in the callback API Aedes 1 used), so only that file is declared.
declare module 'aedes-persistence-redis/asyncPersistence.js' {
  import type { Redis, RedisOptions } from 'ioredis';

  interface AsyncRedisPersistenceOptions extends RedisOptions {
    /** A connection of the caller's (its error listener, key prefix). */
    conn?: Redis;
    /** Offline messages delivered on CONNECT (default 1000). */
    maxSessionDelivery?: number;
    /** Seconds an offline message is kept (0 = until delivered). */
    packetTTL?: (packet: unknown) => number;
  }

  export default class AsyncRedisPersistence {
    constructor(options?: AsyncRedisPersistenceOptions);
    setup(broker: unknown): Promise<void>;
    createRetainedStreamCombi(patterns: string[]): AsyncIterable<unknown>;
    outgoingStream(client: unknown): AsyncIterable<unknown>;
    streamWill(brokers: unknown): AsyncIterable<unknown>;
    getClientList(topic: string): Iterable<string> | AsyncIterable<string>;
    destroy(): Promise<void>;
  }
}
