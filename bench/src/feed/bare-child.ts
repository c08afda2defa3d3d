import { readFile } from 'node:fs/promises';
import { postSummarySchema } from '@makapix/protocol';
import { listSchema } from '@makapix/protocol';
import Fastify from 'fastify';
import pg from 'pg';
import { z } from 'zod';
import { serveChild } from './children.ts';

/**
 * The reference: a bare Fastify route answering `GET /api/v1/feeds/recent` with the exact bytes and
 * content type the real endpoint returned (mode `static`). The other modes add back one piece of
 * the api's work at a time, for the diagnostic ladder:
 * - `stringify`: the same object serialized per request by Fastify's default (JSON.stringify);
 * - `zod`: the api's response serializer — fastify-type-provider-zod's serializerCompiler is
 *   `JSON.stringify(safeEncode(schema, data))` over the route's `listSchema(postSummarySchema)`;
 * - `sql`: static bytes after running the api's captured queries (the feed page, owners joined in)
 *   through a pg pool of the api's default size.
 */

const argsSchema = z.object({
  mode: z.enum(['static', 'stringify', 'zod', 'sql']),
  bodyFile: z.string(),
  contentType: z.string(),
  databaseUrl: z.string().optional(),
  poolMax: z.number().int().positive().default(10),
  queries: z.array(z.object({ text: z.string(), values: z.array(z.unknown()) })).default([]),
});
const args = argsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));

const bytes = await readFile(args.bodyFile);
const object: unknown = JSON.parse(bytes.toString('utf8'));
const feedSchema = listSchema(postSummarySchema);
const pool = args.mode === 'sql' ? new pg.Pool({ connectionString: args.databaseUrl, max: args.poolMax }) : null;

const app = Fastify({ logger: false });
if (args.mode === 'zod') {
  app.setSerializerCompiler(() => (data) => {
    const result = z.safeEncode(feedSchema, data as z.output<typeof feedSchema>);
    if (result.error) throw result.error;
    return JSON.stringify(result.data);
  });
}
const route = '/api/v1/feeds/recent';
switch (args.mode) {
  case 'static':
    app.get(route, (_req, reply) => reply.type(args.contentType).send(bytes));
    break;
  case 'stringify':
    app.get(route, async () => object);
    break;
  case 'zod':
    app.get(route, { schema: { response: { 200: {} } } }, async () => object);
    break;
  case 'sql':
    app.get(route, async (_req, reply) => {
      for (const q of args.queries) await pool?.query(q.text, q.values);
      return reply.type(args.contentType).send(bytes);
    });
    break;
}

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (!address || typeof address !== 'object') throw new Error('not listening on a TCP port');
serveChild(address.port, {}, async () => {
  await app.close();
  await pool?.end();
});
