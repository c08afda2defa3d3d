import { z } from 'zod';

/*
 * Issue 11 §1: the one text rule of every string that crosses a process boundary (HTTP bodies,
 * queries, path parameters, device requests, MQTT payloads). PostgreSQL `text` cannot store U+0000
 * ("invalid byte sequence for encoding UTF8: 0x00", a 500 before this rule) and a lone surrogate
 * (U+D800–U+DFFF unpaired) is not Unicode at all: both are refused where the value enters, as a
 * validation problem (HTTP 400 `validation_error`; device plane `invalid_request`).
 */

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain U+0000 or an unpaired surrogate (U+D800–U+DFFF)';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when PostgreSQL can store `s` as UTF-8 text: no U+0000, no lone surrogate. */
export function isStorableText(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}

/**
 * The check every text schema carries. One shared instance, so a schema (and every copy zod makes of
 * it by `.optional()`, `.min()` …) can be recognised as following the rule: see `followsTextRule`.
 */
export const storableTextCheck = z.refine<string>((s) => isStorableText(s), { error: UNSTORABLE_TEXT_MESSAGE, abort: true });

export interface TextRule {
  /** Unicode normalisation applied before length checks; `false` for opaque values (ids, cursors, tokens). Default NFC. */
  normalize?: 'NFC' | 'NFKC' | false;
  /** Strip leading and trailing white space (names, titles, bodies typed by people). */
  trim?: boolean;
  /** Length bounds, in UTF-16 code units as zod counts them (after normalisation and trimming). */
  min?: number;
  max?: number;
}

/**
 * A string schema following the text rule: refuses U+0000 and lone surrogates first, then
 * normalises as the field needs (NFC by default, so "é" typed either way is stored and compared
 * once), trims when asked, then applies the length bounds. It stays a plain zod string (no
 * transform), so it serialises, documents (OpenAPI) and composes like `z.string()`.
 */
export function text(rule: TextRule = {}): z.ZodString {
  let schema = z.string().check(storableTextCheck);
  const form = rule.normalize ?? 'NFC';
  if (form) schema = schema.overwrite((s) => (isStorableText(s) ? s.normalize(form) : s));
  if (rule.trim) schema = schema.trim();
  if (rule.min !== undefined) schema = schema.min(rule.min);
  if (rule.max !== undefined) schema = schema.max(rule.max);
  return schema;
}

/** An opaque token (request id, cursor, key, code): the rule without normalisation or trimming. */
export function opaqueText(rule: Pick<TextRule, 'min' | 'max'> = {}): z.ZodString {
  return text({ ...rule, normalize: false });
}

/** Whether a string schema carries the text rule (used by the tests that walk every schema). */
export function followsTextRule(schema: z.ZodType): boolean {
  const checks = (schema as { _zod: { def: { checks?: unknown[] } } })._zod.def.checks ?? [];
  return checks.includes(storableTextCheck);
}

/**
 * Paths of every string (object keys included: PostgreSQL jsonb refuses U+0000 too) in a parsed
 * JSON value that breaks the rule. For whole request parts, ahead of their schemas.
 */
export function unstorablePaths(value: unknown, path: (string | number)[] = [], found: (string | number)[][] = []): (string | number)[][] {
  if (typeof value === 'string') {
    if (!isStorableText(value)) found.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => unstorablePaths(item, [...path, i], found));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (!isStorableText(key)) found.push([...path, key]);
      unstorablePaths(item, [...path, key], found);
    }
  }
  return found;
}

/**
 * A schema for a whole request part (body, query, params, a device payload) that refuses any
 * string breaking the rule, wherever it sits — also in fields whose schema is `z.unknown()` or a
 * record — before the part's own schema runs: `storableInput.pipe(schema)`.
 */
export const storableInput = z.unknown().check((ctx) => {
  for (const path of unstorablePaths(ctx.value)) ctx.issues.push({ code: 'custom', path, message: UNSTORABLE_TEXT_MESSAGE, input: ctx.value });
});
