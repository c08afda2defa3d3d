import { listQuerySchema, listSchema } from '@makapix/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { followMember, listFollowGraph, unfollowMember } from './service.ts';
import { errorResponses } from '../../error-responses.ts';
import { memberRefSchema } from '@makapix/protocol';

const tags = ['social'];
const params = z.object({ sqid: z.string().min(1).max(32).describe('sqid of the member') });
const followStateSchema = z.object({ following: z.boolean() });
const followListSchema = listSchema(z.object({ member: memberRefSchema, followedAt: z.iso.datetime() }));
const errorsOf = errorResponses(400, 401, 403, 404);

/** SPEC.md §4 follows and the followers/following lists. */
export const followRoutes: FastifyPluginAsyncZod = async (app) => {
  app.put(
    '/users/:sqid/follow',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        summary: 'Follow a member',
        description: 'Idempotent. Yourself → 400 `cannot_follow_self`; a block either way → 403 `blocked`.',
        params,
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
    { preHandler: app.requireUser, schema: { tags, summary: 'Unfollow a member (idempotent)', params, response: { 200: followStateSchema, ...errorsOf } } },
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
          params,
          querystring: listQuerySchema,
          response: { 200: followListSchema, ...errorsOf },
        },
      },
      async (req) => listFollowGraph(app, direction, req.params.sqid, req.query),
    );
  }
};
