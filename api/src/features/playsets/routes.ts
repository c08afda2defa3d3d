import { listQuerySchema, listSchema, playsetBodySchema, playsetNameSchema } from '@makapix/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { executePlayset } from '../../commands/execute-playset.ts';
import { errors } from '../../errors.ts';
import { commandLogItemSchema } from '@makapix/protocol';
import { errorResponses } from '../../error-responses.ts';
import { playsetOutSchema } from '@makapix/protocol';
import { createPlayset, getOwnPlayset, listOwnPlaysets, removePlayset, replacePlayset } from './service.ts';
import { playsetNameParamsSchema, postPlayersIdPlaysetsNameExecuteParamsSchema } from '@makapix/protocol';

const TAGS = ['playsets'];
const BODY_HELP =
  '1–64 channels: `{type:"named", name:"all"|"promoted"}`, `{type:"user"|"reactions", identifier:<member id>}`, `{type:"hashtag", identifier:<tag>}`, ' +
  'each with an optional `weight` (manual exposure) and `displayName`. `followed_artists` is reserved.';

/** docs/product.md §5: named playsets of the caller, and pushing one to a player. */
export const playsetRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('preHandler', app.requireUser);
  const ownerId = (viewer: { id: number } | null) => {
    if (!viewer) throw errors.unauthorized();
    return viewer.id;
  };

  app.get(
    '/playsets',
    {
      schema: { tags: TAGS, summary: 'My saved playsets', querystring: listQuerySchema, response: { 200: listSchema(playsetOutSchema), ...errorResponses(400, 401, 403) } },
    },
    async (req) => listOwnPlaysets(app, ownerId(req.viewer), req.query),
  );

  app.post(
    '/playsets',
    {
      schema: {
        tags: TAGS,
        summary: 'Save a playset',
        description: `${BODY_HELP} Names are unique per member (409 \`playset_name_taken\`).`,
        body: playsetBodySchema,
        response: { 201: playsetOutSchema, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (req, reply) => reply.status(201).send(await createPlayset(app, ownerId(req.viewer), req.body)),
  );

  app.get(
    '/playsets/:name',
    { schema: { tags: TAGS, summary: 'One of my playsets', params: playsetNameParamsSchema, response: { 200: playsetOutSchema, ...errorResponses(400, 401, 403, 404) } } },
    async (req) => getOwnPlayset(app, ownerId(req.viewer), req.params.name),
  );

  app.put(
    '/playsets/:name',
    {
      schema: {
        tags: TAGS,
        summary: 'Replace one of my playsets (the body may rename it)',
        description: BODY_HELP,
        params: playsetNameParamsSchema,
        body: playsetBodySchema,
        response: { 200: playsetOutSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => replacePlayset(app, ownerId(req.viewer), req.params.name, req.body),
  );

  app.delete(
    '/playsets/:name',
    { schema: { tags: TAGS, summary: 'Delete one of my playsets', params: playsetNameParamsSchema, response: { 204: z.null(), ...errorResponses(400, 401, 403, 404) } } },
    async (req, reply) => {
      await removePlayset(app, ownerId(req.viewer), req.params.name);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/players/:id/playsets/:name/execute',
    {
      schema: {
        tags: TAGS,
        summary: 'Play a playset on one of my players (execute_playset)',
        description: 'Saved playsets by name, or `followed_artists` (one channel per artist I follow).',
        params: postPlayersIdPlaysetsNameExecuteParamsSchema,
        response: { 202: commandLogItemSchema, ...errorResponses(400, 401, 403, 404, 429, 503) },
      },
    },
    async (req, reply) => reply.status(202).send(await executePlayset(app, ownerId(req.viewer), req.params.id, req.params.name)),
  );
};
