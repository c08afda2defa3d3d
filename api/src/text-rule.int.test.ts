import { UNSTORABLE_TEXT_MESSAGE } from '@makapix/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, nextIp, type TestMember } from '../test/fixtures/accounts.ts';
import { makePng } from '../test/fixtures/artwork-images.ts';
import { createArtist, uploadArtwork } from '../test/fixtures/posting.ts';
import { createTestApp, type TestApp } from '../test/helpers.ts';

// Issue 11 §1, HTTP: every string of every body, query and path parameter of every registered
// route (walked from the routes' own schemas as the OpenAPI document publishes them, never a hand
// list) answers U+0000 — and, in JSON bodies, a lone surrogate — with 400 `validation_error`, never
// a 5xx. A route added tomorrow is walked too.

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  enum?: unknown[];
  const?: unknown;
  minItems?: number;
  $ref?: string;
};
interface Operation {
  parameters?: { in: string; name: string; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

let t: TestApp;
let siteOwner: TestMember;
let doc: { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, JsonSchema> } };

beforeAll(async () => {
  t = await createTestApp();
  // The site owner passes every role check, so validation is what answers.
  siteOwner = await createMember(t, { role: 'owner' });
  doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
});
afterAll(async () => t?.close());

function resolve(schema: JsonSchema | undefined): JsonSchema {
  let s = schema ?? {};
  for (let i = 0; s.$ref && i < 10; i++) s = doc.components?.schemas?.[s.$ref.split('/').pop()!] ?? {};
  return s;
}
const typeOf = (s: JsonSchema) => (Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type);

/** A small value of the schema: required properties only, first option. */
function sample(raw: JsonSchema | undefined): unknown {
  const s = resolve(raw);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const option = s.anyOf?.[0] ?? s.oneOf?.[0] ?? s.allOf?.[0];
  if (option) return sample(option);
  switch (typeOf(s)) {
    case 'object':
      return Object.fromEntries((s.required ?? []).map((k) => [k, sample(s.properties?.[k])]));
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items));
    case 'string':
      return 'a';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

/** Every string leaf: its path and the whole value with `bad` there. */
function cases(raw: JsonSchema | undefined, bad: string, depth = 0): { path: string; value: unknown }[] {
  const s = resolve(raw);
  if (depth > 8) return [];
  const options = [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])];
  if (options.length > 0) return options.flatMap((o) => cases(o, bad, depth + 1));
  if (s.enum || s.const !== undefined) return [];
  switch (typeOf(s)) {
    case 'string':
      return [{ path: '', value: bad }];
    case 'object': {
      const base = sample(s) as Record<string, unknown>;
      const props = Object.entries(s.properties ?? {}).flatMap(([k, v]) =>
        cases(v, bad, depth + 1).map((c) => ({ path: c.path ? `${k}.${c.path}` : k, value: { ...base, [k]: c.value } })),
      );
      const extra = typeof s.additionalProperties === 'object' ? cases(s.additionalProperties, bad, depth + 1).map((c) => ({ path: `k${c.path ? `.${c.path}` : ''}`, value: { ...base, k: c.value } })) : [];
      return [...props, ...extra];
    }
    case 'array':
      return cases(s.items, bad, depth + 1).map((c) => ({ path: c.path ? `0.${c.path}` : '0', value: [...(sample(s) as unknown[]), c.value] }));
    default:
      return [];
  }
}

interface HttpCase {
  label: string;
  method: string;
  url: string;
  query?: Record<string, string>;
  body?: unknown;
}

