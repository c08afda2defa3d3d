import { MAX_PLAYLIST_ITEMS } from '@makapix/db';
import { codePointLength, listQuerySchema, listSchema } from '@makapix/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ownerRefSchema, postSummarySchema } from '@makapix/protocol';
import { errorResponses } from '../../error-responses.ts';
import * as service from './service.ts';
import { getUsersSqidPlaylistsParamsSchema, playlistParamsSchema, patchPlaylistsSqidBodySchema, playlistSummarySchema, postPlaylistsBodySchema, putPlaylistsSqidItemsBodySchema } from '@makapix/protocol';
import { playlistDetailSchema } from '@makapix/protocol';

export interface PlaylistRoutesOptions {
  vault: { publicBaseUrl: string };
}

const tags = ['playlists'];
const detail = { 200: playlistDetailSchema, ...errorResponses(400, 401, 403, 404) };

/** docs/product.md §5 playlists: ordered artworks with per-item dwell time, public or hidden. */
export const playlistRoutes: FastifyPluginAsyncZod<PlaylistRoutesOptions> = async (app, opts) => {
  const ctx: service.PlaylistsContext = { app, vaultBaseUrl: opts.vault.publicBaseUrl };

  app.post(
    '/playlists',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        summary: 'Create a playlist (empty; set its items with PUT …/items)',
        body: postPlaylistsBodySchema,
        response: { 201: playlistDetailSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const viewer = { ...req.audience, userId: req.viewer!.id };
      return reply.status(201).send(await service.createPlaylist(ctx, viewer, req.body));
    },
  );

  app.get(
    '/playlists/:sqid',
    { preHandler: app.optionalUser, schema: { tags, summary: 'A playlist with the items the caller can see', params: playlistParamsSchema, response: detail } },
    async (req) => service.getPlaylist(ctx, req.audience, req.params.sqid),
  );

  app.patch(
    '/playlists/:sqid',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        summary: "Change a playlist's title, description or visibility (owner only)",
        params: playlistParamsSchema,
        body: patchPlaylistsSqidBodySchema,
        response: detail,
      },
    },
    async (req) => service.changePlaylist(ctx, req.audience, req.params.sqid, req.body),
  );

  app.put(
    '/playlists/:sqid/items',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        summary: 'Replace the ordered items of a playlist (owner only)',
        description: `At most ${MAX_PLAYLIST_ITEMS} items; each a ready artwork the owner can see (else 400 \`invalid_playlist_item\` listing them), dwell 1000–3600000 ms.`,
        params: playlistParamsSchema,
        body: putPlaylistsSqidItemsBodySchema,
        response: detail,
      },
    },
    async (req) => service.setPlaylistItems(ctx, req.audience, req.params.sqid, req.body.items),
  );

  app.delete(
    '/playlists/:sqid',
    { preHandler: app.requireUser, schema: { tags, summary: 'Delete a playlist (owner only)', params: playlistParamsSchema, response: { 204: z.null(), ...errorResponses(401, 403, 404) } } },
    async (req, reply) => {
      await service.deletePlaylist(ctx, req.audience, req.params.sqid);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/users/:sqid/playlists',
    {
      preHandler: app.optionalUser,
      schema: {
        tags,
        summary: "A member's playlists, newest first",
        description: 'Hidden playlists are listed only for their owner.',
        params: getUsersSqidPlaylistsParamsSchema,
        querystring: listQuerySchema,
        response: { 200: listSchema(playlistSummarySchema), ...errorResponses(400, 404) },
      },
    },
    async (req) => service.listMemberPlaylists(ctx, req.audience, req.params.sqid, req.query),
  );
};
