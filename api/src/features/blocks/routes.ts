import { listQuerySchema, listSchema } from '@makapix/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { memberRefSchema } from '@makapix/protocol';
import { errorResponses } from '../../error-responses.ts';
import { blockMember, listMyBlocks, unblockMember } from './service.ts';
import { blockStateSchema, blockParamsSchema } from '@makapix/protocol';
import { blockListSchema } from '@makapix/protocol';

const tags = ['social'];
const errorsOf = errorResponses(400, 401, 403, 404);

/** docs/product.md §4 blocks. */
export const blockRoutes: FastifyPluginAsyncZod = async (app) => {
  app.put(
    '/users/:sqid/block',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        summary: 'Block a member',
        description: 'Idempotent. Removes follows both ways; comments, reactions and follows between the two are then refused (403 `blocked`). Blocking yourself → 400 `cannot_block_self`.',
        params: blockParamsSchema,
        response: { 200: blockStateSchema, ...errorsOf },
      },
    },
    async (req) => {
      await blockMember(app, req.viewer!.id, req.params.sqid);
      return { blocked: true };
    },
  );

  app.delete(
    '/users/:sqid/block',
    { preHandler: app.requireUser, schema: { tags, summary: 'Unblock a member (idempotent)', params: blockParamsSchema, response: { 200: blockStateSchema, ...errorsOf } } },
    async (req) => {
      await unblockMember(app, req.viewer!.id, req.params.sqid);
      return { blocked: false };
    },
  );

  app.get(
    '/me/blocks',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        summary: 'Members I blocked, newest first',
        querystring: listQuerySchema,
        response: { 200: blockListSchema, ...errorsOf },
      },
    },
    async (req) => listMyBlocks(app, req.viewer!.id, req.query),
  );
};
