import { z } from 'zod';
import { commentObjectSchema, postObjectSchema } from './artwork-object.ts';
import { devicePlaysetChannelSchema, EXPOSURE_MODES, PICK_MODES } from './playsets.ts';

// docs/device-protocol.md §5: the error codes a device may receive in a response.
export const DEVICE_ERROR_CODES = [
  'authentication_failed',
  'not_found',
  'invalid_request',
  'invalid_emoji',
  'invalid_criteria',
  'reaction_limit_exceeded',
  'missing_user_identifier',
  'user_not_found',
  'missing_hashtag',
  'invalid_hashtag',
  'playset_not_found',
  'deleted',
  'not_visible',
  'unknown_request_type',
  'rate_limit_exceeded',
  'internal_error',
] as const;
export type DeviceErrorCode = (typeof DEVICE_ERROR_CODES)[number];

/** docs/device-protocol.md §3: the device drops inbound messages over 128 KiB, so the server never sends one (any topic). */
export const MAX_SERVER_TO_DEVICE_BYTES = 131_072;
/** docs/device-protocol.md §5: responses are at most 131,072 bytes minified; list responses are trimmed to fit. */
export const MAX_RESPONSE_BYTES = MAX_SERVER_TO_DEVICE_BYTES;

const requestId = z.string();
const cursor = z.string().nullable();

export const deviceErrorResponseSchema = z.object({
  request_id: requestId,
  success: z.literal(false),
  error: z.string(),
  error_code: z.enum(DEVICE_ERROR_CODES),
});
export type DeviceErrorResponse = z.infer<typeof deviceErrorResponseSchema>;

const ok = { request_id: requestId, success: z.literal(true) };

export const queryPostsResponseSchema = z.object({
  ...ok,
  posts: z.array(postObjectSchema),
  next_cursor: cursor,
  has_more: z.boolean(),
});
export const getPostResponseSchema = z.object({ ...ok, post: postObjectSchema });
/** submit_reaction / revoke_reaction: `{"request_id","success":true,"error":null}`. */
export const reactionResponseSchema = z.object({ ...ok, error: z.null() });
export const getCommentsResponseSchema = z.object({
  ...ok,
  comments: z.array(commentObjectSchema),
  next_cursor: cursor,
  has_more: z.boolean(),
});
export const getPlaysetResponseSchema = z.object({
  ...ok,
  playset_name: z.string(),
  channels: z.array(devicePlaysetChannelSchema),
  exposure_mode: z.enum(EXPOSURE_MODES),
  pick_mode: z.enum(PICK_MODES),
});
export const echoResponseSchema = z.object({
  ...ok,
  echo_data: z.string(),
  received_at: z.iso.datetime({ offset: true }),
});

export type QueryPostsResponse = z.infer<typeof queryPostsResponseSchema>;
export type GetPostResponse = z.infer<typeof getPostResponseSchema>;
export type ReactionResponse = z.infer<typeof reactionResponseSchema>;
export type GetCommentsResponse = z.infer<typeof getCommentsResponseSchema>;
export type GetPlaysetResponse = z.infer<typeof getPlaysetResponseSchema>;
export type EchoResponse = z.infer<typeof echoResponseSchema>;

/** Success schema per request type, so a handler's answer can be checked before it is published. */
export const successResponseSchemas = {
  query_posts: queryPostsResponseSchema,
  get_post: getPostResponseSchema,
  submit_reaction: reactionResponseSchema,
  revoke_reaction: reactionResponseSchema,
  get_comments: getCommentsResponseSchema,
  get_playset: getPlaysetResponseSchema,
  echo: echoResponseSchema,
} as const;

export const deviceResponseSchema = z.union([
  deviceErrorResponseSchema,
  queryPostsResponseSchema,
  getPostResponseSchema,
  reactionResponseSchema,
  getCommentsResponseSchema,
  getPlaysetResponseSchema,
  echoResponseSchema,
]);
export type DeviceResponse = z.infer<typeof deviceResponseSchema>;

export function errorResponse(requestId: string, errorCode: DeviceErrorCode, error: string): DeviceErrorResponse {
  return { request_id: requestId, success: false, error, error_code: errorCode };
}

export function successResponse<T extends object>(
  requestId: string,
  body: T,
): { request_id: string; success: true } & T {
  return { request_id: requestId, success: true, ...body };
}

export function jsonByteLength(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

/**
 * Trims `payload[listKey]` from the end until the minified UTF-8 JSON is at most `maxBytes`, and sets
 * `has_more: true` when anything was cut (docs/device-protocol.md §5). The cursor must then point after the last
 * item kept, or the device would skip the cut items: pass `cursorAfter` to recompute `next_cursor`.
 * Throws when even an empty list does not fit.
 */
export function fitResponse<P extends { has_more?: boolean; next_cursor?: string | null }, K extends keyof P & string>(
  payload: P,
  listKey: K,
  maxBytes: number = MAX_RESPONSE_BYTES,
  cursorAfter?: (lastKept: P[K] extends readonly (infer I)[] ? I : never) => string | null,
): P & { has_more: boolean } {
  const list = payload[listKey];
  if (!Array.isArray(list)) throw new TypeError(`payload.${listKey} is not an array`);
  if (jsonByteLength(payload) <= maxBytes) return { ...payload, has_more: payload.has_more ?? false };

  const withCount = (n: number): P & { has_more: boolean } => {
    const kept = list.slice(0, n);
    const trimmed = { ...payload, [listKey]: kept, has_more: true };
    if (cursorAfter && n > 0) trimmed.next_cursor = cursorAfter(kept[n - 1]);
    return trimmed;
  };
  // Size grows with the item count, so binary-search the largest prefix that fits.
  let lo = 0;
  let hi = list.length - 1;
  if (jsonByteLength(withCount(0)) > maxBytes) {
    throw new RangeError(`response does not fit in ${maxBytes} bytes even without ${listKey}`);
  }
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (jsonByteLength(withCount(mid)) <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  return withCount(lo);
}
