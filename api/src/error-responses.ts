import { errorBodySchema } from '@makapix/protocol';

// Each route's error statuses for the OpenAPI page, with the envelope schema from the protocol.
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
