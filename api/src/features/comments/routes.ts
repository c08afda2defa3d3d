import { codePointLength, listQuerySchema, listSchema } from '@makapix/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errors } from '../../errors.ts';
import { errorResponses } from '../../error-responses.ts';
import { commentSchema, threadSchema } from './present.ts';
import { createComment, deleteComment, editComment, listComments } from './service.ts';

const tags = ['social'];
const MAX_COMMENT_CHARS = 2000;
// SPEC.md §1: 1–2000 characters, counted in code points like the database's char_length.
const commentBody = z
  .string()
  .max(MAX_COMMENT_CHARS * 4)
  .trim()
  .refine((s) => codePointLength(s) >= 1 && codePointLength(s) <= MAX_COMMENT_CHARS, { error: `a comment is 1–${MAX_COMMENT_CHARS} characters` });
const postParams = z.object({ sqid: z.string().min(1).max(32).describe('sqid of the post') });
const commentParams = z.object({ id: z.string().min(1).max(32).describe('id of the comment') });
const errorsOf = errorResponses(400, 401, 403, 404, 409, 429);

/** SPEC.md §4 threaded comments. */
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
        params: postParams,
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
        params: postParams,
        body: z.object({ body: commentBody, parentId: z.string().min(1).max(32).optional().describe('id of the comment replied to') }),
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
      schema: { tags, summary: 'Edit my comment', params: commentParams, body: z.object({ body: commentBody }), response: { 200: commentSchema, ...errorsOf } },
    },
    async (req) => editComment(app, req.viewer!.id, req.params.id, req.body.body),
  );

  app.delete(
    '/comments/:id',
    {
      preHandler: app.requireUser,
      schema: { tags, summary: 'Delete my comment (its replies stay)', params: commentParams, response: { 204: z.null(), ...errorsOf } },
    },
    async (req, reply) => {
      await deleteComment(app, req.viewer!.id, req.params.id);
      return reply.status(204).send(null);
    },
  );
};
