import type { DeviceResponse } from '@makapix/protocol';
import type { Redis } from 'ioredis';

/**
 * PROTOCOL.md §5 (ours): a retried request id within 60 s gets the same response again and is not
 * executed twice. The first arrival claims the id with a `processing` marker (SET NX), runs, and
 * replaces the marker with the response; a retry reads the response back. The claim is atomic in
 * Redis, so this holds across api processes and across transports (MQTT and HTTPS).
 */
export const IDEMPOTENCY_TTL_SECONDS = 60;
const PROCESSING = 'processing';
const POLL_MS = 50;

export function requestCacheKey(playerKey: string, requestId: string): string {
  return `makapix:device-req:${playerKey}:${requestId}`;
}

export type IdempotentResult =
  | { state: 'done'; response: DeviceResponse; replayed: boolean }
  /** Another process holds the claim and had not answered within `waitMs`. */
  | { state: 'in_flight' };

export async function runOnce(
  redis: Redis,
  key: string,
  run: () => Promise<{ response: DeviceResponse; cache: boolean }>,
  opts: { waitMs: number },
): Promise<IdempotentResult> {
  const claimed = await redis.set(key, PROCESSING, 'EX', IDEMPOTENCY_TTL_SECONDS, 'NX');
  if (claimed === 'OK') {
    let outcome: { response: DeviceResponse; cache: boolean };
    try {
      outcome = await run();
    } catch (err) {
      await redis.del(key);
      throw err;
    }
    // An answer that is not worth replaying (an internal error) frees the id, so a retry runs again.
    if (outcome.cache) await redis.set(key, JSON.stringify(outcome.response), 'EX', IDEMPOTENCY_TTL_SECONDS);
    else await redis.del(key);
    return { state: 'done', response: outcome.response, replayed: false };
  }
  const deadline = Date.now() + opts.waitMs;
  for (;;) {
    const value = await redis.get(key);
    if (value !== null && value !== PROCESSING) {
      return { state: 'done', response: JSON.parse(value) as DeviceResponse, replayed: true };
    }
    // The holder gave up (internal error) or the entry expired: claim it for ourselves.
    if (value === null) return runOnce(redis, key, run, opts);
    if (Date.now() >= deadline) return { state: 'in_flight' };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
