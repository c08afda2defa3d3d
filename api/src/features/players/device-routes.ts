import {
  credentialsResponseSchema,
  DEVICE_HTTP_PATHS,
  parseBearerDeviceToken,
  playerKeySchema,
  provisionRequestSchema,
  provisionResponseSchema,
  registerRequestSchema,
  renewCertResponseSchema,
  tokenRotateResponseSchema,
} from '@makapix/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { registerPlayer } from '../../commands/register-player.ts';
import { errors } from '../../errors.ts';
import { errorResponses } from '../../error-responses.ts';
import { ownerPlayerSchema } from '@makapix/protocol';
import { deliverCredentials } from './credentials.ts';
import { provisionPlayer, renewDeviceCertificate } from './service.ts';
import { rotateTokenAs, rotateTokenByPlayerKey } from './token-rotation.ts';
import { playerKeyParamsSchema } from '@makapix/protocol';

const TAGS = ['players (device plane)'];

/**
 * docs/device-protocol.md §2: provisioning and credentials at the exact paths the firmware hard-codes. Bodies are
 * snake_case (device plane), except `register`, which answers the owner with the /api/v1 player.
 */
export const playerDeviceRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    DEVICE_HTTP_PATHS.provision,
    {
      preHandler: app.rateLimitByIp('playerProvision'),
      schema: {
        tags: TAGS,
        summary: 'A device asks for a player key and a registration code (no auth, 10/hour/IP)',
        body: provisionRequestSchema.nullish(),
        response: { 201: provisionResponseSchema, ...errorResponses(400, 429, 503) },
      },
    },
    async (req, reply) => reply.status(201).send(await provisionPlayer(app, req.body ?? {})),
  );

  app.post(
    DEVICE_HTTP_PATHS.register,
    {
      preHandler: app.requireUser,
      schema: {
        tags: TAGS,
        summary: 'The owner registers a provisioned player by its code (case-insensitive)',
        description:
          'Unknown (also with characters outside the code alphabet), expired or used code → 404 `registration_code_invalid`; ' +
          'a code that is not 6 characters → 400; more than 128 players → 409 `player_limit_reached`.',
        body: registerRequestSchema,
        response: { 201: ownerPlayerSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const viewer = req.viewer;
      if (!viewer) throw errors.unauthorized();
      return reply.status(201).send(await registerPlayer(app, viewer.id, req.body));
    },
  );

  app.get(
    DEVICE_HTTP_PATHS.credentials(':key'),
    {
      preHandler: app.rateLimitByIp('playerCredentials'),
      schema: {
        tags: TAGS,
        summary: 'The device polls for its certificate, key and token (404 until registered)',
        description:
          '`api_token` is present only on the first successful fetch. Once the device has connected over mTLS with the certificate, ' +
          'its private key is no longer kept: 404 `credentials_delivered` until the owner re-issues the certificate.',
        params: playerKeyParamsSchema,
        response: { 200: credentialsResponseSchema, ...errorResponses(400, 404, 429) },
      },
    },
    async (req) => deliverCredentials(app, req.params.key),
  );

  app.post(
    DEVICE_HTTP_PATHS.renewCert,
    {
      preHandler: app.requireDevice,
      schema: {
        tags: TAGS,
        summary: 'The device renews its client certificate (within 90 days of expiry, also after it)',
        response: { 200: renewCertResponseSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (req) => {
      if (!req.device) throw errors.unauthorized();
      return renewDeviceCertificate(app, req.device.playerKey);
    },
  );

  /**
   * The device's own bearer token, or the owner's access token; or none at all (docs/device-protocol.md §2.5:
   * the firmware's bootstrap, authorised by knowing the player key). A credential that is sent
   * must be valid: a stale one is 401, never treated as none.
   */
  const deviceOrUser = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.headers.authorization === undefined) return;
    if (!parseBearerDeviceToken(req.headers.authorization)) return app.requireUser(req, reply);
    return app.requireDevice(req, reply);
  };

  app.post(
    DEVICE_HTTP_PATHS.rotateToken(':key'),
    {
      preHandler: deviceOrUser,
      schema: {
        tags: TAGS,
        summary: "Rotate the player's device token (no credentials, its current token, or its owner); the previous token stops working",
        description:
          'With no Authorization header (the firmware bootstraps its token so), knowing the player key is enough for a registered player that is not deleted and whose owner is in good standing (else 404); ' +
          'rate-limited per IP and per player (429) and logged in the audit history. A credential that is sent must be valid (401).',
        params: playerKeyParamsSchema,
        response: { 200: tokenRotateResponseSchema, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (req) => {
      const { token, rotatedAt } =
        req.device || req.viewer
          ? await rotateTokenAs(app, { device: req.device, userId: req.viewer?.id ?? null }, req.params.key)
          : await rotateTokenByPlayerKey(app, req.params.key, req.ip);
      return { api_token: token, rotated_at: rotatedAt.toISOString() };
    },
  );
};
