import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiConfig } from './config.ts';
import { accountRoutes } from './features/accounts/routes.ts';
import { deviceHttpRoutes } from './features/device-http/routes.ts';
import { deviceInboxPlugin } from './features/device-inbox/plugin.ts';
import { feedRoutes } from './features/feeds/routes.ts';
import { healthRoutes } from './features/health/routes.ts';
import { moderationRoutes } from './features/moderation/routes.ts';
import { postRoutes } from './features/posts/routes.ts';
import { searchRoutes } from './features/search/routes.ts';
import { userRoutes } from './features/users/routes.ts';
import { avatarRoutes } from './features/users/avatar.ts';
import { blockRoutes } from './features/blocks/routes.ts';
import { commentRoutes } from './features/comments/routes.ts';
import { followRoutes } from './features/follows/routes.ts';
import { notificationRoutes } from './features/notifications/routes.ts';
import { playlistRoutes } from './features/playlists/routes.ts';
import { reactionRoutes } from './features/reactions/routes.ts';
import { reportRoutes } from './features/reports/routes.ts';
import { viewRoutes } from './features/views/routes.ts';
import { playerCommandRoutes } from './features/players/command-routes.ts';
import { playerDeviceRoutes } from './features/players/device-routes.ts';
import { playerEventRoutes } from './features/players/events-routes.ts';
import { playerRoutes } from './features/players/routes.ts';
import { playsetRoutes } from './features/playsets/routes.ts';
import { authPlugin } from './plugins/auth.ts';
import { dbPlugin } from './plugins/db.ts';
import { deviceAuthPlugin } from './plugins/device-auth.ts';
import { responseSerializerCompiler } from './plugins/response-serializer.ts';
import { clientErrorHandler, frameworkErrors } from './plugins/error-envelope.ts';
import { errorHandlerPlugin } from './plugins/error-handler.ts';
import { liveStreamsPlugin } from './plugins/live-streams.ts';
import { mqttPlugin } from './plugins/mqtt.ts';
import { queuesPlugin } from './plugins/queues.ts';
import { rateLimitPlugin } from './plugins/rate-limit.ts';
import { securityHeadersPlugin } from './plugins/security-headers.ts';
import { redisPlugin } from './plugins/redis.ts';
import { sqidsPlugin } from './plugins/sqids.ts';
import { storableValidatorCompiler } from './plugins/validation.ts';

export function redactTokens(url: string): string {
  return url.replace(/([?&](?:access_token|token)=)[^&]*/g, '$1[redacted]');
}

/** Builds the Fastify instance; tests use it with `inject`, server.ts only listens. */
export async function buildApp(config: ApiConfig, opts: { logger?: FastifyServerOptions['logger'] } = {}) {
  const app = Fastify({
    logger: opts.logger ?? {
      level: config.log.level,
      // SSE routes accept `?access_token=` (EventSource cannot send headers): keep tokens out of logs.
      serializers: {
        req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: redactTokens(req.url), reqId: req.id }),
      },
      ...(config.log.pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true, translateTime: 'HH:MM:ss' } } } : {}),
    },
    trustProxy: config.http.trustProxy,
    bodyLimit: 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    // Issue 11 §2: the router's and Node's own refusals leave in the one envelope too.
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(storableValidatorCompiler);
  // Fast in production; outside it every response is also checked against the zod path (response-serializer.ts).
  app.setSerializerCompiler(responseSerializerCompiler({ verify: config.env !== 'production' }));
  await app.register(errorHandlerPlugin);
  await app.register(securityHeadersPlugin, {
    // The API serves JSON (and the docs page); pages get their own CSP from the web app.
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"], imgSrc: ["'self'", 'data:'], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"] } },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  const corsOrigins = new Set(config.http.corsOrigins);
  await app.register(cors, {
    // docs/product.md §3 CORS by explicit origin list: a listed origin is echoed, with credentials (the
    // refresh cookie); any other gets no CORS header at all and no preflight answer.
    origin: (origin, cb) => cb(null, origin !== undefined && corsOrigins.has(origin) ? origin : false),
    credentials: true,
    // The web app edits and deletes too; the plugin's default allows only GET, HEAD and POST.
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Makapix Club API', version: '0.1.0', description: 'App routes under /api/v1, device routes under /api/player (docs/device-protocol.md).' },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  await app.register(dbPlugin, { url: config.db.url, poolMax: config.db.poolMax, poolMin: config.db.poolMin, migrate: config.db.migrateOnStart });
  await app.register(redisPlugin, { url: config.redis.url });
  await app.register(authPlugin, { jwtSecret: config.auth.jwtSecret });
  await app.register(rateLimitPlugin);
  await app.register(liveStreamsPlugin);
  await app.register(queuesPlugin, { redisUrl: config.redis.url });
  await app.register(mqttPlugin, { url: config.broker.internalUrl, username: config.broker.username, password: config.broker.password });
  await app.register(sqidsPlugin, { alphabet: config.sqids.alphabet });
  await app.register(deviceAuthPlugin, { config });

  await app.register(healthRoutes, { prefix: '/api' });
  // Feature route plugins, each registered under its prefix (one line per feature).
  await app.register(accountRoutes, { prefix: '/api/v1', config });
  await app.register(userRoutes, { prefix: '/api/v1' });
  await app.register(avatarRoutes, { prefix: '/api/v1', vault: config.vault });
  await app.register(moderationRoutes, { prefix: '/api/v1', vault: config.vault });
  await app.register(postRoutes, { prefix: '/api/v1', vault: config.vault });
  await app.register(feedRoutes, { prefix: '/api/v1', vault: config.vault, visitorCacheTtlMs: config.feeds.visitorCacheTtlMs });
  await app.register(searchRoutes, { prefix: '/api/v1', vault: config.vault });
  await app.register(viewRoutes, { prefix: '/api/v1' });
  await app.register(playerDeviceRoutes);
  await app.register(playerRoutes, { prefix: '/api/v1' });
  await app.register(playerEventRoutes, { prefix: '/api/v1' });
  await app.register(playerCommandRoutes, { prefix: '/api/v1' });
  await app.register(playsetRoutes, { prefix: '/api/v1' });
  await app.register(reactionRoutes, { prefix: '/api/v1' });
  await app.register(commentRoutes, { prefix: '/api/v1' });
  await app.register(followRoutes, { prefix: '/api/v1' });
  await app.register(blockRoutes, { prefix: '/api/v1' });
  await app.register(reportRoutes, { prefix: '/api/v1' });
  await app.register(playlistRoutes, { prefix: '/api/v1', vault: config.vault });
  await app.register(notificationRoutes, { prefix: '/api/v1' });
  await app.register(deviceHttpRoutes, { config });
  await app.register(deviceInboxPlugin, { config });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
