import multipart from '@fastify/multipart';
import { MAX_UPLOAD_BYTES } from '@makapix/media';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { postPatchSchema } from '@makapix/protocol';
import { readUploadForm } from './multipart.ts';
import { errorBodySchema } from '@makapix/protocol';
import { postDetailSchema } from '@makapix/protocol';
import * as service from './service.ts';
import { deletePostsSqidResponse204Schema, postParamsSchema } from '@makapix/protocol';

export interface PostRoutesOptions {
  vault: service.PostsContext['vault'];
}

const errorResponses = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };
const uploadErrorResponses = { ...errorResponses, 409: errorBodySchema, 413: errorBodySchema, 415: errorBodySchema, 429: errorBodySchema, 503: errorBodySchema, 507: errorBodySchema };
const uploadDescription =
  `multipart/form-data: \`file\` (PNG, GIF, WebP or BMP, ≤${MAX_UPLOAD_BYTES} bytes, docs/product.md §2), ` +
  '`title` (1–128 chars), `description` (≤5000), `hashtags` (repeat the field or separate with spaces/commas).';

/** docs/product.md §1–§2: artworks — upload, page, owner edits. */
export const postRoutes: FastifyPluginAsyncZod<PostRoutesOptions> = async (app, opts) => {
  // Scoped to this plugin: only the upload routes accept multipart bodies.
  await app.register(multipart, { throwFileSizeLimit: false });
  const ctx: service.PostsContext = { app, vault: opts.vault };
  const postId = (sqid: string) => app.publicId.decode(sqid);

  app.post(
    '/posts',
    {
      preHandler: app.requireUser,
      schema: {
        tags: ['posts'],
        summary: 'Upload an artwork',
        description: `${uploadDescription} Answers 202 with the post in state \`processing\`; the worker makes it \`ready\`.`,
        consumes: ['multipart/form-data'],
        response: { 202: postDetailSchema, ...uploadErrorResponses },
      },
    },
    async (req, reply) => {
      const user = req.viewer!;
      const uploader = await service.chargeUpload(ctx, user);
      const form = await readUploadForm(req);
      const post = await service.createPost(ctx, req.audience, uploader, form);
      return reply.status(202).send(post);
    },
  );

  app.get(
    '/posts/:sqid',
    {
      preHandler: app.optionalUser,
      schema: {
        tags: ['posts'],
        summary: 'An artwork page: metadata, files, counts (and stats for its artist)',
        params: postParamsSchema,
        response: { 200: postDetailSchema, ...errorResponses },
      },
    },
    async (req) => service.getPostDetail(ctx, req.audience, postId(req.params.sqid)),
  );

  app.patch(
    '/posts/:sqid',
    {
      preHandler: app.requireUser,
      schema: {
        tags: ['posts'],
        summary: 'Edit title, description or hashtags (artist only)',
        params: postParamsSchema,
        body: postPatchSchema,
        response: { 200: postDetailSchema, ...errorResponses },
      },
    },
    async (req) => service.updatePost(ctx, req.audience, postId(req.params.sqid), req.body),
  );

  for (const [action, hidden] of [['hide', true], ['unhide', false]] as const) {
    app.post(
      `/posts/:sqid/${action}`,
      {
        preHandler: app.requireUser,
        schema: {
          tags: ['posts'],
          summary: hidden ? 'Hide the artwork from everyone but its artist' : 'Show a hidden artwork again',
          params: postParamsSchema,
          response: { 200: postDetailSchema, ...errorResponses },
        },
      },
      async (req) => service.setPostHidden(ctx, req.audience, postId(req.params.sqid), hidden),
    );
  }

  app.delete(
    '/posts/:sqid',
    {
      preHandler: app.requireUser,
      schema: {
        tags: ['posts'],
        summary: 'Delete the artwork (soft; purged after 7 days)',
        params: postParamsSchema,
        response: { 204: deletePostsSqidResponse204Schema, ...errorResponses },
      },
    },
    async (req, reply) => {
      await service.deletePost(ctx, req.audience, postId(req.params.sqid));
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/posts/:sqid/image',
    {
      preHandler: app.requireUser,
      schema: {
        tags: ['posts'],
        summary: 'Replace the image (new storage key; the old image shows until the new one is ready)',
        description: 'multipart/form-data with one `file`; the same rules and hourly allowance as an upload.',
        consumes: ['multipart/form-data'],
        params: postParamsSchema,
        response: { 202: postDetailSchema, ...uploadErrorResponses },
      },
    },
    async (req, reply) => {
      const viewer = req.audience;
      const row = await service.beginReplacement(ctx, viewer, req.viewer!, postId(req.params.sqid));
      const form = await readUploadForm(req);
      return reply.status(202).send(await service.replaceImage(ctx, viewer, row, form));
    },
  );
};
