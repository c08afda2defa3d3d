import { describe, expect, it } from 'vitest';
import { compareStreamIds, PlayerLanes } from './player-order.ts';

describe('compareStreamIds', () => {
  it('orders stream ids by time, then sequence, numerically (not as text)', () => {
    expect(compareStreamIds('1700000000000-0', '1700000000000-0')).toBe(0);
    expect(compareStreamIds('1700000000001-0', '1700000000000-5')).toBe(1);
    expect(compareStreamIds('1700000000000-9', '1700000000000-10')).toBe(-1);
    expect(compareStreamIds('999-0', '1000-0')).toBe(-1);
    expect(compareStreamIds('18446744073709551615-1', '18446744073709551615-0')).toBe(1);
  });
});

describe('PlayerLanes', () => {
  it('runs one key’s tasks in submission order, one at a time, and other keys alongside', async () => {
    const lanes = new PlayerLanes();
    const log: string[] = [];
    let running = 0;
    let maxRunningA = 0;
    // a0 holds until b's last task has ended: with head-of-line blocking across players b would
    // wait behind a0 and this test would never finish (no timing involved).
    let releaseA0!: () => void;
    const bDone = new Promise<void>((resolve) => (releaseA0 = resolve));
    const task = (key: string, i: number, wait: () => Promise<unknown> = () => Promise.resolve()) => async () => {
      if (key === 'a') maxRunningA = Math.max(maxRunningA, ++running);
      log.push(`${key}${i}:start`);
      await wait();
      log.push(`${key}${i}:end`);
      if (key === 'a') running--;
      if (key === 'b' && i === 1) releaseA0();
    };
    void lanes.run('a', task('a', 0, () => bDone));
    void lanes.run('a', task('a', 1));
    void lanes.run('b', task('b', 0));
    void lanes.run('a', task('a', 2));
    void lanes.run('b', task('b', 1));
    expect(lanes.busyKeys).toBe(2);
    await lanes.idle();
    expect(maxRunningA).toBe(1);
    expect(log.filter((l) => l.startsWith('a'))).toEqual(['a0:start', 'a0:end', 'a1:start', 'a1:end', 'a2:start', 'a2:end']);
    expect(log.indexOf('b1:end')).toBeLessThan(log.indexOf('a0:end'));
    expect(lanes.busyKeys).toBe(0);
  });

  it('a failed task does not stop the lane', async () => {
    const lanes = new PlayerLanes();
    const ran: number[] = [];
    const failed = lanes.run('k', async () => {
      throw new Error('boom');
    });
    const next = lanes.run('k', async () => void ran.push(2));
    await expect(failed).rejects.toThrow('boom');
    await next;
    expect(ran).toEqual([2]);
  });
});
