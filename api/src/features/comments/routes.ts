import { codePointLength, listQuerySchema, listSchema } from '@makapix/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errors } from '../../errors.ts';
import { errorResponses } from '../../error-responses.ts';
import { commentSchema, threadSchema } from '@makapix/protocol';
import { createComment, deleteComment, editComment, listComments } from './service.ts';
import { commentTextSchema, commentParamsSchema, patchCommentsIdBodySchema, commentPostParamsSchema, postPostsSqidCommentsBodySchema } from '@makapix/protocol';

const tags = ['social'];
// docs/product.md §1: 1–2000 characters, counted in code points like the database's char_length.
const errorsOf = errorResponses(400, 401, 403, 404, 409, 429);

/** docs/product.md §4 threaded comments. */
export const commentRoutes: FastifyPluginAsyncZod = async (app) => {
  const postIdOf = (sqid: string): number => {
    const id = app.publicId.decode(sqid);
    if (id === null) throw errors.notFound('Post');
    return id;
  };

  app.get(
    '/posts/:sqid/comments',
    {
      preHandler: app.optionalUser,
      schema: {
        tags,
        summary: 'Comment threads of a post',
        description:
          'Top-level comments oldest first (keyset pages), each with replies two levels deep. Deleted, moderator-hidden and blocked-author comments keep their place with `body` and `author` null while they have shown replies.',
        params: commentPostParamsSchema,
        querystring: listQuerySchema,
        response: { 200: listSchema(threadSchema), ...errorsOf },
      },
    },
    async (req) => listComments(app, req.audience, postIdOf(req.params.sqid), req.query),
  );

  app.post(
    '/posts/:sqid/comments',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        summary: 'Comment on a post, or reply to a comment',
        description:
          'Replying to a depth-2 comment → 400 `comment_too_deep`; 1000 comments on the post → 409 `comment_limit_reached`; a block either way with the artist or the parent\'s author → 403 `blocked`; 30 per 5 min → 429.',
        params: commentPostParamsSchema,
        body: postPostsSqidCommentsBodySchema,
        response: { 201: commentSchema, ...errorsOf },
      },
    },
    async (req, reply) => {
      const comment = await createComment(app, req.viewer!.id, postIdOf(req.params.sqid), req.body);
      return reply.status(201).send(comment);
    },
  );

  app.patch(
    '/comments/:id',
    {
      preHandler: app.requireUser,
      schema: { tags, summary: 'Edit my comment', params: commentParamsSchema, body: patchCommentsIdBodySchema, response: { 200: commentSchema, ...errorsOf } },
    },
    async (req) => editComment(app, req.viewer!.id, req.params.id, req.body.body),
  );

  app.delete(
    '/comments/:id',
    {
      preHandler: app.requireUser,
      schema: { tags, summary: 'Delete my comment (its replies stay)', params: commentParamsSchema, response: { 204: z.null(), ...errorsOf } },
    },
    async (req, reply) => {
      await deleteComment(app, req.viewer!.id, req.params.id);
      return reply.status(204).send(null);
    },
  );
};
