/**
 * Micro-cache of the serialized public feed pages that visitors read (recent, promoted, hashtag).
 *
 * Every visitor gets the same bytes for the same URL, and the front page is by far the most read
 * endpoint: answering it from memory for a short time (FEED_CACHE_TTL_MS, 1 s by default) turns a
 * burst of identical requests into one database round trip per second per api process, and skips
 * the response serializer too. Members never go through it: their pages depend on blocks, opt-ins
 * and role, so they are always built fresh. The cost is that a visitor may see a feed up to one TTL
 * old; nothing a visitor can do changes a feed, so they never miss their own writes.
 *
 * Concurrent misses for one key share a single computation (no stampede on expiry), and the number
 * of keys is bounded (query strings are attacker-controlled), dropping the oldest entry first.
 */
export interface PageCacheOptions {
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

interface Entry {
  body: Buffer;
  expiresAt: number;
}

export class PageCache {
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<Buffer>>();
  readonly #now: () => number;

  constructor(private readonly opts: PageCacheOptions) {
    this.#now = opts.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.opts.ttlMs > 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The fresh cached body for `key`, if any (the hot path: no promise, no allocation). */
  peek(key: string): Buffer | undefined {
    const hit = this.#entries.get(key);
    return hit && hit.expiresAt > this.#now() ? hit.body : undefined;
  }

  /** The cached body for `key`, or the body `build` produces (then kept for one TTL). */
  async get(key: string, build: () => Promise<Buffer>): Promise<Buffer> {
    const hit = this.peek(key);
    if (hit) return hit;
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const work = build()
      .then((body) => {
        this.#store(key, body);
        return body;
      })
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, work);
    return work;
  }

  #store(key: string, body: Buffer): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.opts.maxEntries) {
      // Map iteration follows insertion order: the first key is the oldest entry.
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { body, expiresAt: this.#now() + this.opts.ttlMs });
  }
}
