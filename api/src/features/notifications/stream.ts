import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServerResponse } from 'node:http';
import { errors } from '../../errors.ts';
import type { AuthUser, Role } from '../../plugins/auth.ts';
import type { StreamEndReason } from '../../plugins/live-streams.ts';
import { findAccountStatus } from '../accounts/status-repo.ts';
import { errorResponses } from '../../error-responses.ts';
import { NotificationHub } from './hub.ts';
import type { HubMessage } from '@makapix/protocol';
import { unreadCount } from './service.ts';
import { notificationStreamQuerySchema } from '@makapix/protocol';

/** A comment line this often keeps proxies (Caddy, browsers) from closing an idle stream. */
export const SSE_HEARTBEAT_MS = 25_000;

/**
 * Browsers' EventSource cannot set headers, so the access token may also come as `?access_token=`.
 * Either way it is verified like every other request (pinned HS256, account live and not banned).
 */
async function authenticateStream(app: FastifyInstance, req: FastifyRequest, queryToken: string | undefined): Promise<AuthUser & { tokenExp: number }> {
  const header = req.headers.authorization;
  const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : queryToken;
  if (!token) throw errors.unauthorized();
  let claims: { sub: string; role: Role; exp: number };
  try {
    // plugins/auth.ts requires `exp`, so every stream has an end.
    claims = app.jwt.verify<{ sub: string; role: Role; exp: number }>(token);
  } catch {
    throw errors.unauthorized('The access token is invalid or expired', 'invalid_token');
  }
  const id = Number(claims.sub);
  const status = Number.isSafeInteger(id) ? await findAccountStatus(app.db, id) : null;
  if (!status || status.deletedAt || status.deactivatedAt) throw errors.unauthorized('This account no longer exists', 'account_inactive');
  if (status.bannedUntil && status.bannedUntil > new Date()) {
    throw errors.forbidden(`This account is banned until ${status.bannedUntil.toISOString()}`, 'banned');
  }
  return { id: status.id, role: status.role, tokenExp: claims.exp };
}

/** Writing after end would raise on the socket; a stream ending mid-event simply drops the event. */
function write(res: ServerResponse, chunk: string): void {
  if (!res.writableEnded && !res.destroyed) res.write(chunk);
}

function writeEvent(res: ServerResponse, event: string, data: unknown): void {
  write(res, `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * The stream's last event before the server closes it: `reauthenticate` asks the client to reconnect
 * with a fresh access token; `revoked` means the account may no longer have a stream (no reconnect).
 */
function endStream(res: ServerResponse, reason: StreamEndReason): void {
  writeEvent(res, reason === 'token_expired' ? 'reauthenticate' : 'revoked', { reason });
  res.end();
}

function deliver(res: ServerResponse, message: HubMessage): void {
  if (message.kind === 'notification') writeEvent(res, 'notification', message.notification);
  writeEvent(res, 'unread', { count: message.unreadCount });
}

/** GET /notifications/stream (docs/product.md §4 live notifications) with this process's hub. */
export const notificationStreamRoutes: FastifyPluginAsyncZod = async (app) => {
  const hub = new NotificationHub(app.redis.duplicate({ lazyConnect: true }), app.log);
  const open = new Set<ServerResponse>();
  // Open streams never end by themselves; without this the server would wait for them on shutdown.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });
  app.addHook('onClose', async () => hub.close());

  app.get(
    '/notifications/stream',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Live notifications (Server-Sent Events)',
        description:
          '`text/event-stream`: `event: unread` with `{"count"}` at once and after every change, `event: notification` with the notification JSON, and a `: heartbeat` comment every 25 s. Authenticate with `Authorization: Bearer` or `?access_token=` (EventSource cannot set headers). ' +
          'The server ends the stream when the access token expires (`event: reauthenticate` `{"reason":"token_expired"}`: reconnect with a fresh token) and when the member is banned, deactivated or deleted (`event: revoked` `{"reason":"banned"|"account_inactive"}`).',
        querystring: notificationStreamQuerySchema,
        response: errorResponses(401, 403),
      },
    },
    async (req, reply) => {
      const user = await authenticateStream(app, req, req.query.access_token);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // Caddy and nginx-style proxies must not buffer the stream.
        'x-accel-buffering': 'no',
      });
      res.write('retry: 5000\n\n');
      open.add(res);
      // Registered before any await, so a ban announced while the stream is being set up is not missed.
      const untrack = app.liveStreams.track(user.id, user.tokenExp, (reason) => endStream(res, reason));

      let closed = false;
      let unsubscribe: (() => Promise<void>) | null = null;
      const heartbeat = setInterval(() => write(res, ': heartbeat\n\n'), SSE_HEARTBEAT_MS);
      const cleanup = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        open.delete(res);
        untrack();
        void unsubscribe?.();
      };
      res.on('close', cleanup);

      try {
        unsubscribe = await hub.add(user.id, (message) => deliver(res, message));
        // The client may have gone while Redis confirmed the subscription.
        if (closed) return void (await unsubscribe());
        writeEvent(res, 'unread', { count: await unreadCount(app, user.id) });
      } catch (err) {
        req.log.warn({ err }, 'notification stream setup failed');
        res.end();
      }
    },
  );
};
