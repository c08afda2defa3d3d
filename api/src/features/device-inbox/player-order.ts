import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Several api processes share the inbox, so two messages of one player can be handled at the same
 * time by different processes, and the older one can finish last (e.g. a status online and the
 * last will right after it). Snapshot messages (status, capabilities, state) are therefore applied
 * under a short per-player lock, and one older than the last applied message of its kind (by stream
 * id, which is the broker's order) is skipped as superseded.
 */
const LOCK_TTL_MS = 5_000;
const LOCK_WAIT_MS = 10_000;
const SEQ_TTL_SECONDS = 24 * 3600;

// Deletes the lock only if we still hold it (a lock that expired and was taken over is left alone).
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Stream ids are `<ms>-<seq>`; compares them numerically. */
export function compareStreamIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const d = BigInt(am) - BigInt(bm) || BigInt(as) - BigInt(bs);
  return d === 0n ? 0 : d > 0n ? 1 : -1;
}

export async function applyInStreamOrder<T>(
  redis: Redis,
  playerKey: string,
  kind: string,
  entryId: string,
  apply: () => Promise<T>,
): Promise<{ applied: true; result: T } | { applied: false }> {
  const lockKey = `makapix:inbox-lock:${playerKey}`;
  const seqKey = `makapix:inbox-seq:${playerKey}:${kind}`;
  const token = randomUUID();
  const deadline = Date.now() + LOCK_WAIT_MS;
  while ((await redis.set(lockKey, token, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') {
    if (Date.now() > deadline) throw new Error(`player ${playerKey} stayed locked`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  try {
    const last = await redis.get(seqKey);
    if (last !== null && compareStreamIds(entryId, last) <= 0) return { applied: false };
    const result = await apply();
    await redis.set(seqKey, entryId, 'EX', SEQ_TTL_SECONDS);
    return { applied: true, result };
  } finally {
    await redis.eval(RELEASE, 1, lockKey, token);
  }
}

/**
 * In one process: runs the tasks of one key (player) one after another in submission order, tasks
 * of different keys concurrently. The inbox consumer hands each entry to its player's lane, so a
 * status online and the last will right after it are applied in stream order here, and a slow
 * entry holds up only its own player. Tasks must not reject (the consumer's handler catches).
 */
export class PlayerLanes {
  private readonly tails = new Map<string, Promise<void>>();

  run(key: string, task: () => Promise<void>): Promise<void> {
    const done = (this.tails.get(key) ?? Promise.resolve()).then(task);
    const tail = done.then(noop, noop);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return done;
  }

  /** Keys with queued or running work. */
  get busyKeys(): number {
    return this.tails.size;
  }

  /** Resolves once every task submitted so far has finished. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}

const noop = () => undefined;
