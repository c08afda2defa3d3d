import fastJson from 'fast-json-stringify';
import { createSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { $ZodType } from 'zod/v4/core';

/**
 * The response serializer: every route's zod response schema compiled once into a fast-json-stringify
 * function (via `z.toJSONSchema`), which writes only the properties the schema declares — extra
 * properties of the object a handler returns are never serialized, at any depth. That keeps the
 * guarantee of fastify-type-provider-zod's serializer (zod `safeEncode`, then `JSON.stringify`)
 * without paying for both a full validation and a generic stringify on every response (issue 14:
 * ~75 µs per feed page).
 *
 * What fast-json-stringify does not do is reject a value of the wrong type (it would coerce it). So
 * outside production (`verify`: tests and development) every response ALSO goes through the zod
 * serializer, fails exactly as before when the data breaks its schema (500, error-handler.ts), and
 * must equal it byte for byte — the whole integration suite thereby checks both paths agree for
 * every response it produces. A schema that JSON Schema cannot express keeps the zod path.
 */

type Stringify = (data: unknown) => string;
type JsonSchema = Record<string, unknown>;
interface RouteSchema {
  schema: unknown;
  method: string;
  url: string;
  httpStatus?: string;
}

/** Shared by every app in the process (the error body schema serves every route): built on first use. */
const compiled = new WeakMap<$ZodType, Stringify | null>();

function zodSchemaOf(maybe: unknown): $ZodType | null {
  if (maybe instanceof $ZodType) return maybe;
  const properties = (maybe as { properties?: unknown } | null)?.properties;
  return properties instanceof $ZodType ? properties : null;
}

/**
 * `anyOf: [{type: T, …}, {type: 'null'}]` (how zod writes a nullable enum or literal) as
 * `type: [T, 'null']`: fast-json-stringify then picks the branch by `typeof` instead of running a
 * validator on every value. Serializing a string does not depend on its enum.
 */
function simplify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(simplify);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(node)) out[k] = simplify(v);
  const anyOf = out.anyOf as JsonSchema[] | undefined;
  if (anyOf?.length === 2) {
    const nullIndex = anyOf.findIndex((s) => s.type === 'null' && Object.keys(s).length === 1);
    const other = anyOf[1 - nullIndex];
    const scalar = ['string', 'number', 'integer', 'boolean'];
    if (nullIndex !== -1 && other && typeof other.type === 'string' && scalar.includes(other.type)) {
      const { anyOf: _dropped, ...rest } = out;
      return { ...rest, type: [other.type, 'null'] };
    }
  }
  return out;
}

/** The fast serializer of a zod schema, or null when JSON Schema cannot express it. */
export function fastStringifyOf(schema: $ZodType): Stringify | null {
  if (compiled.has(schema)) return compiled.get(schema) ?? null;
  let stringify: Stringify | null;
  try {
    const json = z.toJSONSchema(schema, { target: 'draft-07', io: 'output', unrepresentable: 'throw' });
    stringify = fastJson(simplify(json) as Parameters<typeof fastJson>[0]) as Stringify;
  } catch {
    stringify = null;
  }
  compiled.set(schema, stringify);
  return stringify;
}

/** Fastify's serializer compiler for the api (app.ts); `verify` = also run and compare the zod path. */
export function responseSerializerCompiler(opts: { verify: boolean }) {
  const zodCompiler = createSerializerCompiler({});
  return (route: RouteSchema): Stringify => {
    const zodSerialize = zodCompiler(route as Parameters<typeof zodCompiler>[0]) as Stringify;
    const schema = zodSchemaOf(route.schema);
    // Compiled on the route's first response, so an app that serves few routes (a test) compiles few.
    let fast: Stringify | null | undefined;
    return (data) => {
      if (fast === undefined) fast = schema ? fastStringifyOf(schema) : null;
      if (fast === null) return zodSerialize(data);
      if (!opts.verify) return fast(data);
      const expected = zodSerialize(data);
      const written = fast(data);
      if (written !== expected) {
        throw new Error(`the fast serializer of ${route.method} ${route.url} (${route.httpStatus ?? '?'}) wrote ${written} where the zod serializer wrote ${expected}`);
      }
      return written;
    };
  };
}
