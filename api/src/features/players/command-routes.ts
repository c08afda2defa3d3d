import { listQuerySchema, listSchema } from '@makapix/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sendCommandToAllPlayers, sendCommandToPlayer } from '../../commands/send-player-command.ts';
import { errors } from '../../errors.ts';
import { broadcastResultSchema, commandLogItemSchema, commandRequestSchema } from '@makapix/protocol';
import { listCommandLog } from './command-service.ts';
import { errorResponses } from '../../error-responses.ts';
import { playerIdParamsSchema } from '@makapix/protocol';

const TAGS = ['players'];
const COMMAND_HELP =
  'docs/device-protocol.md §6 commands. `show_artwork` takes `{postId}` and is filled from the post (404 if you may not see it); ' +
  '`play_channel` takes `{channelName}` plus `userId` (by_user, reactions) or `hashtag`. `execute_playset` takes `{name?, channels}` ' +
  'with every §6 channel type (named, user, reactions, hashtag, sdcard, pinned) and `name`, `identifier`, `displayName`, `weight`, `offset`. ' +
  'Settings commands need the feature the ' +
  'player advertised (400 `unsupported_command`) and an advertised value (400 `invalid_value`). 300/min per player, 1000/min per member.';

/** Commands to my players (docs/product.md §1 "send commands … to one player or all"). */
export const playerCommandRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('preHandler', app.requireUser);
  const ownerId = (viewer: { id: number } | null) => {
    if (!viewer) throw errors.unauthorized();
    return viewer.id;
  };

  app.post(
    '/players/commands',
    {
      schema: {
        tags: TAGS,
        summary: 'Send one command to every one of my players',
        description: `${COMMAND_HELP} Each player gets its own command id; a player that refuses is reported in \`error\`.`,
        body: commandRequestSchema,
        response: { 202: broadcastResultSchema, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (req, reply) => reply.status(202).send(await sendCommandToAllPlayers(app, ownerId(req.viewer), req.body)),
  );

  app.post(
    '/players/:id/commands',
    {
      schema: {
        tags: TAGS,
        summary: 'Send a command to one of my players',
        description: COMMAND_HELP,
        params: playerIdParamsSchema,
        body: commandRequestSchema,
        response: { 202: commandLogItemSchema, ...errorResponses(400, 401, 403, 404, 429, 503) },
      },
    },
    async (req, reply) => reply.status(202).send(await sendCommandToPlayer(app, ownerId(req.viewer), req.params.id, req.body)),
  );

  app.get(
    '/players/:id/commands',
    {
      schema: {
        tags: TAGS,
        summary: 'The command log of one of my players, newest first, with acks',
        params: playerIdParamsSchema,
        querystring: listQuerySchema,
        response: { 200: listSchema(commandLogItemSchema), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => listCommandLog(app, ownerId(req.viewer), req.params.id, req.query),
  );
};
