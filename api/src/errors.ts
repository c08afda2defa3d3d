/**
 * The one error envelope of the HTTP API (SPEC.md §3): `{"error": {"code", "message", "details"?}}`.
 * Routes and services throw AppError through the factories below; the error handler plugin turns
 * them (and validation failures) into responses, and never lets internals of a 5xx leak.
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After on 429. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const errors = {
  validation: (details: unknown, message = 'The request is invalid') => new AppError(400, 'validation_error', message, details),
  badRequest: (code: string, message: string, details?: unknown) => new AppError(400, code, message, details),
  unauthorized: (message = 'Authentication required', code = 'unauthorized') => new AppError(401, code, message),
  forbidden: (message = 'You may not do this', code = 'forbidden') => new AppError(403, code, message),
  notFound: (what = 'Resource', code = 'not_found') => new AppError(404, code, `${what} not found`),
  conflict: (code: string, message: string, details?: unknown) => new AppError(409, code, message, details),
  payloadTooLarge: (message: string) => new AppError(413, 'payload_too_large', message),
  rateLimited: (retryAfterSeconds: number) =>
    new AppError(429, 'rate_limited', 'Too many requests, try again later', { retryAfterSeconds }, {
      'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    }),
  unavailable: (message: string) => new AppError(503, 'service_unavailable', message),
  internal: () => new AppError(500, 'internal_error', 'Something went wrong on our side'),
};

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
