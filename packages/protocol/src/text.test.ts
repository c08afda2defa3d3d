import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { commandPayloadSchemas } from './commands.ts';
import { capabilitiesSchema, commandAckSchema, httpViewEventSchema, stateSchema, statusSchema, viewEventSchema } from './device-events.ts';
import { promotedFeedQuerySchema, provisionRequestSchema, registerRequestSchema } from './provisioning.ts';
import { listQuerySchema } from './http/lists.ts';
import { deviceRequestSchema } from './requests.ts';
import { isStorableText, opaqueText, text, UNSTORABLE_TEXT_MESSAGE } from './text.ts';
import { stringLeaves, textCases } from './text-walk.ts';

describe('the text rule (issue 11 §1)', () => {
  it.each([
    ['U+0000', 'a\u0000b'],
    ['a lone high surrogate', 'a\uD800b'],
    ['a lone low surrogate', '\uDC00'],
    ['a high surrogate at the end', 'abc\uDBFF'],
    ['two high surrogates', '\uD800\uD800\uDC00'],
  ])('refuses %s with the rule message', (_what, value) => {
    expect(isStorableText(value)).toBe(false);
    const result = text().safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual([UNSTORABLE_TEXT_MESSAGE]);
    expect(opaqueText().safeParse(value).success).toBe(false);
  });

  it('accepts what PostgreSQL stores: paired surrogates (emoji), other controls, every plane', () => {
    for (const value of ['', 'plain', '😀 pixel', '\u0001\u001f\u007f', 'e\u0301', '\uFFFF', '𝓟']) {
      expect(isStorableText(value), JSON.stringify(value)).toBe(true);
      expect(opaqueText().parse(value)).toBe(value);
    }
  });

  it('normalises to NFC by default, NFKC on request, not at all for opaque values; trims when asked', () => {
    expect(text().parse('Cafe\u0301')).toBe('Café');
    expect(text({ normalize: 'NFKC' }).parse('ｐｉｘｅｌ')).toBe('pixel');
    expect(opaqueText().parse('Cafe\u0301')).toBe('Cafe\u0301');
    expect(text({ trim: true, min: 1 }).safeParse('   ').success).toBe(false);
    expect(text({ trim: true, max: 5 }).parse('  Café ')).toBe('Café');
  });

  it('stays a plain zod string for OpenAPI documents', () => {
    expect(z.toJSONSchema(text({ min: 1, max: 10 }))).toMatchObject({ type: 'string', minLength: 1, maxLength: 10 });
  });
});

// Every device-plane input schema: requests, events, provisioning, commands (docs/device-protocol.md §2, §4–§7).
const deviceInputs: Record<string, z.ZodType> = {
  deviceRequest: deviceRequestSchema,
  status: statusSchema,
  commandAck: commandAckSchema,
  view: viewEventSchema,
  httpView: httpViewEventSchema,
  capabilities: capabilitiesSchema,
  state: stateSchema,
  provision: provisionRequestSchema,
  register: registerRequestSchema,
  promotedFeedQuery: promotedFeedQuerySchema,
  listQuery: listQuerySchema,
  ...Object.fromEntries(Object.entries(commandPayloadSchemas).map(([type, schema]) => [`command.${type}`, schema as z.ZodType])),
};

describe('every string of every device-plane input follows the rule (walked, not listed)', () => {
  const leaves = Object.entries(deviceInputs).flatMap(([name, schema]) => stringLeaves(schema).map((l) => ({ name, ...l })));

  it('finds the strings (the walk itself works)', () => {
    expect(leaves.length).toBeGreaterThan(30);
    expect(leaves.map((l) => `${l.name}:${l.path}`)).toEqual(expect.arrayContaining(['deviceRequest:playset_name', 'view:timezone', 'provision:device_model', 'deviceRequest:criteria.0.value']));
  });

  it.each(leaves.map((l) => [`${l.name}: ${l.path || '(root)'}`, l] as const))('%s', (_label, leaf) => {
    expect(leaf.followsRule).toBe(true);
  });

  it.each(Object.entries(deviceInputs))('%s refuses U+0000 and a lone surrogate in each of its strings, naming the field', (_name, schema) => {
    for (const bad of ['x\u0000', '\uD800']) {
      for (const c of textCases(schema, bad)) {
        const result = schema.safeParse(c.value);
        expect(result.success, `${c.path} accepted ${JSON.stringify(bad)}`).toBe(false);
        // The rule's own message, or (for a format such as a date or uuid, which U+0000 cannot match) the format's, at that field.
        const issue = result.error!.issues.find((i) => JSON.stringify(i).includes(UNSTORABLE_TEXT_MESSAGE) || i.path.join('.') === c.path);
        expect(issue, `${c.path}: ${JSON.stringify(result.error!.issues)}`).toBeDefined();
      }
    }
  });
});
