import { describe, expect, it } from 'vitest';
import { canonicalHandle, handleSchema, isReservedHandle } from '../src/http/handles.ts';

describe('handle canonical form (docs/product.md §1)', () => {
  it('ignores case and folds look-alike characters', () => {
    for (const h of ['Pixel', 'p1xel', 'PIXEL', 'pixe1', 'PlXEL', 'p1xe1']) expect(canonicalHandle(h)).toBe('pixei');
    expect(canonicalHandle('B0B')).toBe('bob');
    expect(canonicalHandle('S0S')).toBe(canonicalHandle('5o5'));
    expect(canonicalHandle('modern')).toBe(canonicalHandle('rnodern'));
    expect(canonicalHandle('vvolf')).toBe(canonicalHandle('wolf'));
    expect(canonicalHandle('a.b-c_d')).toBe('a_b_c_d');
    expect(canonicalHandle('68')).toBe('bb');
  });

  it('keeps genuinely different handles apart', () => {
    expect(canonicalHandle('pixel')).not.toBe(canonicalHandle('pixar'));
    expect(canonicalHandle('alpha')).not.toBe(canonicalHandle('aipha3'));
  });

  it('NFKC-normalises full-width input to ASCII', () => {
    expect(handleSchema.parse('Ｐｉｘｅｌ')).toBe('Pixel');
    expect(canonicalHandle('Ｐｉｘｅｌ')).toBe(canonicalHandle('pixel'));
  });

  it('accepts 3–32 chars of [A-Za-z0-9_.-] starting with a letter or digit', () => {
    for (const ok of ['abc', 'Pixel_Art', 'a.b-c', '9lives', 'x'.repeat(32), 'under_']) expect(handleSchema.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['ab', 'x'.repeat(33), '_abc', '.abc', 'abc.', 'abc-', 'a b c', 'pïxel', 'a/b', 'rnx'])
      expect(handleSchema.safeParse(bad).success, bad).toBe(false);
  });

  it('reserves site names in every look-alike spelling', () => {
    expect(isReservedHandle('Admin')).toBe(true);
    expect(isReservedHandle('adm1n')).toBe(true);
    expect(isReservedHandle('MAKAP1X')).toBe(true);
    expect(isReservedHandle('adminfan')).toBe(false);
  });
});
