import { z } from 'zod';

/**
 * The SPEC.md §3 error envelope as a response schema, so the OpenAPI page lists each route's error
 * statuses. `code` stays a plain string here: the protocol enum is what clients branch on, and a
 * response schema must never turn a well-formed error into a 500.
 */
export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

const DESCRIPTIONS = {
  400: 'invalid request (`validation_error` lists the problems)',
  401: 'not authenticated, or wrong credentials',
  403: 'not allowed',
  404: 'not found',
  409: 'conflicts with existing data',
  413: 'payload too large',
  415: 'unsupported media type',
  429: '`rate_limited`, with Retry-After',
  503: 'a dependency (broker, queue) is unavailable right now',
} as const;
export type ErrorStatus = keyof typeof DESCRIPTIONS;

/** `{400: errorBody, 401: errorBody, …}` for a route's `response` map. */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]): Record<S, typeof errorBodySchema> {
  return Object.fromEntries(statuses.map((s) => [s, errorBodySchema.describe(DESCRIPTIONS[s])])) as Record<S, typeof errorBodySchema>;
}
