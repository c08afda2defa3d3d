import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { type HubMessage, hubMessageSchema } from '@makapix/protocol';
import { NOTIFICATION_CHANNEL_PREFIX, notificationChannel } from './present.ts';

export type HubListener = (message: HubMessage) => void;

/**
 * Fans notifications out to the SSE clients of this api process (docs/product.md §4 "live over SSE"). One
 * dedicated Redis subscriber connection per process, subscribed to a member's channel while at
 * least one of their streams is open here, whichever process stored the notification.
 */
export class NotificationHub {
  private readonly listeners = new Map<number, Set<HubListener>>();

  constructor(
    private readonly subscriber: Redis,
    private readonly log: FastifyBaseLogger,
  ) {
    subscriber.on('message', (channel: string, raw: string) => this.dispatch(channel, raw));
    subscriber.on('error', (err) => log.warn({ err }, 'notification subscriber error'));
  }

  /** Starts delivering the member's messages to `listener`; resolves once Redis confirmed the subscription. */
  async add(userId: number, listener: HubListener): Promise<() => Promise<void>> {
    let set = this.listeners.get(userId);
    const first = !set;
    if (!set) {
      set = new Set();
      this.listeners.set(userId, set);
    }
    set.add(listener);
    if (first) await this.subscriber.subscribe(notificationChannel(userId));
    let removed = false;
    return async () => {
      if (removed) return;
      removed = true;
      const current = this.listeners.get(userId);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) {
        this.listeners.delete(userId);
        // Commands on one connection run in order, so a re-subscribe issued after this wins.
        await this.subscriber.unsubscribe(notificationChannel(userId)).catch((err) => this.log.warn({ err }, 'unsubscribe failed'));
      }
    };
  }

  /** Members with a live stream on this process (for tests and diagnostics). */
  get subscribedMembers(): number {
    return this.listeners.size;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }

  private dispatch(channel: string, raw: string): void {
    if (!channel.startsWith(NOTIFICATION_CHANNEL_PREFIX)) return;
    const userId = Number(channel.slice(NOTIFICATION_CHANNEL_PREFIX.length));
    const set = this.listeners.get(userId);
    if (!set) return;
    let message: HubMessage;
    try {
      message = hubMessageSchema.parse(JSON.parse(raw));
    } catch (err) {
      this.log.warn({ err, channel }, 'malformed notification message');
      return;
    }
    for (const listener of set) listener(message);
  }
}