function httpCases(): HttpCase[] {
  const out: HttpCase[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = op.parameters ?? [];
      const fill = (name: string) => {
        const s = resolve(params.find((p) => p.in === 'path' && p.name === name)?.schema);
        return typeOf(s) === 'integer' || typeOf(s) === 'number' ? '1' : 'a';
      };
      const urlWith = (badParam?: string) => path.replace(/\{([^}]+)\}/g, (_m, name: string) => (name === badParam ? 'x%00' : fill(name)));
      const query = Object.fromEntries(params.filter((p) => p.in === 'query' && p.schema && (p.schema.required as unknown) !== false).map((p) => [p.name, String(sample(p.schema) ?? 'a')]));
      const baseQuery = Object.fromEntries(Object.entries(query).filter(([name]) => (params.find((p) => p.name === name) as { required?: boolean } | undefined)?.required));
      for (const p of params) {
        if (p.in === 'path' && cases(p.schema, 'x').length > 0) out.push({ label: `${method.toUpperCase()} ${path} path ${p.name}`, method, url: urlWith(p.name) });
        if (p.in === 'query' && cases(p.schema, 'x').length > 0) {
          out.push({ label: `${method.toUpperCase()} ${path} query ${p.name}`, method, url: urlWith(), query: { ...baseQuery, [p.name]: 'x\u0000' } });
        }
      }
      const body = op.requestBody?.content?.['application/json']?.schema;
      for (const bad of ['x\u0000', 'x\uD800']) {
        for (const c of cases(body, bad)) out.push({ label: `${method.toUpperCase()} ${path} body ${c.path || '(root)'} = ${JSON.stringify(bad)}`, method, url: urlWith(), body: c.value });
      }
    }
  }
  return out;
}

describe('the text rule on every HTTP string (issue 11 §1)', () => {
  it('walks every route of the OpenAPI document, bodies, queries and path parameters', async () => {
    const all = httpCases();
    // The walk reaches the examples the issue names (so it cannot pass by walking nothing).
    const labels = all.map((c) => c.label);
    for (const expected of [
      'PATCH /api/v1/me body bio',
      'POST /api/v1/posts/{sqid}/comments body body',
      'POST /api/v1/reports body reason',
      'GET /api/v1/search query q',
      'GET /api/v1/users/by-handle/{handle} path handle',
      'GET /api/v1/feeds/hashtags/{tag} path tag',
      'POST /api/player/provision body device_model',
    ]) {
      expect(labels.some((l) => l.startsWith(expected)), expected).toBe(true);
    }
    expect(Object.keys(doc.paths).length).toBeGreaterThan(40);

    const failures: string[] = [];
    for (const c of all) {
      const res = await t.app.inject({
        method: c.method.toUpperCase() as 'GET',
        url: c.url,
        ...(c.query ? { query: c.query } : {}),
        headers: { ...siteOwner.auth, 'x-forwarded-for': nextIp(), ...(c.body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(c.body === undefined ? {} : { payload: JSON.stringify(c.body) }),
      });
      const code = res.headers['content-type']?.toString().includes('json') ? (res.json() as { error?: { code?: string } }).error?.code : undefined;
      if (res.statusCode !== 400 || code !== 'validation_error') failures.push(`${c.label} → ${res.statusCode} ${res.body.slice(0, 160)}`);
    }
    expect(failures).toEqual([]);
  });

  // (A multipart body is UTF-8 bytes: a lone surrogate cannot be sent in one, it arrives as U+FFFD.)
  it('multipart upload fields follow the rule too (title, description, hashtags)', async () => {
    const artist = await createArtist(t);
    const png = await makePng();
    for (const [field, value] of [['title', 'x\u0000'], ['description', 'x\u0000'], ['hashtags', 'x\u0000']] as const) {
      const res = await uploadArtwork(t, artist, png, { title: 'ok', [field]: value });
      expect(res.statusCode, `${field} ${res.body}`).toBe(400);
      expect(res.json().error.code).toBe('validation_error');
    }
  });

  it('names the field and the rule in the answer', async () => {
    const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: siteOwner.auth, payload: { bio: 'hi\u0000there' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation_error', details: [{ path: 'body.bio', message: UNSTORABLE_TEXT_MESSAGE }] });
  });
});
