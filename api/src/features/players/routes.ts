import { listSchema } from '@makapix/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deletePlayer } from '../../commands/revoke-player.ts';
import { errors } from '../../errors.ts';
import { errorResponses } from '../../error-responses.ts';
import { ownerPlayerSchema } from '@makapix/protocol';
import { getPlayer, listPlayers, reissueCertificate, renamePlayer } from './service.ts';
import { rotateOwnedPlayerToken } from './token-rotation.ts';
import { playerIdParamsSchema, patchPlayersIdBodySchema, postPlayersIdTokenRotateResponseSchema } from '@makapix/protocol';

const TAGS = ['players'];

/** The owner API (docs/product.md §1 "Player owner"): /api/v1/players, camelCase, only the caller's players. */
export const playerRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('preHandler', app.requireUser);
  const ownerId = (viewer: { id: number } | null) => {
    if (!viewer) throw errors.unauthorized();
    return viewer.id;
  };

  app.get(
    '/players',
    {
      schema: {
        tags: TAGS,
        summary: 'My players with live status, certificate expiry, capabilities and state',
        response: { 200: listSchema(ownerPlayerSchema), ...errorResponses(401, 403) },
      },
    },
    async (req) => ({ items: await listPlayers(app, ownerId(req.viewer)), nextCursor: null }),
  );

  app.get(
    '/players/:id',
    {
      schema: { tags: TAGS, summary: 'One of my players', params: playerIdParamsSchema, response: { 200: ownerPlayerSchema, ...errorResponses(401, 403, 404) } },
    },
    async (req) => getPlayer(app, ownerId(req.viewer), req.params.id),
  );

  app.patch(
    '/players/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Rename one of my players',
        params: playerIdParamsSchema,
        body: patchPlayersIdBodySchema,
        response: { 200: ownerPlayerSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => renamePlayer(app, ownerId(req.viewer), req.params.id, req.body.name),
  );

  app.delete(
    '/players/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Delete one of my players: revokes its certificate and token and disconnects it',
        params: playerIdParamsSchema,
        response: { 204: z.null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await deletePlayer(app, ownerId(req.viewer), req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/players/:id/renew-cert',
    {
      schema: {
        tags: TAGS,
        summary: 'Re-issue the certificate of one of my players',
        description:
          'A new certificate and key replace the current ones at once; every earlier serial is revoked and the live session is cut. ' +
          'The device fetches the new pair from `GET /api/player/{key}/credentials`.',
        params: playerIdParamsSchema,
        response: { 200: ownerPlayerSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => reissueCertificate(app, ownerId(req.viewer), req.params.id),
  );

  app.post(
    '/players/:id/token/rotate',
    {
      schema: {
        tags: TAGS,
        summary: 'Rotate the device token of one of my players; the previous token stops working',
        description: 'The new token is shown once; enter it on the device.',
        params: playerIdParamsSchema,
        response: { 200: postPlayersIdTokenRotateResponseSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      const { token, rotatedAt } = await rotateOwnedPlayerToken(app, ownerId(req.viewer), req.params.id);
      return { apiToken: token, rotatedAt: rotatedAt.toISOString() };
    },
  );
};
