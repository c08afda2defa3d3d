import { z } from 'zod';

// docs/product.md §3: every HTTP error is `{"error": {"code": "snake_case", "message": "…", "details"?: …}}`.
// The codes are stable: clients (web, firmware-sim, tests) branch on them, never on messages.
export const HTTP_ERROR_STATUS = {
  validation_error: 400,
  bad_request: 400,
  /** Bad percent-encoding in the URL path (the router's FST_ERR_BAD_URL, issue 11 §2). */
  bad_url: 400,
  invalid_value: 400,
  unsupported_command: 400,
  invalid_json: 400,
  invalid_multipart: 400,
  invalid_token: 400,
  unsupported_format: 400,
  invalid_dimensions: 400,
  too_many_frames: 400,
  decompression_bomb: 400,
  corrupt_image: 400,
  renewal_too_early: 400,
  invalid_emoji: 400,
  comment_too_deep: 400,
  cannot_follow_self: 400,
  cannot_block_self: 400,
  cannot_report_self: 400,
  invalid_playlist_item: 400,
  ban_until_past: 400,
  ban_until_too_late: 400,
  playset_empty: 400,
  playset_name_reserved: 400,
  /** A device's HTTP view event that does not parse (device-http `POST …/view`). */
  invalid_request: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  token_expired: 401,
  refresh_token_reused: 401,
  invalid_device_token: 401,
  account_inactive: 401,
  authentication_failed: 401,
  forbidden: 403,
  email_not_verified: 403,
  blocked: 403,
  banned: 403,
  player_key_mismatch: 403,
  target_protected: 403,
  not_found: 404,
  registration_code_invalid: 404,
  /** The player connected with its credentials, so the private key is gone (players/credentials.ts). */
  credentials_delivered: 404,
  method_not_allowed: 405,
  not_acceptable: 406,
  request_timeout: 408,
  length_required: 411,
  conflict: 409,
  artwork_duplicate: 409,
  handle_taken: 409,
  player_limit_reached: 409,
  reaction_limit_exceeded: 409,
  comment_limit_reached: 409,
  already_reported: 409,
  report_duplicate: 409,
  post_not_replaceable: 409,
  post_not_approved: 409,
  playset_name_taken: 409,
  playset_limit_reached: 409,
  request_in_progress: 409,
  payload_too_large: 413,
  file_too_large: 413,
  /** A path parameter over the router's 100 characters (FST_ERR_MAX_PARAM_LENGTH). */
  uri_too_long: 414,
  unsupported_media_type: 415,
  rate_limited: 429,
  headers_too_large: 431,
  internal_error: 500,
  /** A server→device payload over the device buffer: a bug on our side, refused loudly (plugins/mqtt.ts). */
  device_payload_too_large: 500,
  service_unavailable: 503,
  /** The upload disk is under its free-space floor (posts/incoming.ts). */
  storage_full: 507,
} as const satisfies Record<string, number>;

export type HttpErrorCode = keyof typeof HTTP_ERROR_STATUS;

/**
 * The few codes some routes answer with a second status, kept as the api has always answered them:
 * `invalid_token` is 400 for a mailed link and 401 for a session token; `player_key_mismatch` is 403
 * for a request on another player and 400 for a device's view event naming another player.
 */
export const HTTP_ERROR_ALSO = {
  invalid_token: [401],
  player_key_mismatch: [400],
} as const satisfies Partial<Record<HttpErrorCode, readonly number[]>>;

type AlsoStatus<C extends HttpErrorCode> = C extends keyof typeof HTTP_ERROR_ALSO ? (typeof HTTP_ERROR_ALSO)[C][number] : never;
/** Every status a code may be answered with. */
export type HttpErrorStatusOf<C extends HttpErrorCode> = (typeof HTTP_ERROR_STATUS)[C] | AlsoStatus<C>;
export type HttpErrorStatus = HttpErrorStatusOf<HttpErrorCode>;
/** The codes that may be answered with `status`, e.g. `HttpErrorCodeOf<409>` for the api's `errors.conflict`. */
export type HttpErrorCodeOf<S extends HttpErrorStatus> = { [C in HttpErrorCode]: S extends HttpErrorStatusOf<C> ? C : never }[HttpErrorCode];

/** Whether the api may answer `code` with `status` (the table's status or one of HTTP_ERROR_ALSO's). */
export function httpErrorAllows(code: HttpErrorCode, status: number): boolean {
  const also: readonly number[] = (HTTP_ERROR_ALSO as Partial<Record<HttpErrorCode, readonly number[]>>)[code] ?? [];
  return HTTP_ERROR_STATUS[code] === status || also.includes(status);
}
export const HTTP_ERROR_CODES = Object.keys(HTTP_ERROR_STATUS) as [HttpErrorCode, ...HttpErrorCode[]];
export const httpErrorCodeSchema = z.enum(HTTP_ERROR_CODES);

export const httpErrorBodySchema = z.object({
  error: z.object({
    code: httpErrorCodeSchema,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type HttpErrorBody = z.infer<typeof httpErrorBodySchema>;

export function httpErrorBody(code: HttpErrorCode, message: string, details?: unknown): HttpErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * The envelope as the api's OpenAPI response schema (every route's error statuses). `code` stays a
 * plain string here: `httpErrorBodySchema` is what clients parse with, and a response schema must
 * never turn a well-formed error into a 500.
 */
export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
