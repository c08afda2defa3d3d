import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Helmet's security headers on every response. The middleware is built once, at start:
 * @fastify/helmet builds it again for every request (re-parsing the CSP directives each time),
 * which was the largest share of the CPU of a cached feed page. Helmet only sets headers on the
 * raw response and calls back synchronously, so running it in onRequest is all the wiring needed.
 */
export const securityHeadersPlugin = fp(
  async (app: FastifyInstance, opts: HelmetOptions) => {
    const apply = helmet(opts);
    app.addHook('onRequest', (req, reply, done) => {
      apply(req.raw, reply.raw, (err?: unknown) => done(err instanceof Error ? err : undefined));
    });
  },
  { name: 'security-headers' },
);
