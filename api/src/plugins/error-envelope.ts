import { STATUS_CODES } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HttpErrorCode } from '@makapix/protocol';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Issue 11 §2: every response with status ≥ 400 leaves as the docs/product.md §3 envelope with a stable
 * snake_case code, whatever produced it — our AppErrors, Fastify's own FST_ERR_* refusals (also the
 * router's, which never reach the error handler), and Node's HTTP parser (clientError).
 */

/** Fastify's own refusals by code: the client's mistake under a stable name. */
const FASTIFY_CODES: Record<string, HttpErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_BAD_URL: 'bad_url',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
  FST_ERR_ASYNC_CONSTRAINT: 'internal_error',
};

/** Any other 4xx keeps its status and gets the status's code. */
const STATUS_CODE_NAMES: Record<number, HttpErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  411: 'length_required',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'headers_too_large',
};

export interface Envelope {
  status: number;
  body: { error: { code: string; message: string; details?: unknown } };
}

const INTERNAL: Envelope['body'] = { error: { code: 'internal_error', message: 'Something went wrong on our side' } };

/** The envelope of an error that is not ours (Fastify, a plugin, Node). 5xx never leak internals. */
export function frameworkEnvelope(err: { statusCode?: unknown; code?: unknown; message: string }): Envelope {
  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
  if (status >= 500) return { status, body: INTERNAL };
  const code = (typeof err.code === 'string' ? FASTIFY_CODES[err.code] : undefined) ?? STATUS_CODE_NAMES[status] ?? 'bad_request';
  return { status, body: { error: { code, message: err.message || STATUS_CODES[status] || 'Bad request' } } };
}

/** Fastify's `frameworkErrors` option: the router's refusals (bad percent-encoding, over-long parameter). */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = frameworkEnvelope(err);
  void reply.status(status).send(body);
}

/**
 * The body of a refused request may still be on its way (a 1.5 MiB JSON to a 1 MiB limit): closing
 * the socket with unread bytes makes the kernel reset it, which can destroy the answer before a
 * proxy reads it (Caddy then answers an empty 502). So the rest is read and dropped first, up to a
 * cap in bytes and time beyond which the client is abusive and the connection is simply closed.
 */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
const DRAIN_MAX_MS = 10_000;

export function drainRequest(raw: IncomingMessage): Promise<void> {
  if (raw.complete || raw.readableEnded || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let received = 0;
    const done = () => {
      clearTimeout(timer);
      raw.removeListener('data', onData);
      raw.removeListener('end', done);
      raw.removeListener('error', done);
      raw.removeListener('close', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > DRAIN_MAX_BYTES) done();
    };
    const timer = setTimeout(done, DRAIN_MAX_MS);
    raw.on('data', onData);
    raw.once('end', done);
    raw.once('error', done);
    raw.once('close', done);
    raw.resume();
  });
}

/**
 * Node's HTTP parser refusals (malformed request line or header, headers too large, timeout) never
 * reach Fastify: answered here in the envelope, as Fastify's default handler does in its own shape.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const message = status === 408 ? 'The request took too long to arrive' : status === 431 ? 'The request headers are too large' : 'The request is not valid HTTP';
  const body = JSON.stringify({ error: { code: STATUS_CODE_NAMES[status], message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
