import { z } from 'zod';

// SPEC.md §3: every HTTP error is `{"error": {"code": "snake_case", "message": "…", "details"?: …}}`.
// The codes are stable: clients (web, firmware-sim, tests) branch on them, never on messages.
export const HTTP_ERROR_STATUS = {
  validation_error: 400,
  bad_request: 400,
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
  playset_name_reserved: 409,
  playset_limit_reached: 409,
  request_in_progress: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  file_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  headers_too_large: 431,
  internal_error: 500,
  vault_full: 507,
  service_unavailable: 503,
} as const satisfies Record<string, number>;

export type HttpErrorCode = keyof typeof HTTP_ERROR_STATUS;
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

/** One validation problem as listed in a 400 `validation_error` (SPEC.md §3 "listing the problems"). */
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
