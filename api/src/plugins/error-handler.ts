import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { isAppError } from '../errors.ts';
import { drainRequest, type Envelope, frameworkEnvelope } from './error-envelope.ts';

/** The api's one error handler: every failure leaves as the docs/product.md §3 envelope. */
export const errorHandlerPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler(async (err: FastifyError, req, reply) => {
    const { status, body } = envelopeOf(err, req.log);
    if (isAppError(err) && err.headers) void reply.headers(err.headers);
    // Issue 11 §2: never answer (and close) while the client is still sending the body.
    await drainRequest(req.raw);
    return reply.status(status).send(body);
  });

  app.setNotFoundHandler(async (req, reply) => {
    await drainRequest(req.raw);
    return reply.status(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` } });
  });
});

function envelopeOf(err: FastifyError, log: FastifyInstance['log']): Envelope {
  if (isAppError(err)) {
    return { status: err.statusCode, body: { error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } } };
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const details = err.validation.map((v) => ({
      path: `${err.validationContext ?? 'request'}${v.instancePath.replace(/\//g, '.')}`,
      message: v.message ?? 'invalid',
    }));
    return { status: 400, body: { error: { code: 'validation_error', message: 'The request is invalid', details } } };
  }
  if (isResponseSerializationError(err)) {
    log.error({ err, issues: err.cause.issues }, 'response failed its schema');
    return frameworkEnvelope({ statusCode: 500, message: '' });
  }
  const envelope = frameworkEnvelope(err);
  if (envelope.status >= 500) log.error({ err }, 'unhandled error');
  return envelope;
}
