import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errors } from '../../errors.ts';
import { errorResponses } from '../../error-responses.ts';
import { addReaction, reactionSummary, removeReaction } from './service.ts';
import { reactionPostParamsSchema, reactionSummarySchema } from '@makapix/protocol';
import { reactionParamsSchema } from '@makapix/protocol';

const tags = ['social'];
// The emoji is checked by the service (400 `invalid_emoji`), which the device plane shares.
const errorsOf = errorResponses(400, 401, 403, 404, 409);

/** docs/product.md §4 reactions on posts the caller can see. */
export const reactionRoutes: FastifyPluginAsyncZod = async (app) => {
  const postIdOf = (sqid: string): number => {
    const id = app.publicId.decode(sqid);
    if (id === null) throw errors.notFound('Post');
    return id;
  };

  app.get(
    '/posts/:sqid/reactions',
    {
      preHandler: app.optionalUser,
      schema: { tags, summary: 'Reaction totals per emoji, and mine', params: reactionPostParamsSchema, response: { 200: reactionSummarySchema, ...errorsOf } },
    },
    async (req) => reactionSummary(app, req.audience, postIdOf(req.params.sqid)),
  );

  app.put(
    '/posts/:sqid/reactions/:emoji',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        summary: 'React to a post',
        description: 'Idempotent. At most 5 distinct emoji per member per post (409 `reaction_limit_exceeded`); a block either way with the artist → 403 `blocked`. Answers the new totals.',
        params: reactionParamsSchema,
        response: { 200: reactionSummarySchema, ...errorsOf },
      },
    },
    async (req) => {
      const user = req.viewer!;
      const postId = postIdOf(req.params.sqid);
      await addReaction(app, { userId: user.id, postId, emoji: req.params.emoji });
      return reactionSummary(app, req.audience, postId);
    },
  );

  app.delete(
    '/posts/:sqid/reactions/:emoji',
    {
      preHandler: app.requireUser,
      schema: { tags, summary: 'Take back a reaction (idempotent); answers the new totals', params: reactionParamsSchema, response: { 200: reactionSummarySchema, ...errorsOf } },
    },
    async (req) => {
      const user = req.viewer!;
      const postId = postIdOf(req.params.sqid);
      await removeReaction(app, { userId: user.id, postId, emoji: req.params.emoji });
      return reactionSummary(app, req.audience, postId);
    },
  );
};
