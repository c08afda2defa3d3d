import { DEVICE_INBOX_GROUP, DEVICE_INBOX_STREAM, type DeviceInboxEntry, parseDeviceInboxEntry } from '@makapix/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { PlayerLanes } from './player-order.ts';

/**
 * Reads the device inbox stream (packages/protocol broker-bridge.ts) through its consumer group, so
 * every entry goes to exactly one consumer however many api processes run. An entry is XACKed only
 * after its handler finished; entries of a consumer that died (or whose handler failed) become idle
 * and are taken over by a live consumer with XAUTOCLAIM, so none is lost.
 *
 * Entries are handled concurrently, up to `concurrency` in hand at once, and the next read is issued
 * as soon as one finishes: a slow entry (a large query_posts) holds up only its own player's later
 * entries, never the whole batch it came in (docs/device-protocol.md §5: the device times out after 10 s).
 */
export interface InboxConsumerOptions {
  /** Connection for non-blocking commands; a duplicate is opened for the blocking XREADGROUP. */
  redis: Redis;
  /** Unique per process (several consumers in one group must never share a name). */
  consumerName: string;
  /** Pending entries idle longer than this are reclaimed from their consumer. */
  claimIdleMs: number;
  /** Handles one entry; `id` is its stream id (the broker's order). */
  handle: (entry: DeviceInboxEntry, id: string) => Promise<void>;
  log: FastifyBaseLogger;
  /** Entries read and not yet finished, at most (default 32). */
  concurrency?: number;
  blockMs?: number;
  /** A message delivered this many times without success is dropped (logged), not retried forever. */
  maxDeliveries?: number;
}

type RawEntry = [id: string, fields: string[]];

const CONSUMER_GC_INTERVAL_MS = 60_000;
/** Consumers with nothing pending and idle this long belong to processes that are gone. */
const CONSUMER_GC_IDLE_MS = 60 * 60_000;

export class DeviceInboxConsumer {
  private reader: Redis | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly concurrency: number;
  private readonly blockMs: number;
  private readonly maxDeliveries: number;
  private readonly claimEveryMs: number;
  private nextGcAt = 0;
  /** Stream ids read (or reclaimed) by this consumer and not finished yet. */
  private readonly inHand = new Set<string>();
  /** Entries in hand that another consumer took over meanwhile (we stalled past claimIdleMs). */
  private readonly lost = new Set<string>();
  private readonly lanes = new PlayerLanes();
  private wakeReader: (() => void) | null = null;
  private leaseTimer: NodeJS.Timeout | null = null;
  private renewing = false;

  constructor(private readonly opts: InboxConsumerOptions) {
    this.concurrency = opts.concurrency ?? 32;
    this.blockMs = opts.blockMs ?? 5_000;
    this.maxDeliveries = opts.maxDeliveries ?? 5;
    this.claimEveryMs = Math.max(50, Math.min(5_000, Math.floor(opts.claimIdleMs / 2)));
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.ensureGroup();
    const reader = this.opts.redis.duplicate();
    reader.on('error', (err) => this.opts.log.warn({ err }, 'device inbox reader connection error'));
    this.reader = reader;
    this.running = true;
    this.leaseTimer = setInterval(() => void this.renewLease(), Math.max(20, Math.floor(this.opts.claimIdleMs / 4)));
    this.loop = this.run(reader);
    this.opts.log.info({ consumer: this.opts.consumerName, concurrency: this.concurrency }, 'device inbox consumer started');
  }

