import { z } from 'zod';

// Validation problems and summaries shared by the HTTP error envelope (http/errors.ts) and device
// responses.

/** One validation problem as listed in a 400 `validation_error` (docs/product.md §3 "listing the problems"). */
export const validationProblemSchema = z.object({ path: z.string(), message: z.string() });
export type ValidationProblem = z.infer<typeof validationProblemSchema>;

function pathOf(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'symbol' ? p.toString() : String(p))).join('.');
}

export function validationProblems(error: z.ZodError): ValidationProblem[] {
  return error.issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message }));
}

/**
 * A one-line summary of a zod error, for device responses (`error` string) and logs. Device
 * payloads are small C buffers, so the summary is capped.
 */
export function describeZodError(error: z.ZodError, maxIssues = 3): string {
  const parts = error.issues.slice(0, maxIssues).map((issue) => {
    const where = pathOf(issue.path);
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  const more = error.issues.length - maxIssues;
  return more > 0 ? `${parts.join('; ')} (+${more} more)` : parts.join('; ');
}
