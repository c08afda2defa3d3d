/**
 * Recognising PostgreSQL constraint failures. drizzle wraps driver errors (the pg `DatabaseError`
 * carrying `code` and `constraint` becomes the `cause` of a DrizzleQueryError), so the cause chain
 * is walked — a few levels at most, so a cyclic chain cannot loop.
 */

/** SQLSTATE of a unique_violation (a unique index or constraint refused the row). */
export const PG_UNIQUE_VIOLATION = '23505';
/** SQLSTATE of a check_violation (also raised by our limit triggers). */
export const PG_CHECK_VIOLATION = '23514';

const MAX_CAUSE_DEPTH = 5;

/**
 * The constraint named by the first error in the cause chain with this SQLSTATE: its name, '' when
 * the driver did not name one, or null when no error in the chain has that SQLSTATE.
 */
export function violatedConstraint(err: unknown, sqlstate: string): string | null {
  let e: unknown = err;
  for (let depth = 0; e !== null && typeof e === 'object' && depth < MAX_CAUSE_DEPTH; depth++) {
    const { code, constraint, cause } = e as { code?: unknown; constraint?: unknown; cause?: unknown };
    if (code === sqlstate) return typeof constraint === 'string' ? constraint : '';
    e = cause;
  }
  return null;
}

/** A unique violation (23505) — on the named constraint when one is given, on any otherwise. */
export function uniqueViolation(err: unknown, constraint?: string): boolean {
  const violated = violatedConstraint(err, PG_UNIQUE_VIOLATION);
  return violated !== null && (constraint === undefined || violated === constraint);
}

/** A check violation (23514) on the named constraint (the limit triggers raise these by name). */
export function checkViolation(err: unknown, constraint: string): boolean {
  return violatedConstraint(err, PG_CHECK_VIOLATION) === constraint;
}
