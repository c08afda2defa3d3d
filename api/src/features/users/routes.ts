import { MONITORED_HASHTAGS } from '@makapix/db';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../error-responses.ts';
import { handleSchema } from './handle.ts';
import { ownProfileSchema, publicProfileSchema } from './profile.ts';
import { createUserService } from './service.ts';
import { signedInUser } from '../../domain/viewer.ts';

export const BIO_MAX = 1000;

const sqidParams = z.object({ sqid: z.string().min(1).max(64).describe('public id of the member') });

// `.strict()`: a field the caller may not set (role, email, id, …) is a 400, never silently ignored.
const profilePatchSchema = z
  .object({
    handle: handleSchema.optional(),
    bio: z.string().max(BIO_MAX, `A bio has at most ${BIO_MAX} characters`).nullable().optional(),
    avatarUrl: z.url({ protocol: /^https?$/ }).max(2048).nullable().optional(),
    monitoredHashtags: z.array(z.enum(MONITORED_HASHTAGS)).max(MONITORED_HASHTAGS.length * 2).optional().describe('monitored hashtags to opt in to (SPEC.md §1)'),
    emailDigest: z.boolean().optional().describe('receive the daily email digest of unread notifications (SPEC.md §6)'),
  })
  .strict();

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  const users = createUserService(app);

  app.get('/me', {
    schema: { tags: ['members'], summary: 'The caller’s own profile, with email, role, opt-ins and reputation', response: { 200: ownProfileSchema, ...errorResponses(401, 403) } },
    preHandler: app.requireUser,
  }, async (req) => users.getOwnProfile(signedInUser(req).id));

  app.patch('/me', {
    schema: {
      tags: ['members'],
      summary: 'Edit the caller’s own profile (handle, bio, avatar, monitored-hashtag opt-ins, email digest)',
      body: profilePatchSchema,
      response: { 200: ownProfileSchema, ...errorResponses(400, 401, 403, 409) },
    },
    preHandler: app.requireUser,
  }, async (req) => users.updateOwnProfile(signedInUser(req).id, req.body));

  app.get('/users/by-handle/:handle', {
    schema: {
      tags: ['members'],
      summary: 'A member’s public profile by handle (ignoring case and look-alike characters)',
      params: z.object({ handle: z.string().min(1).max(128) }),
      response: { 200: publicProfileSchema, ...errorResponses(401, 404) },
    },
    preHandler: app.optionalUser,
  }, async (req) => users.getPublicProfileByHandle(req.params.handle, req.audience));

  app.get('/users/:sqid', {
    schema: { tags: ['members'], summary: 'A member’s public profile', params: sqidParams, response: { 200: publicProfileSchema, ...errorResponses(401, 404) } },
    preHandler: app.optionalUser,
  }, async (req) => users.getPublicProfile(req.params.sqid, req.audience));

  app.post('/admin/users/:sqid/role', {
    schema: {
      tags: ['admin'],
      summary: 'Grant or revoke moderator (site owner only; audited)',
      params: sqidParams,
      body: z.object({ role: z.enum(['member', 'moderator']) }).strict(),
      response: { 200: publicProfileSchema, ...errorResponses(400, 401, 403, 404) },
    },
    preHandler: app.requireRole('owner'),
  }, async (req) => users.setRole(signedInUser(req), req.audience, req.params.sqid, req.body.role));
};
