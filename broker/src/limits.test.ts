import { describe, expect, it } from 'vitest';
import { ConnectionRateLimiter, maxPacketBytes } from './limits.ts';

describe('ConnectionRateLimiter', () => {
  it('allows perMinute connections per IP, then refills continuously', () => {
    let now = 0;
    const limiter = new ConnectionRateLimiter(3, () => now);
    expect([1, 2, 3, 4].map(() => limiter.tryAcquire('10.0.0.1'))).toEqual([true, true, true, false]);
    expect(limiter.tryAcquire('10.0.0.2')).toBe(true); // per IP
    now += 19_000;
    expect(limiter.tryAcquire('10.0.0.1')).toBe(false);
    now += 1_000; // 20 s = one token at 3/min
    expect(limiter.tryAcquire('10.0.0.1')).toBe(true);
    expect(limiter.tryAcquire('10.0.0.1')).toBe(false);
  });

  it('forgets addresses whose bucket is full again', () => {
    let now = 0;
    const limiter = new ConnectionRateLimiter(60, () => now);
    limiter.tryAcquire('a');
    limiter.tryAcquire('b');
    limiter.prune();
    expect(limiter.trackedAddresses).toBe(2);
    now += 1_000;
    limiter.prune();
    expect(limiter.trackedAddresses).toBe(0);
  });

  it('rejects a non-positive rate', () => {
    expect(() => new ConnectionRateLimiter(0)).toThrow(RangeError);
  });
});

describe('packet limits', () => {
  it('sizes the frame limit above the 256 KiB payload limit', () => {
    expect(maxPacketBytes(256 * 1024)).toBeGreaterThan(256 * 1024);
    expect(maxPacketBytes(256 * 1024)).toBeLessThan(257 * 1024 + 1);
  });
});
