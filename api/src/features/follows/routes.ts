import { listQuerySchema, listSchema } from '@makapix/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { followMember, listFollowGraph, unfollowMember } from './service.ts';
import { errorResponses } from '../../error-responses.ts';
import { memberRefSchema } from '@makapix/protocol';
import { followStateSchema, followParamsSchema } from '@makapix/protocol';
import { followListSchema } from '@makapix/protocol';

const tags = ['social'];
const errorsOf = errorResponses(400, 401, 403, 404);

/** docs/product.md §4 follows and the followers/following lists. */
export const followRoutes: FastifyPluginAsyncZod = async (app) => {
  app.put(
    '/users/:sqid/follow',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        summary: 'Follow a member',
        description: 'Idempotent. Yourself → 400 `cannot_follow_self`; a block either way → 403 `blocked`.',
        params: followParamsSchema,
        response: { 200: followStateSchema, ...errorsOf },
      },
    },
    async (req) => {
      await followMember(app, req.viewer!.id, req.params.sqid);
      return { following: true };
    },
  );

  app.delete(
    '/users/:sqid/follow',
    { preHandler: app.requireUser, schema: { tags, summary: 'Unfollow a member (idempotent)', params: followParamsSchema, response: { 200: followStateSchema, ...errorsOf } } },
    async (req) => {
      await unfollowMember(app, req.viewer!.id, req.params.sqid);
      return { following: false };
    },
  );

  for (const direction of ['followers', 'following'] as const) {
    app.get(
      `/users/:sqid/${direction}`,
      {
        preHandler: app.optionalUser,
        schema: {
          tags,
          summary: direction === 'followers' ? "A member's followers, newest first" : 'Members a member follows, newest first',
          params: followParamsSchema,
          querystring: listQuerySchema,
          response: { 200: followListSchema, ...errorsOf },
        },
      },
      async (req) => listFollowGraph(app, direction, req.params.sqid, req.query),
    );
  }
};
