import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { banMember, unbanMember } from '../../commands/ban-member.ts';
import { errors } from '../../errors.ts';
import { errorBodySchema } from '@makapix/protocol';
import { signedInUser } from '../../domain/viewer.ts';
import { modCommentSchema, modMemberSchema, modPostSchema } from '@makapix/protocol';
import { toModComment, toModMember, toModPost } from './present.ts';
import { queueRoutes } from './queue-routes.ts';
import { type MemberAction, moderateComment, moderateMember, moderatePost, type PostAction } from './service.ts';
import { banBodySchema, modUserParamsSchema, reasonBodySchema } from '@makapix/protocol';
import { modCommentParamsSchema, modPostParamsSchema } from '@makapix/protocol';

/** Optional body of every moderation action: a reason kept in the audit log. No body arrives as null. */

/** Public id (sqid) → integer key; an id that decodes to nothing is simply not found. */
function decodeIdOr404(app: FastifyInstance, sqid: string, what: string): number {
  const id = app.publicId.decode(sqid);
  if (id === null) throw errors.notFound(what);
  return id;
}

const POST_SUMMARIES: Record<PostAction, string> = {
  hide: 'Hide a post from everyone but its artist and moderators',
  unhide: 'Lift a moderator hide from a post',
  approve: 'Approve a post for the public feeds (notifies the artist)',
  promote: 'Promote an approved post to the promoted feed / channel (notifies the artist)',
  unpromote: 'Remove a post from the promoted feed / channel',
};
const postErrors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
const commentErrors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

/** docs/product.md §1 content moderation: posts and comments. Moderators and the site owner only. */
const contentRoutes: FastifyPluginAsyncZod = async (app) => {
  const moderator = app.requireRole('moderator');

  for (const action of Object.keys(POST_SUMMARIES) as PostAction[]) {
    app.post(
      `/mod/posts/:postId/${action}`,
      {
        preHandler: moderator,
        schema: {
          tags: ['moderation'],
          summary: POST_SUMMARIES[action],
          description: 'Repeating an action that changes nothing answers the current state and writes no audit entry.',
          params: modPostParamsSchema,
          body: reasonBodySchema,
          response: { 200: modPostSchema, ...postErrors },
        },
      },
      async (req) => {
        const postId = decodeIdOr404(app, req.params.postId, 'Post');
        const post = await moderatePost(app, signedInUser(req), postId, action, req.body?.reason);
        return toModPost(post, app.publicId);
      },
    );
  }

  for (const action of ['hide', 'unhide'] as const) {
    app.post(
      `/mod/comments/:commentId/${action}`,
      {
        preHandler: moderator,
        schema: {
          tags: ['moderation'],
          summary: action === 'hide' ? 'Hide a comment (the thread keeps its shape)' : 'Lift a moderator hide from a comment',
          params: modCommentParamsSchema,
          body: reasonBodySchema,
          response: { 200: modCommentSchema, ...commentErrors },
        },
      },
      async (req) => {
        const commentId = decodeIdOr404(app, req.params.commentId, 'Comment');
        const comment = await moderateComment(app, signedInUser(req), commentId, action, req.body?.reason);
        return toModComment(comment, app.publicId);
      },
    );
  }
};

const MEMBER_SUMMARIES: Record<MemberAction, string> = {
  hide: "Hide a member: their posts leave every public view and their profile",
  unhide: 'Lift a moderator hide from a member',
  trust: "Grant trusted: the member's future posts are approved at once",
  untrust: "Revoke trusted: the member's future posts wait for approval again",
};
const memberErrors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };
const PROTECTED = 'A moderator may act on members only; only the site owner acts on moderators (403 `target_protected`).';

/** docs/product.md §1 member moderation: hide, trust, ban. Moderators and the site owner only. */
const memberRoutes: FastifyPluginAsyncZod = async (app) => {
  const moderator = app.requireRole('moderator');

  for (const action of Object.keys(MEMBER_SUMMARIES) as MemberAction[]) {
    app.post(
      `/mod/users/:userId/${action}`,
      {
        preHandler: moderator,
        schema: { tags: ['moderation'], summary: MEMBER_SUMMARIES[action], description: PROTECTED, params: modUserParamsSchema, body: reasonBodySchema, response: { 200: modMemberSchema, ...memberErrors } },
      },
      async (req) => {
        const userId = decodeIdOr404(app, req.params.userId, 'Member');
        return toModMember(await moderateMember(app, signedInUser(req), userId, action, req.body?.reason), app.publicId);
      },
    );
  }

  app.post(
    '/mod/users/:userId/ban',
    {
      preHandler: moderator,
      schema: {
        tags: ['moderation'],
        summary: 'Ban a member, temporarily or permanently',
        description:
          `Enforced at once: the member's access tokens are refused (403 \`banned\`), their refresh tokens are revoked and every live MQTT session of their players is cut. ${PROTECTED}`,
        params: modUserParamsSchema,
        body: banBodySchema,
        response: { 200: modMemberSchema, ...memberErrors },
      },
    },
    async (req) => {
      const userId = decodeIdOr404(app, req.params.userId, 'Member');
      const until = req.body.until ? new Date(req.body.until) : null;
      return toModMember(await banMember(app, signedInUser(req), userId, { until, reason: req.body.reason }), app.publicId);
    },
  );

  app.post(
    '/mod/users/:userId/unban',
    {
      preHandler: moderator,
      schema: { tags: ['moderation'], summary: 'Lift a ban', description: PROTECTED, params: modUserParamsSchema, response: { 200: modMemberSchema, ...memberErrors } },
    },
    async (req) => {
      const userId = decodeIdOr404(app, req.params.userId, 'Member');
      return toModMember(await unbanMember(app, signedInUser(req), userId), app.publicId);
    },
  );
};

/**
 * docs/product.md §1 moderation under `/mod/…` (registered with the `/api/v1` prefix). Every route needs
 * the moderator role; every change writes an audit_log row in the same transaction.
 */
export const moderationRoutes: FastifyPluginAsyncZod<{ vault: { publicBaseUrl: string } }> = async (app, opts) => {
  await app.register(contentRoutes);
  await app.register(memberRoutes);
  await app.register(queueRoutes, { vault: opts.vault });
};
