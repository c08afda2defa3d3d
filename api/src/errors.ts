import { HTTP_ERROR_STATUS, type HttpErrorCode, type HttpErrorCodeOf, type HttpErrorStatusOf } from '@makapix/protocol';

/**
 * The one error envelope of the HTTP API (docs/product.md §3): `{"error": {"code", "message", "details"?}}`.
 * Routes and services throw AppError through the factories below; the error handler plugin turns
 * them (and validation failures) into responses, and never lets internals of a 5xx leak. Codes are
 * the protocol's typed table (http/errors.ts), which also gives each code its status.
 */
export class AppError<C extends HttpErrorCode = HttpErrorCode> extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: C,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After on 429. */
    readonly headers?: Record<string, string>,
    /** The table's status unless the code has a second one (HTTP_ERROR_ALSO). */
    status: HttpErrorStatusOf<C> = HTTP_ERROR_STATUS[code],
  ) {
    super(message);
    this.name = 'AppError';
    this.statusCode = status;
  }
}

export const errors = {
  validation: (details: unknown, message = 'The request is invalid') => new AppError('validation_error', message, details),
  badRequest: (code: HttpErrorCodeOf<400>, message: string, details?: unknown) => new AppError(code, message, details, undefined, 400),
  unauthorized: (message = 'Authentication required', code: HttpErrorCodeOf<401> = 'unauthorized') =>
    new AppError(code, message, undefined, undefined, 401),
  forbidden: (message = 'You may not do this', code: HttpErrorCodeOf<403> = 'forbidden') => new AppError(code, message, undefined, undefined, 403),
  notFound: (what = 'Resource', code: HttpErrorCodeOf<404> = 'not_found') => new AppError(code, `${what} not found`),
  conflict: (code: HttpErrorCodeOf<409>, message: string, details?: unknown) => new AppError(code, message, details),
  payloadTooLarge: (message: string) => new AppError('payload_too_large', message),
  rateLimited: (retryAfterSeconds: number) =>
    new AppError('rate_limited', 'Too many requests, try again later', { retryAfterSeconds }, {
      'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    }),
  unavailable: (message: string) => new AppError('service_unavailable', message),
  internal: () => new AppError('internal_error', 'Something went wrong on our side'),
};

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
