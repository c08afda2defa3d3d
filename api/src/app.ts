import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiConfig } from './config.ts';
import { healthRoutes } from './features/health/routes.ts';
import { authPlugin } from './plugins/auth.ts';
import { dbPlugin } from './plugins/db.ts';
import { errorHandlerPlugin } from './plugins/error-handler.ts';
import { rateLimitPlugin } from './plugins/rate-limit.ts';
import { redisPlugin } from './plugins/redis.ts';
import { sqidsPlugin } from './plugins/sqids.ts';

/** Builds the Fastify instance; tests use it with `inject`, server.ts only listens. */
export async function buildApp(config: ApiConfig, opts: { logger?: FastifyServerOptions['logger'] } = {}) {
  const app = Fastify({
    logger: opts.logger ?? {
      level: config.log.level,
      ...(config.log.pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true, translateTime: 'HH:MM:ss' } } } : {}),
    },
    trustProxy: config.http.trustProxy,
    bodyLimit: 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(errorHandlerPlugin);
  await app.register(helmet, {
    // The API serves JSON (and the docs page); pages get their own CSP from the web app.
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"], imgSrc: ["'self'", 'data:'], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"] } },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  await app.register(cors, { origin: config.http.corsOrigins, credentials: true });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Makapix Club API', version: '0.1.0', description: 'App routes under /api/v1, device routes under /api/player (PROTOCOL.md).' },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  await app.register(dbPlugin, { url: config.db.url, poolMax: config.db.poolMax, migrate: config.db.migrateOnStart });
  await app.register(redisPlugin, { url: config.redis.url });
  await app.register(authPlugin, { jwtSecret: config.auth.jwtSecret });
  await app.register(rateLimitPlugin);
  await app.register(sqidsPlugin, { alphabet: config.sqids.alphabet });

  await app.register(healthRoutes, { prefix: '/api' });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
