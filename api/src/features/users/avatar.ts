import { upscaledUrl } from '@makapix/vault';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses } from '../../error-responses.ts';
import { errors } from '../../errors.ts';
import { ownProfileSchema, putMeAvatarBodySchema } from '@makapix/protocol';
import * as repo from './repo.ts';
import { createUserService } from './service.ts';
import { signedInUser } from '../../domain/viewer.ts';

export interface AvatarRoutesOptions {
  vault: { publicBaseUrl: string };
}

/**
 * docs/product.md §1 "avatar": a member picks one of their own ready artworks; the avatar is its upscaled
 * rendition in this site's vault (so a profile never loads an image from another host).
 */
export const avatarRoutes: FastifyPluginAsyncZod<AvatarRoutesOptions> = async (app, opts) => {
  const users = createUserService(app);

  app.put('/me/avatar', {
    schema: {
      tags: ['members'],
      summary: 'Use one of my ready artworks as my avatar (its upscaled rendition), or none with `postId: null`',
      body: putMeAvatarBodySchema,
      response: { 200: ownProfileSchema, ...errorResponses(400, 401, 403, 404) },
    },
    preHandler: app.requireUser,
  }, async (req) => {
    const userId = signedInUser(req).id;
    let avatarUrl: string | null = null;
    if (req.body.postId !== null) {
      const postId = app.publicId.decode(req.body.postId);
      const storageKey = postId === null ? null : await repo.findOwnReadyStorageKey(app.db, userId, postId);
      if (!storageKey) throw errors.notFound('Artwork');
      avatarUrl = upscaledUrl(opts.vault.publicBaseUrl, storageKey);
    }
    await repo.updateProfile(app.db, userId, { avatarUrl });
    return users.getOwnProfile(userId);
  });
};
