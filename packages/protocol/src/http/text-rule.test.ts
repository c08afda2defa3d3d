import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { stringLeaves } from '../text-walk.ts';
import * as http from './index.ts';

// Issue 11 §1: every string of every HTTP request part (body, query, path parameters) declared in
// the contracts follows the text rule (text() / opaqueText(), or a format such as email or uuid
// that cannot hold U+0000). Walked from the module's exports, so a schema added later is covered.
// (The api also runs the rule over each whole request part; tests there prove the 400 answers.)

// Request parts only: the error envelopes (errorBodySchema, httpErrorBodySchema) are answers.
const REQUEST_PART = /^(?!error|httpError).*(Body|Query|Querystring|Params)Schema$/;
const requestSchemas = Object.entries(http).filter(([name, value]) => REQUEST_PART.test(name) && typeof value === 'object' && value !== null && '_zod' in value) as [string, z.ZodType][];

describe('HTTP request schemas follow the text rule', () => {
  it('finds the request schemas', () => {
    expect(requestSchemas.length).toBeGreaterThan(30);
  });

  const leaves = requestSchemas.flatMap(([name, schema]) => stringLeaves(schema).map((l) => ({ name, ...l })));
  it.each(leaves.map((l) => [`${l.name}: ${l.path || '(root)'}`, l] as const))('%s', (_label, leaf) => {
    expect(leaf.followsRule).toBe(true);
  });
});
