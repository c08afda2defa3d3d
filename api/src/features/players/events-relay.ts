import { ownerIdOfPlayerEventsChannel, parsePlayerEvent, type PlayerEvent, playerEventsChannel } from '@makapix/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';

type Listener = (event: PlayerEvent) => void;

interface OwnerEntry {
  listeners: Set<Listener>;
  /** Resolves once Redis confirmed the SUBSCRIBE, so no event published afterwards is missed. */
  ready: Promise<unknown>;
}

/**
 * Relays the owners' player-events channels (packages/protocol player-events.ts) to the SSE streams
 * of this process over ONE subscriber connection, opened on first use. A channel is subscribed
 * while at least one stream of its owner is open.
 */
export class PlayerEventsRelay {
  private subscriber: Redis | null = null;
  private readonly owners = new Map<number, OwnerEntry>();

  constructor(
    private readonly source: Redis,
    private readonly log: FastifyBaseLogger,
  ) {}

  private connection(): Redis {
    if (this.subscriber) return this.subscriber;
    const sub = this.source.duplicate();
    sub.on('error', (err) => this.log.warn({ err }, 'player-events subscriber error'));
    sub.on('message', (channel: string, raw: string) => this.dispatch(channel, raw));
    this.subscriber = sub;
    return sub;
  }

  private dispatch(channel: string, raw: string): void {
    const ownerId = ownerIdOfPlayerEventsChannel(channel);
    const entry = ownerId === null ? undefined : this.owners.get(ownerId);
    if (!entry) return;
    const event = parsePlayerEvent(raw);
    if (!event) {
      this.log.warn({ channel, raw: raw.slice(0, 200) }, 'ignoring malformed player event');
      return;
    }
    for (const listener of entry.listeners) listener(event);
  }

  /** Resolves (subscribed) to the function that removes the listener again. */
  async subscribe(ownerId: number, listener: Listener): Promise<() => void> {
    const sub = this.connection();
    const channel = playerEventsChannel(ownerId);
    let entry = this.owners.get(ownerId);
    if (!entry) {
      const created: OwnerEntry = { listeners: new Set(), ready: Promise.resolve() };
      created.ready = sub.subscribe(channel).catch((err: unknown) => {
        if (this.owners.get(ownerId) === created) this.owners.delete(ownerId);
        throw err;
      });
      this.owners.set(ownerId, created);
      entry = created;
    }
    const mine = entry;
    mine.listeners.add(listener);
    await mine.ready;
    return () => {
      mine.listeners.delete(listener);
      if (mine.listeners.size > 0 || this.owners.get(ownerId) !== mine) return;
      this.owners.delete(ownerId);
      sub.unsubscribe(channel).catch((err: unknown) => this.log.warn({ err, channel }, 'player-events unsubscribe failed'));
    };
  }

  async close(): Promise<void> {
    this.owners.clear();
    const sub = this.subscriber;
    this.subscriber = null;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }
}
