import { MAX_PLAYLIST_ITEMS } from '@makapix/db';
import { codePointLength, listQuerySchema, listSchema } from '@makapix/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ownerRefSchema, postSummarySchema } from '../posts/present.ts';
import { errorResponses } from '../../error-responses.ts';
import * as service from './service.ts';

export interface PlaylistRoutesOptions {
  vault: { publicBaseUrl: string };
}

const tags = ['playlists'];
const chars = (min: number, max: number, what: string) =>
  z
    .string()
    .max(max * 4)
    .trim()
    .refine((s) => codePointLength(s) >= min && codePointLength(s) <= max, { error: `${what} is ${min}–${max} characters` });
const title = chars(1, 128, 'a title');
const description = chars(0, 5000, 'a description').nullable();
const params = z.object({ sqid: z.string().min(1).max(32).describe('sqid of the playlist') });

const playlistSummarySchema = z.object({
  id: z.string(),
  owner: ownerRefSchema,
  title: z.string(),
  description: z.string().nullable(),
  public: z.boolean().describe('false: only the owner (and moderators) can see it'),
  itemCount: z.int().min(0).describe('items the caller can see'),
  createdAt: z.iso.datetime(),
  modifiedAt: z.iso.datetime(),
});
const playlistDetailSchema = playlistSummarySchema.extend({
  items: z.array(z.object({ position: z.int().min(0), dwellTimeMs: z.int(), artwork: postSummarySchema })),
});
const detail = { 200: playlistDetailSchema, ...errorResponses(400, 401, 403, 404) };

/** SPEC.md §5 playlists: ordered artworks with per-item dwell time, public or hidden. */
export const playlistRoutes: FastifyPluginAsyncZod<PlaylistRoutesOptions> = async (app, opts) => {
  const ctx: service.PlaylistsContext = { app, vaultBaseUrl: opts.vault.publicBaseUrl };

  app.post(
    '/playlists',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        summary: 'Create a playlist (empty; set its items with PUT …/items)',
        body: z.object({ title, description: description.optional(), public: z.boolean() }),
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
    { preHandler: app.optionalUser, schema: { tags, summary: 'A playlist with the items the caller can see', params, response: detail } },
    async (req) => service.getPlaylist(ctx, req.audience, req.params.sqid),
  );

  app.patch(
    '/playlists/:sqid',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        summary: "Change a playlist's title, description or visibility (owner only)",
        params,
        body: z.object({ title: title.optional(), description: description.optional(), public: z.boolean().optional() }),
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
        params,
        body: z.object({
          items: z
            .array(z.object({ postId: z.string().min(1).max(32), dwellTimeMs: z.int().min(1_000).max(3_600_000) }))
            .max(MAX_PLAYLIST_ITEMS),
        }),
        response: detail,
      },
    },
    async (req) => service.setPlaylistItems(ctx, req.audience, req.params.sqid, req.body.items),
  );

  app.delete(
    '/playlists/:sqid',
    { preHandler: app.requireUser, schema: { tags, summary: 'Delete a playlist (owner only)', params, response: { 204: z.null(), ...errorResponses(401, 403, 404) } } },
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
        params: z.object({ sqid: z.string().min(1).max(32).describe('sqid of the member') }),
        querystring: listQuerySchema,
        response: { 200: listSchema(playlistSummarySchema), ...errorResponses(400, 404) },
      },
    },
    async (req) => service.listMemberPlaylists(ctx, req.audience, req.params.sqid, req.query),
  );
};
