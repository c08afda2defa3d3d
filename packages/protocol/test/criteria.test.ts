import { describe, expect, it } from 'vitest';
import { criteriaOpsFor, parseCriteria } from '../src/index.ts';

describe('parseCriteria', () => {
  it.each([
    [{ field: 'width', op: 'eq', value: 64 }],
    [{ field: 'height', op: 'lte', value: 128 }],
    [{ field: 'file_bytes', op: 'lt', value: 65536.5 }],
    [{ field: 'frame_count', op: 'in', value: [1, 2, 4] }],
    [{ field: 'frame_count', op: 'not_in', value: Array.from({ length: 128 }, (_, i) => i) }],
    [{ field: 'unique_colors', op: 'is_null' }],
    [{ field: 'min_frame_duration_ms', op: 'is_not_null', value: null }],
    [{ field: 'max_frame_duration_ms', op: 'gte', value: 20 }],
    [{ field: 'transparency_actual', op: 'eq', value: true }],
    [{ field: 'alpha_meta', op: 'neq', value: false }],
    [{ field: 'file_format', op: 'in', value: ['png', 'gif'] }],
    [{ field: 'native_file_format', op: 'eq', value: 'webp' }],
    [{ field: 'kind', op: 'neq', value: 'playlist' }],
  ])('accepts %o', (criterion) => {
    const result = parseCriteria([criterion]);
    expect(result.ok).toBe(true);
  });

  it.each([
    ['unknown field', { field: 'colour', op: 'eq', value: 1 }],
    ['unknown op', { field: 'width', op: 'like', value: 1 }],
    ['is_null on a non-nullable field', { field: 'width', op: 'is_null' }],
    ['is_null with a value', { field: 'unique_colors', op: 'is_null', value: 3 }],
    ['ordering on a boolean', { field: 'alpha_actual', op: 'lt', value: true }],
    ['in on a boolean', { field: 'alpha_actual', op: 'in', value: [true] }],
    ['ordering on an enum', { field: 'kind', op: 'gt', value: 'artwork' }],
    ['is_null on an enum', { field: 'file_format', op: 'is_null' }],
    ['string for a number', { field: 'width', op: 'eq', value: '64' }],
    ['missing value', { field: 'width', op: 'eq' }],
    ['number for a boolean', { field: 'transparency_meta', op: 'eq', value: 1 }],
    ['unknown format', { field: 'file_format', op: 'eq', value: 'jpeg' }],
    ['unknown kind', { field: 'kind', op: 'in', value: ['artwork', 'blog'] }],
    ['scalar for in', { field: 'width', op: 'in', value: 64 }],
    ['empty in', { field: 'width', op: 'in', value: [] }],
    ['129 values', { field: 'width', op: 'not_in', value: Array.from({ length: 129 }, (_, i) => i) }],
    ['mixed in', { field: 'width', op: 'in', value: [1, 'two'] }],
    ['not an object', 'width=64'],
  ])('rejects %s as invalid_criteria', (_label, criterion) => {
    const result = parseCriteria([criterion]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error_code).toBe('invalid_criteria');
      expect(result.error).toMatch(/^criteria/);
    }
  });

  it('accepts up to 64 criteria, not 65, and treats null as none', () => {
    const item = { field: 'width', op: 'gte', value: 8 };
    expect(parseCriteria(Array.from({ length: 64 }, () => item)).ok).toBe(true);
    expect(parseCriteria(Array.from({ length: 65 }, () => item)).ok).toBe(false);
    expect(parseCriteria(null)).toEqual({ ok: true, criteria: [] });
    expect(parseCriteria({ field: 'width' }).ok).toBe(false);
  });

  it('explains the problem', () => {
    const result = parseCriteria([{ field: 'width', op: 'is_null' }]);
    expect(!result.ok && result.error).toContain('is_null is not allowed on width');
  });

  it('exposes the per-field operator table', () => {
    expect(criteriaOpsFor('unique_colors')).toContain('is_null');
    expect(criteriaOpsFor('width')).not.toContain('is_null');
    expect(criteriaOpsFor('alpha_meta')).toEqual(['eq', 'neq']);
  });
});
