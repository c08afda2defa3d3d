import {
  DEVICE_HTTP_PATHS,
  deviceResponseSchema,
  deviceRpcBodySchema,
  deviceViewAcceptedSchema,
  deviceViewBodySchema,
  deviceViewDeduplicatedSchema,
  newRequestId,
  promotedFeedQuerySchema,
  promotedFeedResponseSchema,
} from '@makapix/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiConfig } from '../../config.ts';
import { errors } from '../../errors.ts';
import type { DeviceIdentity } from '../../plugins/device-auth.ts';
import type { RateLimitName } from '../../plugins/rate-limit.ts';
import { handleDeviceRequest } from '../device-requests/service.ts';
import { recordView } from '../device-requests/views.ts';
import { errorResponses } from '../../error-responses.ts';
import { textCheckedByHandler } from '../../plugins/validation.ts';
import { promotedFeed } from './service.ts';

const TAGS = ['players (device plane)'];
/** How long an HTTPS call waits for another process already answering the same request id. */
const IN_FLIGHT_WAIT_MS = 10_000;
const MAX_REQUEST_ID_LENGTH = 128;

// docs/device-protocol.md §5: 60/min reads, 30/min reactions per player; echo has its own 10/min in the handler.
function rateLimitOf(requestType: unknown): RateLimitName | null {
  if (requestType === 'submit_reaction' || requestType === 'revoke_reaction') return 'deviceReaction';
  return requestType === 'echo' ? null : 'deviceRead';
}

function deviceOf(req: FastifyRequest): DeviceIdentity {
  if (!req.device) throw errors.unauthorized();
  return req.device;
}

/** A body `player_key` must name the token's player (docs/device-protocol.md §5). */
function assertSamePlayer(device: DeviceIdentity, bodyKey: unknown): void {
  if (bodyKey !== undefined && bodyKey !== device.playerKey) {
    throw errors.forbidden('player_key does not match the device token', 'player_key_mismatch');
  }
}

/** docs/device-protocol.md §5 and §7 over HTTPS, and the promoted feed of §2. */
export const deviceHttpRoutes: FastifyPluginAsyncZod<{ config: ApiConfig }> = async (app, opts) => {
  const vaultBaseUrl = opts.config.vault.publicBaseUrl;

  app.post(
    DEVICE_HTTP_PATHS.rpc,
    {
      preHandler: app.requireDevice,
      schema: {
        tags: TAGS,
        summary: 'A device request (docs/device-protocol.md §5) over HTTPS, answered as over MQTT',
        description:
          'Body = the request (`request_id` and `player_key` may be omitted). The answer is the device response, success or error, with status 200. A retried `request_id` within 60 s gets the same answer and is not executed twice. Rate limits: 60/min reads, 30/min reactions (429).',
        body: textCheckedByHandler(deviceRpcBodySchema),
        response: { 200: deviceResponseSchema, ...errorResponses(400, 401, 403, 409, 429) },
      },
    },
    async (req) => {
      const device = deviceOf(req);
      assertSamePlayer(device, req.body.player_key);
      const limit = rateLimitOf(req.body.request_type);
      if (limit) await app.consumeRateLimit(limit, device.playerKey);
      const rid = req.body.request_id;
      const requestId = typeof rid === 'string' && rid.length > 0 && rid.length <= MAX_REQUEST_ID_LENGTH ? rid : newRequestId();
      const response = await handleDeviceRequest(
        app,
        { playerKey: device.playerKey, body: req.body, requestId },
        { vaultBaseUrl, waitForInFlightMs: IN_FLIGHT_WAIT_MS },
      );
      if (!response) throw errors.conflict('request_in_progress', 'This request id is still being answered; retry it');
      return response;
    },
  );

  app.post(
    DEVICE_HTTP_PATHS.viewEvents,
    {
      preHandler: app.requireDevice,
      schema: {
        tags: TAGS,
        summary: 'A device reports a view (docs/device-protocol.md §7)',
        description:
          '202 recorded; 200 `{"success":true,"deduplicated":true}` for the same post and timestamp again; 429 more than one view per 5 s; 404 unknown post.',
        body: deviceViewBodySchema,
        response: {
          202: deviceViewAcceptedSchema,
          200: deviceViewDeduplicatedSchema,
          ...errorResponses(400, 401, 403, 404, 429),
        },
      },
    },
    async (req, reply) => {
      const device = deviceOf(req);
      assertSamePlayer(device, req.body.player_key);
      const outcome = await recordView(app, device.playerKey, req.body);
      switch (outcome.result) {
        case 'accepted':
          return reply.status(202).send({ success: true });
        case 'deduplicated':
          return reply.status(200).send({ success: true, deduplicated: true });
        case 'rejected':
          if (outcome.code === 'rate_limited') throw errors.rateLimited(5);
          if (outcome.code === 'not_found') throw errors.notFound('Post');
          if (outcome.code === 'authentication_failed') throw errors.unauthorized(outcome.message, 'authentication_failed');
          throw errors.badRequest(outcome.code, outcome.message);
      }
    },
  );

  app.get(
    DEVICE_HTTP_PATHS.promotedFeed,
    {
      schema: {
        tags: TAGS,
        summary: 'Promoted artworks for devices that are not registered yet (no auth)',
        description: '`fields` picks item fields (comma-separated; `id` always); `cursor` is pasted from `next_cursor`.',
        querystring: promotedFeedQuerySchema,
        response: { 200: promotedFeedResponseSchema, ...errorResponses(400) },
      },
    },
    async (req) => promotedFeed(app, req.query, vaultBaseUrl),
  );
};
