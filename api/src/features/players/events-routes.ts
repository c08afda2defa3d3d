import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errors } from '../../errors.ts';
import { PlayerEventsRelay } from './events-relay.ts';
import { errorResponses } from '../../error-responses.ts';
import { presentPlayerEvent } from './present.ts';
import { getPlayersEventsQuerySchema, getPlayersEventsResponseSchema } from '@makapix/protocol';

const KEEPALIVE_MS = 15_000;

/**
 * docs/product.md §5: owners see their players change live. Server-sent events `status`, `capabilities`,
 * `state`, `command_ack` (each `{playerId, at, data}`), preceded by one `ready` once subscribed.
 */
export const playerEventRoutes: FastifyPluginAsyncZod = async (app) => {
  const relay = new PlayerEventsRelay(app.redis, app.log);
  const streams = new Set<FastifyReply['raw']>();
  // Open streams would keep the server from closing: end them first, then the subscriber.
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });
  app.addHook('onClose', async () => relay.close());

  /** EventSource cannot send headers, so the access token may come as `?access_token=`. */
  const tokenFromQuery = async (req: FastifyRequest) => {
    const token = (req.query as { access_token?: string }).access_token;
    if (!req.headers.authorization && token) req.headers.authorization = `Bearer ${token}`;
  };

  app.get(
    '/players/events',
    {
      preHandler: [tokenFromQuery, app.requireUser],
      schema: {
        tags: ['players'],
        summary: 'Live events of my players (text/event-stream)',
        description:
          'Auth by `Authorization: Bearer` or `?access_token=`. Events: `ready`, then `status`, `capabilities`, `state`, `command_ack` with data `{playerId, at, data}`. ' +
          'The stream ends with `reauthenticate` `{"reason":"token_expired"}` when the access token expires (reconnect with a fresh one) and with `revoked` `{"reason":"banned"|"account_inactive"}` when the member is banned, deactivated or deleted.',
        querystring: getPlayersEventsQuerySchema,
        response: { 200: getPlayersEventsResponseSchema, ...errorResponses(401, 403) },
      },
    },
    async (req, reply) => {
      const viewer = req.viewer;
      if (!viewer) throw errors.unauthorized();
      // requireUser verified the token (with a required `exp`); the stream must end when it expires.
      const tokenExp = app.jwt.decode<{ exp: number }>(req.headers.authorization!.slice('Bearer '.length))!.exp;
      const raw = reply.raw;
      const write = (chunk: string) => {
        if (!raw.writableEnded) raw.write(chunk);
      };
      const unsubscribe = await relay.subscribe(viewer.id, (event) => {
        const { type, body } = presentPlayerEvent(event, app.publicId);
        write(`event: ${type}\ndata: ${JSON.stringify(body)}\n\n`);
      });
      reply.hijack();
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // Caddy and nginx-style proxies must not buffer the stream.
        'x-accel-buffering': 'no',
      });
      streams.add(raw);
      write(`retry: 3000\nevent: ready\ndata: {}\n\n`);
      // Same ending as the notification stream: a fresh token is needed, or the account was cut off.
      const untrack = app.liveStreams.track(viewer.id, tokenExp, (reason) => {
        write(`event: ${reason === 'token_expired' ? 'reauthenticate' : 'revoked'}\ndata: ${JSON.stringify({ reason })}\n\n`);
        raw.end();
      });
      const keepalive = setInterval(() => write(': keepalive\n\n'), KEEPALIVE_MS);
      const cleanup = () => {
        clearInterval(keepalive);
        streams.delete(raw);
        untrack();
        unsubscribe();
      };
      raw.once('close', cleanup);
      // The client may have gone while we subscribed: 'close' would never fire again.
      if (raw.destroyed) cleanup();
    },
  );
};
