import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CLEANUP_TASKS,
  decodeCursor,
  describeZodError,
  encodeCursor,
  HTTP_ERROR_CODES,
  HTTP_ERROR_STATUS,
  httpErrorBody,
  httpErrorBodySchema,
  JOB_NAMES,
  JOB_QUEUE,
  jobIds,
  jobPayloadSchemas,
  listQuerySchema,
  listSchema,
  pageOf,
  parseJobPayload,
  validationProblems,
} from '../src/index.ts';

describe('jobs', () => {
  it('has a schema and a queue for every job name', () => {
    for (const name of JOB_NAMES) {
      expect(jobPayloadSchemas[name]).toBeDefined();
      expect(JOB_QUEUE[name]).toBeDefined();
    }
  });

  it('validates process-artwork and applies scheduled-job defaults', () => {
    expect(parseJobPayload('process-artwork', { postId: 12 })).toEqual({ postId: 12 });
    expect(() => parseJobPayload('process-artwork', { postId: 0 })).toThrow();
    expect(parseJobPayload('cleanup', {})).toEqual({ tasks: [...CLEANUP_TASKS] });
    expect(parseJobPayload('mark-stale-players-offline', {})).toEqual({ staleAfterMs: 180_000 });
    expect(parseJobPayload('renew-crl', {})).toEqual({ force: false });
    expect(parseJobPayload('verify-vault', {})).toEqual({ afterPostId: 0 });
  });

  it('carries links and ids in emails, never passwords', () => {
    const verify = { template: 'verify-email', to: 'ann@example.test', userId: 3, verifyUrl: 'https://makapix.test/verify?t=x' };
    expect(parseJobPayload('send-email', verify)).toEqual(verify);
    expect(parseJobPayload('send-email', { ...verify, password: 'hunter2' })).not.toHaveProperty('password');
    expect(() => parseJobPayload('send-email', { ...verify, to: 'not-an-email' })).toThrow();
    expect(() => parseJobPayload('send-email', { ...verify, template: 'welcome' })).toThrow();
    expect(() =>
      parseJobPayload('send-email', { template: 'reset-password', to: 'ann@example.test', userId: 3 }),
    ).toThrow();
  });

  it('derives job ids from the entity, without colons', () => {
    expect(jobIds.processArtwork(5, 'a:b')).toBe('process-artwork-5-a-b');
    expect(jobIds.notificationDigest(3, '2025-12-22T16:00:00Z')).not.toContain(':');
  });
});

describe('HTTP error envelope', () => {
  it('maps every code to a status and builds the envelope', () => {
    for (const code of HTTP_ERROR_CODES) expect(HTTP_ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
    expect(HTTP_ERROR_STATUS.validation_error).toBe(400);
    expect(HTTP_ERROR_STATUS.rate_limited).toBe(429);
    expect(HTTP_ERROR_STATUS.artwork_duplicate).toBe(409);
    expect(HTTP_ERROR_STATUS.unsupported_command).toBe(400);
    expect(httpErrorBody('not_found', 'no such post')).toEqual({ error: { code: 'not_found', message: 'no such post' } });
    expect(httpErrorBodySchema.safeParse(httpErrorBody('blocked', 'x', { by: 1 })).success).toBe(true);
    expect(httpErrorBodySchema.safeParse({ error: { code: 'Oops', message: 'x' } }).success).toBe(false);
  });

  it('lists validation problems and summarizes zod errors', () => {
    const result = z.object({ a: z.string(), b: z.object({ c: z.int() }) }).safeParse({ a: 1, b: { c: 'x' } });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(validationProblems(result.error).map((p) => p.path)).toEqual(['a', 'b.c']);
    expect(describeZodError(result.error)).toMatch(/^a: .+; b\.c: .+$/);
    expect(describeZodError(result.error, 1)).toMatch(/\(\+1 more\)$/);
  });
});

describe('lists', () => {
  it('builds {items, nextCursor} schemas and pages', () => {
    const schema = listSchema(z.object({ id: z.int() }));
    expect(schema.safeParse({ items: [{ id: 1 }], nextCursor: null }).success).toBe(true);
    expect(schema.safeParse({ items: [{ id: 1 }] }).success).toBe(false);
    const rows = [{ id: 1 }, { id: 2 }, { id: 3 }];
    expect(pageOf(rows, 2, (r) => String(r.id))).toEqual({ items: [{ id: 1 }, { id: 2 }], nextCursor: '2' });
    expect(pageOf(rows, 3, (r) => String(r.id))).toEqual({ items: rows, nextCursor: null });
  });

  it('bounds limit 1-200 with default 50', () => {
    expect(listQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(listQuerySchema.parse({ limit: '200' }).limit).toBe(200);
    expect(listQuerySchema.safeParse({ limit: '201' }).success).toBe(false);
  });

  it('round-trips opaque URL-safe cursors and rejects tampered ones', () => {
    const shape = z.object({ id: z.int(), at: z.string() });
    const cursor = encodeCursor({ id: 42, at: 'é 2025' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, shape)).toEqual({ id: 42, at: 'é 2025' });
    expect(decodeCursor('!!', shape)).toBeNull();
    expect(decodeCursor(encodeCursor({ id: 'x' }), shape)).toBeNull();
    expect(decodeCursor('abc', shape)).toBeNull();
  });
});
