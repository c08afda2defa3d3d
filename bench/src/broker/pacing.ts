import { performance } from 'node:perf_hooks';
import { sleep } from './stats.ts';

export interface PacedRun {
  count: number;
  /** Start times are spread evenly at this rate (Infinity = as fast as the window allows). */
  ratePerSec: number;
  /** At most this many tasks unfinished at once (Infinity = open loop). */
  maxInFlight: number;
  /** Must not reject: each task records its own outcome. */
  task: (index: number) => Promise<void>;
}

/**
 * Starts `count` tasks on a fixed schedule and resolves when all have finished. With an unbounded
 * window the schedule is open-loop: a slow server does not slow the senders down, so measured
 * latencies include the queueing it causes (no coordinated omission).
 */
export async function runPaced(run: PacedRun): Promise<void> {
  const start = performance.now();
  const interval = Number.isFinite(run.ratePerSec) && run.ratePerSec > 0 ? 1000 / run.ratePerSec : 0;
  let inFlight = 0;
  let wake: (() => void) | null = null;
  const all: Promise<void>[] = [];
  for (let i = 0; i < run.count; i++) {
    const wait = start + i * interval - performance.now();
    if (wait >= 1) await sleep(wait);
    while (inFlight >= run.maxInFlight) await new Promise<void>((resolve) => (wake = resolve));
    inFlight++;
    const done = run.task(i).finally(() => {
      inFlight--;
      const resume = wake;
      wake = null;
      resume?.();
    });
    all.push(done);
  }
  await Promise.all(all);
}

/** A promise that settles by itself after `ms` at the latest (resolving `onTimeout()`). */
export function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(onTimeout()), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(onTimeout());
      },
    );
  });
}
