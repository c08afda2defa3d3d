import Sqids from 'sqids';
import { describe, expect, it } from 'vitest';
import { createPublicIds } from './sqids.ts';

const ALPHABET = 'k3G7QAe51FCsPW92uEOyq4Bg6Sp8YzVTmnU0liwDdHXLajZrfxNhobJIRcMvKt';

describe('public ids', () => {
  const ids = createPublicIds(ALPHABET);
  const reference = new Sqids({ alphabet: ALPHABET, minLength: 6 });

  it('encodes like sqids itself, the first time and from the memo', () => {
    for (const id of [1, 2, 999, 123_456, 2 ** 40]) {
      expect(ids.encode(id)).toBe(reference.encode([id]));
      expect(ids.encode(id)).toBe(reference.encode([id]));
      expect(ids.encode(id).length).toBeGreaterThanOrEqual(6);
    }
  });

  it('round-trips, and refuses non-canonical or multi-id strings', () => {
    expect(ids.decode(ids.encode(4242))).toBe(4242);
    expect(ids.decode(reference.encode([1, 2]))).toBeNull();
    expect(ids.decode('!!!')).toBeNull();
    expect(ids.decode('z'.repeat(40))).toBeNull();
  });

  it('keeps encoding correctly past the memo bound', () => {
    for (let id = 1; id <= 100_050; id += 1) ids.encode(id);
    expect(ids.encode(7)).toBe(reference.encode([7]));
    expect(ids.encode(100_049)).toBe(reference.encode([100_049]));
  });
});
