import { describe, expect, it } from 'vitest';
import { compareStreamIds } from './player-order.ts';

describe('compareStreamIds', () => {
  it('orders stream ids by time, then sequence, numerically (not as text)', () => {
    expect(compareStreamIds('1700000000000-0', '1700000000000-0')).toBe(0);
    expect(compareStreamIds('1700000000001-0', '1700000000000-5')).toBe(1);
    expect(compareStreamIds('1700000000000-9', '1700000000000-10')).toBe(-1);
    expect(compareStreamIds('999-0', '1000-0')).toBe(-1);
    expect(compareStreamIds('18446744073709551615-1', '18446744073709551615-0')).toBe(1);
  });
});
