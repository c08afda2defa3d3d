import { describe, expect, it } from 'vitest';
import { checkViolation, uniqueViolation, violatedConstraint } from './errors.ts';

/** Shaped like pg's DatabaseError. */
function pgError(code: string, constraint?: string): Error {
  return Object.assign(new Error('pg'), { code, constraint });
}

/** Shaped like drizzle's DrizzleQueryError, which keeps the driver error as `cause`. */
function wrapped(cause: unknown): Error {
  return new Error('Failed query', { cause });
}

describe('uniqueViolation', () => {
  it('recognises a bare driver error and one wrapped by drizzle', () => {
    expect(uniqueViolation(pgError('23505', 'users_email_lower_key'))).toBe(true);
    expect(uniqueViolation(wrapped(pgError('23505', 'users_email_lower_key')))).toBe(true);
    expect(uniqueViolation(wrapped(wrapped(pgError('23505'))))).toBe(true);
  });

  it('matches the constraint name when one is given', () => {
    const err = wrapped(pgError('23505', 'users_email_lower_key'));
    expect(uniqueViolation(err, 'users_email_lower_key')).toBe(true);
    expect(uniqueViolation(err, 'users_handle_canonical_key')).toBe(false);
  });

  it('is false for other errors and non-errors', () => {
    expect(uniqueViolation(wrapped(pgError('23514', 'x')))).toBe(false);
    expect(uniqueViolation(new Error('plain'))).toBe(false);
    expect(uniqueViolation(null)).toBe(false);
    expect(uniqueViolation('23505')).toBe(false);
  });

  it('stops on a cyclic cause chain', () => {
    const a: { cause?: unknown } = {};
    a.cause = a;
    expect(uniqueViolation(a)).toBe(false);
  });
});

describe('violatedConstraint', () => {
  it('names the constraint, or empty when the driver gave none', () => {
    expect(violatedConstraint(wrapped(pgError('23514', 'reactions_limit')), '23514')).toBe('reactions_limit');
    expect(violatedConstraint(pgError('23505'), '23505')).toBe('');
    expect(violatedConstraint(pgError('23505', 'k'), '23514')).toBeNull();
  });

  it('checkViolation matches a named 23514', () => {
    expect(checkViolation(wrapped(pgError('23514', 'comments_limit')), 'comments_limit')).toBe(true);
    expect(checkViolation(wrapped(pgError('23505', 'comments_limit')), 'comments_limit')).toBe(false);
  });
});
