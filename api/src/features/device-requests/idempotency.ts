import { randomUUID } from 'node:crypto';
import type { DeviceResponse } from '@makapix/protocol';
import type { Redis } from 'ioredis';

/**
 * docs/device-protocol.md §5 (ours): a retried request id within 60 s gets the same response again and is not
 * executed twice. The first arrival claims the id (SET NX, atomic in Redis, so this holds across api
 * processes and across MQTT and HTTPS), runs, and replaces the claim with the response; a retry
 * reads the response back.
 *
 * The claim is a short lease renewed while the request runs, not a 60 s marker: a process that dies
 * mid-request stops renewing, its claim lapses within CLAIM_LEASE_MS, and the next delivery (the
 * reclaimed stream entry or a device retry) runs the request again. So a request is executed at
 * most once while its executor lives and answered at least once even when it dies. A crash after
 * the database commit but before the response is stored re-executes; the device requests are
 * idempotent in effect (reactions are, §5), so that costs a second read, not a second side effect.
 */
export const IDEMPOTENCY_TTL_SECONDS = 60;
/** How long a claim outlives its last renewal (a few seconds: how long a crash delays the answer). */
export const CLAIM_LEASE_MS = 5_000;
/** A claim's value is this prefix and the holder's token; a stored response is JSON (`{…}`). */
export const CLAIM_PREFIX = 'processing:';
const RENEW_EVERY_MS = Math.floor(CLAIM_LEASE_MS / 3);
const POLL_MIN_MS = 10;
const POLL_MAX_MS = 200;

// Extends the lease only while we still hold it (a lapsed claim taken over is not ours to extend).
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
// Stores the response over our own claim, or over nothing (our lease lapsed and nobody took over);
// never over another holder's claim or response.
const FINISH = `local v = redis.call('get', KEYS[1])
if v == ARGV[1] or not v then redis.call('set', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1 end
return 0`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export function requestCacheKey(playerKey: string, requestId: string): string {
  return `makapix:device-req:${playerKey}:${requestId}`;
}

export const isClaim = (value: string): boolean => value.startsWith(CLAIM_PREFIX);

export type IdempotentResult =
  | { state: 'done'; response: DeviceResponse; replayed: boolean }
  /** A live holder still had the claim after `waitMs`; it answers the device itself. */
  | { state: 'in_flight' };

export interface RunOnceOptions {
  /**
   * How long to wait for a live holder of the same id. Waiting past one lease means a claim left
   * by a dead process is always seen to lapse and taken over.
   */
  waitMs: number;
  /** Called (once) when the lease lapsed while running: another delivery may have run it too. */
  onLostClaim?: () => void;
}

export async function runOnce(
  redis: Redis,
  key: string,
  run: () => Promise<{ response: DeviceResponse; cache: boolean }>,
  opts: RunOnceOptions,
): Promise<IdempotentResult> {
  const token = `${CLAIM_PREFIX}${randomUUID()}`;
  const deadline = Date.now() + opts.waitMs;
  for (let polls = 0; ; polls++) {
    if ((await redis.set(key, token, 'PX', CLAIM_LEASE_MS, 'NX')) === 'OK') {
      return { state: 'done', response: await runClaimed(redis, key, token, run, opts), replayed: false };
    }
    const value = await redis.get(key);
    if (value !== null && !isClaim(value)) return { state: 'done', response: JSON.parse(value) as DeviceResponse, replayed: true };
    // null: the holder gave up or its lease lapsed between our SET and GET; claim it next round.
    if (value !== null) {
      if (Date.now() >= deadline) return { state: 'in_flight' };
      const pause = Math.min(POLL_MAX_MS, POLL_MIN_MS * 2 ** Math.min(polls, 5), Math.max(1, deadline - Date.now()));
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** Runs under our claim, renewing its lease until the response is stored. */
async function runClaimed(
  redis: Redis,
  key: string,
  token: string,
  run: () => Promise<{ response: DeviceResponse; cache: boolean }>,
  opts: RunOnceOptions,
): Promise<DeviceResponse> {
  let lost = false;
  const lose = () => {
    if (!lost) opts.onLostClaim?.();
    lost = true;
  };
  const renew = setInterval(() => {
    redis.eval(RENEW, 1, key, token, CLAIM_LEASE_MS).then(
      (held) => {
        if (held === 0) lose();
      },
      () => undefined, // Redis unreachable: the lease may lapse; the FINISH check below tells.
    );
  }, RENEW_EVERY_MS);
  let outcome: { response: DeviceResponse; cache: boolean };
  try {
    outcome = await run();
  } catch (err) {
    clearInterval(renew);
    await redis.eval(RELEASE, 1, key, token);
    throw err;
  }
  clearInterval(renew);
  // An answer that is not worth replaying (an internal error) frees the id, so a retry runs again.
  if (!outcome.cache) await redis.eval(RELEASE, 1, key, token);
  else if ((await redis.eval(FINISH, 1, key, token, JSON.stringify(outcome.response), IDEMPOTENCY_TTL_SECONDS)) === 0) lose();
  return outcome.response;
}
