import { z } from 'zod';
import { opaqueText, text } from './text.ts';
import { normalizeIncludeFields, type IncludeField } from './artwork-object.ts';
import { criteriaSchema } from './criteria.ts';
import { describeZodError } from './errors.ts';

// docs/device-protocol.md §5: device requests, one schema per `request_type`, discriminated on that field.
export const REQUEST_TYPES = [
  'query_posts',
  'get_post',
  'submit_reaction',
  'revoke_reaction',
  'get_comments',
  'get_playset',
  'echo',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const QUERY_CHANNELS = ['all', 'promoted', 'user', 'by_user', 'artwork', 'hashtag', 'reactions'] as const;
export type QueryChannel = (typeof QUERY_CHANNELS)[number];
export const QUERY_SORTS = ['server_order', 'created_at', 'random', 'reacted_at'] as const;
export type QuerySort = (typeof QUERY_SORTS)[number];

export const QUERY_POSTS_MAX_LIMIT = 50;
export const GET_COMMENTS_MAX_LIMIT = 200;
export const EMOJI_MAX_CHARS = 20;
export const ECHO_DATA_MAX_CHARS = 512;

/** Length in code points, as the original (Python) server counted "chars". */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const base = {
  request_id: opaqueText({ min: 1, max: 128 }),
  player_key: opaqueText(),
};
const postId = z.int().positive();
const cursor = opaqueText().nullable().default(null);
// Unknown names are dropped rather than rejected: a newer firmware asking for a field we do not know
// must still get its posts (a compliant device never notices).
const includeFields = z
  .array(opaqueText())
  .nullish()
  .transform((list): IncludeField[] => normalizeIncludeFields(list));
const emoji = opaqueText()
  .refine((s) => codePointLength(s) >= 1 && codePointLength(s) <= EMOJI_MAX_CHARS, {
    error: `emoji must be 1-${EMOJI_MAX_CHARS} characters`,
  });

export const queryPostsRequestSchema = z.object({
  ...base,
  request_type: z.literal('query_posts'),
  channel: z.enum(QUERY_CHANNELS).default('all'),
  user_handle: text().nullish(),
  user_sqid: opaqueText().nullish(),
  hashtag: text().nullish(),
  sort: z.enum(QUERY_SORTS).default('server_order'),
  // The firmware sends a number (cJSON_AddNumberToObject); only meaningful with sort=random.
  random_seed: z.int().nullish(),
  cursor,
  limit: z.int().min(1).max(QUERY_POSTS_MAX_LIMIT).default(QUERY_POSTS_MAX_LIMIT),
  criteria: criteriaSchema.nullish().transform((c) => c ?? []),
  include_fields: includeFields,
});

export const getPostRequestSchema = z.object({
  ...base,
  request_type: z.literal('get_post'),
  post_id: postId,
  include_fields: includeFields,
});

export const submitReactionRequestSchema = z.object({
  ...base,
  request_type: z.literal('submit_reaction'),
  post_id: postId,
  emoji,
});

export const revokeReactionRequestSchema = z.object({
  ...base,
  request_type: z.literal('revoke_reaction'),
  post_id: postId,
  emoji,
});

export const getCommentsRequestSchema = z.object({
  ...base,
  request_type: z.literal('get_comments'),
  post_id: postId,
  cursor,
  limit: z.int().min(1).max(GET_COMMENTS_MAX_LIMIT).default(50),
});

export const getPlaysetRequestSchema = z.object({
  ...base,
  request_type: z.literal('get_playset'),
  // Any name is looked up; an unknown one is `playset_not_found`, not a validation error.
  playset_name: text({ min: 1, max: 256 }),
});

export const echoRequestSchema = z.object({
  ...base,
  request_type: z.literal('echo'),
  echo_data: opaqueText().refine((s) => codePointLength(s) <= ECHO_DATA_MAX_CHARS, {
    error: `echo_data must be at most ${ECHO_DATA_MAX_CHARS} characters`,
  }),
});

export const deviceRequestSchema = z.discriminatedUnion('request_type', [
  queryPostsRequestSchema,
  getPostRequestSchema,
  submitReactionRequestSchema,
  revokeReactionRequestSchema,
  getCommentsRequestSchema,
  getPlaysetRequestSchema,
  echoRequestSchema,
]);
export type DeviceRequest = z.infer<typeof deviceRequestSchema>;
/** What a device (or firmware-sim) puts on the wire, defaults not yet applied. */
export type DeviceRequestInput = z.input<typeof deviceRequestSchema>;
export type DeviceRequestOf<T extends RequestType> = Extract<DeviceRequest, { request_type: T }>;
export type QueryPostsRequest = DeviceRequestOf<'query_posts'>;
export type GetCommentsRequest = DeviceRequestOf<'get_comments'>;

export type ParseDeviceRequestResult =
  | { ok: true; request: DeviceRequest }
  | {
      ok: false;
      error_code: 'invalid_request' | 'unknown_request_type' | 'invalid_criteria';
      error: string;
      request_id?: string;
    };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a device request body (already JSON-parsed). Over HTTPS (`POST /api/player/rpc`) the body
 * may omit `request_id`/`player_key`: pass them in `defaults` (the token's key, a generated id).
 * A failure keeps the body's `request_id` when it has one, so the server can still answer it.
 */
export function parseDeviceRequest(
  json: unknown,
  defaults: { request_id?: string; player_key?: string } = {},
): ParseDeviceRequestResult {
  if (!isRecord(json)) return { ok: false, error_code: 'invalid_request', error: 'request must be a JSON object' };
  const body: Record<string, unknown> = { ...json };
  for (const key of ['request_id', 'player_key'] as const) {
    if (body[key] === undefined && defaults[key] !== undefined) body[key] = defaults[key];
  }
  const rid = body.request_id;
  const withId = typeof rid === 'string' && rid.length > 0 ? { request_id: rid } : {};

  const type = body.request_type;
  if (typeof type !== 'string') {
    return { ok: false, error_code: 'invalid_request', error: 'request_type must be a string', ...withId };
  }
  if (!(REQUEST_TYPES as readonly string[]).includes(type)) {
    return { ok: false, error_code: 'unknown_request_type', error: `unknown request_type: ${type}`, ...withId };
  }
  const result = deviceRequestSchema.safeParse(body);
  if (result.success) return { ok: true, request: result.data };
  const onlyCriteria = result.error.issues.every((issue) => issue.path[0] === 'criteria');
  return {
    ok: false,
    error_code: onlyCriteria ? 'invalid_criteria' : 'invalid_request',
    error: describeZodError(result.error),
    ...withId,
  };
}

/** A request id as the firmware makes them: 32 lower-case hex characters (docs/device-protocol.md §5). */
export function newRequestId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export const HASHTAG_MAX_CHARS = 64;

/** docs/product.md §2 hashtag form: trimmed, `#` stripped, lower-cased; null when empty, too long or spaced. */
export function normalizeHashtag(raw: string): string | null {
  const tag = raw.trim().replace(/^#+/, '').toLowerCase();
  if (tag.length === 0 || codePointLength(tag) > HASHTAG_MAX_CHARS || /[\s#]/u.test(tag)) return null;
  return tag;
}

/**
 * The channel-specific checks of docs/device-protocol.md §5 that have their own error codes (kept out of the
 * schema so they are not reported as `invalid_request`). Null when the request names its target.
 */
export function queryPostsChannelError(
  request: Pick<QueryPostsRequest, 'channel' | 'user_handle' | 'user_sqid' | 'hashtag'>,
): 'missing_user_identifier' | 'missing_hashtag' | 'invalid_hashtag' | null {
  if (request.channel === 'by_user' || request.channel === 'reactions') {
    return request.user_handle || request.user_sqid ? null : 'missing_user_identifier';
  }
  if (request.channel === 'hashtag') {
    if (request.hashtag === undefined || request.hashtag === null || request.hashtag.trim() === '') {
      return 'missing_hashtag';
    }
    return normalizeHashtag(request.hashtag) === null ? 'invalid_hashtag' : null;
  }
  return null;
}
