import type { z } from 'zod';
import { followsTextRule } from './text.ts';

/*
 * Issue 11 §1: the tests prove the text rule on EVERY string of every schema by walking the
 * schemas rather than listing fields by hand, so a field added tomorrow is covered (or fails)
 * without anyone remembering it. `textCases` yields, for each string leaf, a value of the whole
 * schema with only that leaf replaced; `stringLeaves` lists the leaves with whether they carry
 * the rule.
 */

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Steps through wrappers that do not change which strings a value holds. */
function unwrap(schema: z.ZodType): z.ZodType {
  for (;;) {
    const def = defOf(schema);
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type)) schema = def.innerType as z.ZodType;
    else if (def.type === 'pipe') schema = def.in as z.ZodType;
    else if (def.type === 'lazy') schema = (def.getter as () => z.ZodType)();
    else return schema;
  }
}

const isOptional = (schema: z.ZodType): boolean => ['optional', 'default', 'prefault', 'catch'].includes(defOf(schema).type) || (defOf(schema).type === 'pipe' && isOptional(defOf(schema).in as z.ZodType));

/** A small value of the schema's input: required keys only, first option, empty collections. */
export function sampleOf(schema: z.ZodType): unknown {
  const inner = unwrap(schema);
  const def = defOf(inner);
  switch (def.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(def.shape as Record<string, z.ZodType>)) if (!isOptional(field)) out[key] = sampleOf(field);
      return out;
    }
    case 'string':
      return 'a';
    case 'number':
    case 'int':
    case 'bigint':
      return 1;
    case 'boolean':
      return false;
    case 'literal':
      return (def.values as unknown[])[0];
    case 'enum':
      return Object.values(def.entries as Record<string, unknown>)[0];
    case 'array':
      return [];
    case 'union':
      return sampleOf((def.options as z.ZodType[])[0]!);
    case 'null':
      return null;
    default:
      return {};
  }
}

export interface TextCase {
  /** Where the string sits, e.g. `criteria.0.value`. */
  path: string;
  /** The whole value, with only this string replaced. */
  value: unknown;
  /** The string schema itself. */
  leaf: z.ZodType;
}

/** One case per string leaf of `schema`, each a whole value carrying `bad` at that leaf. */
export function textCases(schema: z.ZodType, bad: string): TextCase[] {
  const inner = unwrap(schema);
  const def = defOf(inner);
  const prefix = (p: string, rest: string) => (rest ? `${p}.${rest}` : p);
  switch (def.type) {
    case 'string':
      return [{ path: '', value: bad, leaf: inner }];
    case 'object': {
      const base = sampleOf(inner) as Record<string, unknown>;
      return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([key, field]) =>
        textCases(field, bad).map((c) => ({ ...c, path: prefix(key, c.path), value: { ...base, [key]: c.value } })),
      );
    }
    case 'array':
      return textCases(def.element as z.ZodType, bad).map((c) => ({ ...c, path: prefix('0', c.path), value: [c.value] }));
    case 'union':
      return (def.options as z.ZodType[]).flatMap((option) => textCases(option, bad));
    case 'record':
      return textCases(def.valueType as z.ZodType, bad).map((c) => ({ ...c, path: prefix('k', c.path), value: { k: c.value } }));
    case 'tuple':
      return (def.items as z.ZodType[]).flatMap((item, i) => textCases(item, bad).map((c) => ({ ...c, path: prefix(String(i), c.path), value: [c.value] })));
    default:
      return [];
  }
}

/** Every string leaf with whether it follows the text rule (a format such as email or uuid cannot hold U+0000 and counts as following it). */
export function stringLeaves(schema: z.ZodType): { path: string; followsRule: boolean }[] {
  return textCases(schema, '').map((c) => ({ path: c.path, followsRule: followsTextRule(c.leaf) || typeof defOf(c.leaf).format === 'string' }));
}
