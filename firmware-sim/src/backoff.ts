import type { Random } from './rng.ts';

// docs/device-protocol.md §3: the firmware reconnects itself after 15 → 30 → 60 → 120 s (then stays at 120 s),
// each delay jittered by ±50 % so a fleet that lost its broker does not come back in lock-step.
export const RECONNECT_STEPS_MS = [15_000, 30_000, 60_000, 120_000] as const;
export const RECONNECT_JITTER = 0.5;

/** The inclusive range a delay may fall in for the n-th consecutive failure (0-based), scaled. */
export function backoffWindow(failure: number, scale = 1): { minMs: number; maxMs: number } {
  const base = RECONNECT_STEPS_MS[Math.min(failure, RECONNECT_STEPS_MS.length - 1)]!;
  return { minMs: base * (1 - RECONNECT_JITTER) * scale, maxMs: base * (1 + RECONNECT_JITTER) * scale };
}

/**
 * The reconnect delay sequence of one device. `scale` shrinks the whole schedule for tests
 * (0.01 turns 15 s into 150 ms) without changing its shape; `random` makes the jitter repeatable.
 */
export class ReconnectBackoff {
  private failures = 0;

  constructor(
    private readonly random: Random = Math.random,
    private readonly scale = 1,
  ) {}

  /** The delay before the next attempt; each call counts one more consecutive failure. */
  next(): number {
    const base = RECONNECT_STEPS_MS[Math.min(this.failures, RECONNECT_STEPS_MS.length - 1)]!;
    this.failures++;
    const factor = 1 + (this.random() * 2 - 1) * RECONNECT_JITTER;
    return Math.round(base * factor * this.scale);
  }

  /** A successful CONNACK starts the schedule over. */
  reset(): void {
    this.failures = 0;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }
}
