import {
  codePointLength,
  type DeviceRequest,
  type DeviceResponse,
  EMOJI_MAX_CHARS,
  errorResponse,
  newRequestId,
  parseDeviceRequest,
  successResponse,
} from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import { isAppError } from '../../errors.ts';
import { type DeviceContext, loadDeviceContext } from './device-context.ts';
import { requestCacheKey, runOnce } from './idempotency.ts';
import { changeReaction, getComments, getPost } from './post-requests.ts';
import { getPlayset } from './playset-request.ts';
import { queryPosts } from './query-posts.ts';

export interface DeviceRequestInput {
  /** The player as the transport authenticated it: the topic key (MQTT) or the token's player (HTTPS). */
  playerKey: string;
  /** The request body, JSON-parsed; anything that is not an object answers `invalid_request`. */
  body: unknown;
  /** The transport's request id (MQTT: the `request/{id}` topic level); else the body's, else a new one. */
  requestId?: string;
}

export interface DeviceRequestOptions {
  /** docs/device-protocol.md §8: `art_url` base. */
  vaultBaseUrl: string;
  /**
   * How long to wait for another process that is already answering the same request id (default 0).
   * Both transports wait past one claim lease (idempotency.ts), so a claim left by a dead process is
   * taken over and answered; a live holder still running after that answers itself.
   */
  waitForInFlightMs?: number;
  /** The device context when the caller already read it (the inbox does); else it is loaded here. */
  context?: DeviceContext | null;
}

const MAX_REQUEST_ID_LENGTH = 128;

function requestIdOf(input: DeviceRequestInput): string {
  if (input.requestId) return input.requestId;
  const body = input.body;
  if (typeof body === 'object' && body !== null && 'request_id' in body) {
    const rid = (body as { request_id: unknown }).request_id;
    if (typeof rid === 'string' && rid.length > 0 && rid.length <= MAX_REQUEST_ID_LENGTH) return rid;
  }
  return newRequestId();
}

/**
 * Answers one device request (docs/device-protocol.md §5), for MQTT and HTTPS alike. Each request id is executed
 * at most once per player within 60 s; a retry gets the first answer. Null only when another live
 * process is still answering the same id after the wait (it will answer the device itself).
 */
export async function handleDeviceRequest(
  app: FastifyInstance,
  input: DeviceRequestInput,
  opts: DeviceRequestOptions,
): Promise<DeviceResponse | null> {
  const requestId = requestIdOf(input);
  const key = requestCacheKey(input.playerKey, requestId);
  const result = await runOnce(app.redis, key, () => answer(app, input, requestId, opts), {
    waitMs: opts.waitForInFlightMs ?? 0,
    // Only after a stall longer than the lease (event loop blocked, Redis unreachable).
    onLostClaim: () => app.log.warn({ playerKey: input.playerKey, requestId }, 'device request claim lapsed while running; it may run twice'),
  });
  return result.state === 'done' ? result.response : null;
}

/** docs/device-protocol.md §5: a reaction whose emoji is not 1–20 characters is `invalid_emoji`, not `invalid_request`. */
function hasInvalidEmoji(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const { request_type: type, emoji } = body as { request_type?: unknown; emoji?: unknown };
  if (type !== 'submit_reaction' && type !== 'revoke_reaction') return false;
  if (emoji === undefined) return false;
  return typeof emoji !== 'string' || codePointLength(emoji) < 1 || codePointLength(emoji) > EMOJI_MAX_CHARS;
}

async function answer(
  app: FastifyInstance,
  input: DeviceRequestInput,
  requestId: string,
  opts: DeviceRequestOptions,
): Promise<{ response: DeviceResponse; cache: boolean }> {
  const log = app.log.child({ playerKey: input.playerKey, requestId });
  try {
    const ctx = opts.context !== undefined ? opts.context : await loadDeviceContext(app, input.playerKey);
    if (!ctx) {
      return { response: errorResponse(requestId, 'authentication_failed', 'player is not registered or its owner is not active'), cache: true };
    }
    if (hasInvalidEmoji(input.body)) {
      return { response: errorResponse(requestId, 'invalid_emoji', `emoji must be 1-${EMOJI_MAX_CHARS} characters`), cache: true };
    }
    const parsed = parseDeviceRequest(input.body, { request_id: requestId, player_key: input.playerKey });
    if (!parsed.ok) return { response: errorResponse(requestId, parsed.error_code, parsed.error), cache: true };
    const response = await execute(app, ctx, parsed.request, requestId, opts);
    log.debug({ requestType: parsed.request.request_type, success: response.success }, 'device request answered');
    return { response, cache: true };
  } catch (err) {
    log.error({ err }, 'device request failed');
    return { response: errorResponse(requestId, 'internal_error', 'the request could not be completed'), cache: false };
  }
}

async function execute(
  app: FastifyInstance,
  ctx: DeviceContext,
  request: DeviceRequest,
  requestId: string,
  opts: DeviceRequestOptions,
): Promise<DeviceResponse> {
  switch (request.request_type) {
    case 'query_posts':
      return queryPosts(app, ctx, request, requestId, opts.vaultBaseUrl);
    case 'get_post':
      return getPost(app, ctx, request, requestId, opts.vaultBaseUrl);
    case 'submit_reaction':
    case 'revoke_reaction':
      return changeReaction(app, ctx, request, requestId);
    case 'get_comments':
      return getComments(app, ctx, request, requestId);
    case 'get_playset':
      return getPlayset(app, ctx, request, requestId);
    case 'echo':
      return echo(app, ctx, request.echo_data, requestId);
  }
}

/** docs/device-protocol.md §5 echo: 10/min/player. */
async function echo(app: FastifyInstance, ctx: DeviceContext, echoData: string, requestId: string): Promise<DeviceResponse> {
  try {
    await app.consumeRateLimit('deviceEcho', ctx.playerKey);
  } catch (err) {
    if (isAppError(err) && err.code === 'rate_limited') return errorResponse(requestId, 'rate_limit_exceeded', 'at most 10 echo requests per minute');
    throw err;
  }
  return successResponse(requestId, { echo_data: echoData, received_at: new Date().toISOString() });
}
