import { errorBodySchema, listSchema, postDetailSchema, postSummarySchema } from '@makapix/protocol';
import { createSerializerCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fastStringifyOf, responseSerializerCompiler } from './response-serializer.ts';

const zodPath = (schema: z.ZodType) => createSerializerCompiler({})({ schema, method: 'GET', url: '/x' } as never) as (d: unknown) => string;
const fastPath = (schema: z.ZodType, verify: boolean) => responseSerializerCompiler({ verify })({ schema, method: 'GET', url: '/x', httpStatus: '200' });

const summary = {
  id: 'abc',
  title: 'Pixel "piece" \u2028 ✨',
  hashtags: ['pixelart', 'tag1'],
  state: 'ready',
  owner: { id: 'xyz', handle: 'Artist1' },
  width: 32,
  height: 16,
  nativeFormat: 'png',
  frameCount: 1,
  artUrl: 'http://localhost:8080/vault/a/b/c.png',
  upscaledUrl: null,
  createdAt: '2026-12-07T22:00:00.000Z',
};
const detail = {
  ...summary,
  nativeFormat: null,
  kind: 'artwork',
  description: null,
  fileBytes: 1024,
  minFrameDurationMs: null,
  maxFrameDurationMs: null,
  totalDurationMs: null,
  uniqueColors: 16,
  transparency: { declared: null, actual: false },
  alpha: { declared: true, actual: null },
  approved: true,
  promoted: false,
  metadataModifiedAt: '2026-12-07T22:00:00.000Z',
  artworkModifiedAt: null,
  files: { artUrl: 'a', upscaledUrl: 'b', renditions: [{ format: 'gif', url: 'c' }] },
  counts: { reactions: 1, comments: 2, views: 3 },
  ownerInfo: null,
};

const cases: [string, z.ZodType, unknown][] = [
  ['feed page', listSchema(postSummarySchema), { items: [summary, { ...summary, id: 'def', nativeFormat: null }], nextCursor: 'eyJpZCI6MX0' }],
  ['last feed page', listSchema(postSummarySchema), { items: [], nextCursor: null }],
  ['artwork page', postDetailSchema, detail],
  ['error body', errorBodySchema, { error: { code: 'validation_error', message: 'The request is invalid', details: [{ path: 'querystring.limit', message: 'too big' }] } }],
  ['union', z.union([z.object({ ok: z.literal(true), n: z.int() }), z.object({ ok: z.literal(false), why: z.string() })]), { ok: false, why: 'no' }],
  ['record and optional', z.object({ tags: z.record(z.string(), z.int()), note: z.string().optional() }), { tags: { a: 1, b: 2 } }],
];

describe('response serializer (issue 14: one pass, only declared properties)', () => {
  it.each(cases)('writes what the zod path writes: %s', (_name, schema, data) => {
    expect(fastStringifyOf(schema)).not.toBeNull();
    expect(fastPath(schema, false)(data)).toBe(zodPath(schema)(data));
    expect(fastPath(schema, true)(data)).toBe(zodPath(schema)(data));
  });

  it('drops properties the schema does not declare, at every depth', () => {
    const leaky = {
      items: [{ ...summary, ownerId: 42, storageKey: 'secret-key', owner: { ...summary.owner, email: 'a@b.c' } }],
      nextCursor: null,
      debug: { sql: 'select …' },
    };
    const out = fastPath(listSchema(postSummarySchema), false)(leaky);
    expect(out).not.toMatch(/ownerId|storageKey|secret-key|email|debug/);
    expect(JSON.parse(out)).toEqual({ items: [summary], nextCursor: null });
    expect(out).toBe(zodPath(listSchema(postSummarySchema))(leaky));
  });

  it('verify mode refuses data that breaks the schema, as the zod path does', () => {
    const broken = { items: [{ ...summary, width: 'wide' }], nextCursor: null };
    expect(() => fastPath(listSchema(postSummarySchema), true)(broken)).toThrow();
  });

  it('keeps the zod path for a schema JSON Schema cannot express', () => {
    const schema = z.object({ at: z.date() });
    expect(fastStringifyOf(schema)).toBeNull();
    expect(() => fastPath(schema, false)({ at: 'not a date' })).toThrow();
  });
});