  /** Stops reading, lets the entries in hand finish, and leaves the group if nothing is pending. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wakeReader?.();
    this.reader?.disconnect();
    await this.loop;
    await this.lanes.idle();
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    this.leaseTimer = null;
    this.loop = null;
    this.reader = null;
    const mine = (await this.opts.redis.xpending(DEVICE_INBOX_STREAM, DEVICE_INBOX_GROUP, '-', '+', 1, this.opts.consumerName)) as unknown[];
    if (mine.length === 0) await this.opts.redis.xgroup('DELCONSUMER', DEVICE_INBOX_STREAM, DEVICE_INBOX_GROUP, this.opts.consumerName);
  }

  /** Group from the start of the stream, so messages appended before any api ran are handled too. */
  private async ensureGroup(): Promise<void> {
    try {
      await this.opts.redis.xgroup('CREATE', DEVICE_INBOX_STREAM, DEVICE_INBOX_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('BUSYGROUP'))) throw err;
    }
  }

  private get capacity(): number {
    return this.concurrency - this.inHand.size;
  }

  /** Resolves when an entry in hand finishes (capacity freed), on stop, or after `ms`. */
  private waitForCapacity(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wakeReader === done) this.wakeReader = null;
        resolve();
      };
      const timer = setTimeout(done, Math.max(10, ms));
      this.wakeReader = done;
    });
  }

  private async run(reader: Redis): Promise<void> {
    let nextClaimAt = 0;
    while (this.running) {
      try {
        if (Date.now() >= nextClaimAt) {
          await this.reclaim();
          nextClaimAt = Date.now() + this.claimEveryMs;
        }
        if (this.capacity <= 0) {
          await this.waitForCapacity(nextClaimAt - Date.now());
          continue;
        }
        const block = Math.max(10, Math.min(this.blockMs, nextClaimAt - Date.now()));
        const reply = (await reader.xreadgroup(
          'GROUP', DEVICE_INBOX_GROUP, this.opts.consumerName,
          'COUNT', this.capacity, 'BLOCK', block,
          'STREAMS', DEVICE_INBOX_STREAM, '>',
        )) as [string, RawEntry[]][] | null;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length > 0) await this.dispatch(entries);
      } catch (err) {
        if (!this.running) break;
        if (err instanceof Error && err.message.startsWith('NOGROUP')) {
          // The stream or group was deleted under us (e.g. a flushed Redis): recreate and go on.
          await this.ensureGroup().catch(() => undefined);
          continue;
        }
        this.opts.log.error({ err }, 'device inbox read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  /** Takes over entries idle longer than claimIdleMs (their consumer died or their handler failed). */
  private async reclaim(): Promise<void> {
    const { redis, consumerName, claimIdleMs } = this.opts;
    let start = '0-0';
    while (this.running && this.capacity > 0) {
      const [next, claimed] = (await redis.xautoclaim(
        DEVICE_INBOX_STREAM, DEVICE_INBOX_GROUP, consumerName, claimIdleMs, start, 'COUNT', this.capacity,
      )) as [string, (RawEntry | null)[], string[]?];
      start = next;
      // Our own entries still in hand come back here only if we stalled: they are already running.
      const live = claimed.filter((e): e is RawEntry => e !== null && !this.inHand.has(e[0]));
      if (live.length > 0) {
        this.opts.log.info({ count: live.length }, 'reclaimed idle device inbox entries');
        await this.dispatch(await this.dropPoison(live));
      }
      if (start === '0-0') break;
    }
    if (Date.now() >= this.nextGcAt) {
      this.nextGcAt = Date.now() + CONSUMER_GC_INTERVAL_MS;
      await this.forgetDeadConsumers();
    }
  }

  private async dropPoison(entries: RawEntry[]): Promise<RawEntry[]> {
    const keep: RawEntry[] = [];
    for (const entry of entries) {
      const [info] = (await this.opts.redis.xpending(DEVICE_INBOX_STREAM, DEVICE_INBOX_GROUP, entry[0], entry[0], 1)) as [string, string, number, number][];
      if (info && info[3] > this.maxDeliveries) {
        this.opts.log.error({ id: entry[0], deliveries: info[3] }, 'device inbox entry failed too often; dropped');
        await this.opts.redis.xack(DEVICE_INBOX_STREAM, DEVICE_INBOX_GROUP, entry[0]);
      } else keep.push(entry);
    }
    return keep;
  }

  private async forgetDeadConsumers(): Promise<void> {
    const consumers = (await this.opts.redis.xinfo('CONSUMERS', DEVICE_INBOX_STREAM, DEVICE_INBOX_GROUP)) as unknown[][];
    for (const fields of consumers) {
      const info: Record<string, unknown> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) info[String(fields[i])] = fields[i + 1];
      const name = String(info.name);
      if (name !== this.opts.consumerName && Number(info.pending) === 0 && Number(info.idle) > CONSUMER_GC_IDLE_MS) {
        await this.opts.redis.xgroup('DELCONSUMER', DEVICE_INBOX_STREAM, DEVICE_INBOX_GROUP, name);
      }
    }
  }

  /**
   * Keeps the entries in hand from looking idle (XCLAIM to ourselves resets their idle time), so a
   * live consumer working through slow entries is never taken for a dead one. Entries another
   * consumer already reclaimed (we stalled past claimIdleMs) are marked lost and not renewed.
   */
  private async renewLease(): Promise<void> {
    if (this.renewing || this.inHand.size === 0) return;
    this.renewing = true;
    try {
      const { redis, consumerName } = this.opts;
      const snapshot = [...this.inHand];
      const owned = (await redis.xpending(DEVICE_INBOX_STREAM, DEVICE_INBOX_GROUP, '-', '+', 10_000, consumerName)) as [string, ...unknown[]][];
      const mine = new Set(owned.map((e) => e[0]));
      // Finished meanwhile (acked, so no longer pending) is not lost: only what is still in hand.
      for (const id of snapshot) if (!mine.has(id) && this.inHand.has(id)) this.lost.add(id);
      const renew = snapshot.filter((id) => mine.has(id));
      if (renew.length > 0) await redis.xclaim(DEVICE_INBOX_STREAM, DEVICE_INBOX_GROUP, consumerName, 0, ...renew, 'JUSTID');
    } catch (err) {
      this.opts.log.warn({ err }, 'device inbox lease renewal failed');
    } finally {
      this.renewing = false;
    }
  }

  /**
   * Hands each entry to its player's lane (one player's entries in stream order, a status online
   * then its offline must not swap; different players in parallel) without waiting for them.
   */
  private async dispatch(entries: RawEntry[]): Promise<void> {
    const invalid: string[] = [];
    for (const [id, fields] of entries) {
      const parsed = parseDeviceInboxEntry(fields);
      if (!parsed.success) {
        this.opts.log.warn({ id, issues: parsed.error.issues.slice(0, 3) }, 'malformed device inbox entry dropped');
        invalid.push(id);
        continue;
      }
      this.inHand.add(id);
      void this.lanes.run(parsed.data.player_key, () => this.handleOne(id, parsed.data));
    }
    if (invalid.length > 0) await this.opts.redis.xack(DEVICE_INBOX_STREAM, DEVICE_INBOX_GROUP, ...invalid);
  }

  /** Never rejects: a failure leaves the entry pending, to be reclaimed and retried once idle. */
  private async handleOne(id: string, entry: DeviceInboxEntry): Promise<void> {
    try {
      // Another consumer took it over while it waited in the lane: it is theirs to handle now.
      if (this.lost.has(id)) return;
      try {
        await this.opts.handle(entry, id);
      } catch (err) {
        this.opts.log.error({ err, id, playerKey: entry.player_key, kind: entry.kind }, 'device inbox handler failed');
        return;
      }
      await this.opts.redis.xack(DEVICE_INBOX_STREAM, DEVICE_INBOX_GROUP, id);
    } catch (err) {
      this.opts.log.warn({ err, id }, 'device inbox ack failed; the entry will be reclaimed');
    } finally {
      this.inHand.delete(id);
      this.lost.delete(id);
      this.wakeReader?.();
    }
  }
}
