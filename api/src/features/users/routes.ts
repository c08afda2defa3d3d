import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses } from '../../error-responses.ts';
import {
  ownProfileSchema,
  profilePatchSchema,
  publicProfileSchema,
  roleChangeSchema,
  userHandleParamsSchema,
  userSqidParamsSchema,
} from '@makapix/protocol';
import { createUserService } from './service.ts';
import { signedInUser } from '../../domain/viewer.ts';

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
      params: userHandleParamsSchema,
      response: { 200: publicProfileSchema, ...errorResponses(401, 404) },
    },
    preHandler: app.optionalUser,
  }, async (req) => users.getPublicProfileByHandle(req.params.handle, req.audience));

  app.get('/users/:sqid', {
    schema: { tags: ['members'], summary: 'A member’s public profile', params: userSqidParamsSchema, response: { 200: publicProfileSchema, ...errorResponses(401, 404) } },
    preHandler: app.optionalUser,
  }, async (req) => users.getPublicProfile(req.params.sqid, req.audience));

  app.post('/admin/users/:sqid/role', {
    schema: {
      tags: ['admin'],
      summary: 'Grant or revoke moderator (site owner only; audited)',
      params: userSqidParamsSchema,
      body: roleChangeSchema,
      response: { 200: publicProfileSchema, ...errorResponses(400, 401, 403, 404) },
    },
    preHandler: app.requireRole('owner'),
  }, async (req) => users.setRole(signedInUser(req), req.audience, req.params.sqid, req.body.role));
};
