import { describe, expect, it } from 'vitest';
import { backoffWindow, ReconnectBackoff, RECONNECT_STEPS_MS } from '../src/backoff.ts';
import { seededRandom } from '../src/rng.ts';

describe('reconnect back-off (15 → 30 → 60 → 120 s, ±50 %)', () => {
  it('follows the firmware steps at the middle of the jitter and stays at 120 s', () => {
    const b = new ReconnectBackoff(() => 0.5);
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([15_000, 30_000, 60_000, 120_000, 120_000, 120_000]);
  });

  it('jitters by exactly ±50 % at the extremes of the random source', () => {
    expect(new ReconnectBackoff(() => 0).next()).toBe(7_500);
    expect(new ReconnectBackoff(() => 0.999_999_9).next()).toBe(22_500);
  });

  it('keeps every delay inside its window for many seeded draws', () => {
    const random = seededRandom(42);
    for (let run = 0; run < 200; run++) {
      const b = new ReconnectBackoff(random);
      for (let i = 0; i < 6; i++) {
        const { minMs, maxMs } = backoffWindow(i);
        const d = b.next();
        expect(d).toBeGreaterThanOrEqual(minMs);
        expect(d).toBeLessThanOrEqual(maxMs);
      }
    }
  });

  it('starts over after a successful connect', () => {
    const b = new ReconnectBackoff(() => 0.5);
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(RECONNECT_STEPS_MS[0]);
  });

  it('scales the whole schedule for tests without changing its shape', () => {
    const b = new ReconnectBackoff(() => 0.5, 0.01);
    expect([b.next(), b.next(), b.next(), b.next()]).toEqual([150, 300, 600, 1200]);
    expect(backoffWindow(0, 0.01)).toEqual({ minMs: 75, maxMs: 225 });
  });

  it('repeats the same delays for the same seed', () => {
    const a = new ReconnectBackoff(seededRandom(7));
    const b = new ReconnectBackoff(seededRandom(7));
    const c = new ReconnectBackoff(seededRandom(8));
    const draws = (x: ReconnectBackoff) => [x.next(), x.next(), x.next()];
    const first = draws(a);
    expect(draws(b)).toEqual(first);
    expect(draws(c)).not.toEqual(first);
  });
});
