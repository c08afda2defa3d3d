import { z } from 'zod';
import { text } from './text.ts';
import { NATIVE_FORMATS, POST_KINDS } from './artwork-object.ts';

// docs/device-protocol.md §5 "Criteria": which operators each field accepts. Fields are AND-ed together.
export const NUMERIC_CRITERIA_FIELDS = ['width', 'height', 'file_bytes', 'frame_count'] as const;
export const NULLABLE_NUMERIC_CRITERIA_FIELDS = [
  'min_frame_duration_ms',
  'max_frame_duration_ms',
  'unique_colors',
] as const;
export const BOOLEAN_CRITERIA_FIELDS = [
  'transparency_meta',
  'alpha_meta',
  'transparency_actual',
  'alpha_actual',
] as const;
export const ENUM_CRITERIA_FIELDS = ['file_format', 'native_file_format', 'kind'] as const;

export const CRITERIA_FIELDS = [
  ...NUMERIC_CRITERIA_FIELDS,
  ...NULLABLE_NUMERIC_CRITERIA_FIELDS,
  ...BOOLEAN_CRITERIA_FIELDS,
  ...ENUM_CRITERIA_FIELDS,
] as const;
export type CriteriaField = (typeof CRITERIA_FIELDS)[number];

export const CRITERIA_OPS = ['eq', 'neq', 'lt', 'gt', 'lte', 'gte', 'in', 'not_in', 'is_null', 'is_not_null'] as const;
export type CriteriaOp = (typeof CRITERIA_OPS)[number];

export const CRITERIA_MAX_ITEMS = 64;
export const CRITERIA_MAX_SET_VALUES = 128;

/** Values the enum fields may be compared with (the formats of docs/product.md §2, the post kinds of §5). */
export const CRITERIA_FILE_FORMATS = NATIVE_FORMATS;
export const CRITERIA_KINDS = POST_KINDS;

type ValueKind = 'number' | 'boolean' | 'file_format' | 'kind';

const NUMERIC_OPS: readonly CriteriaOp[] = ['eq', 'neq', 'lt', 'gt', 'lte', 'gte', 'in', 'not_in'];
const NULL_OPS: readonly CriteriaOp[] = ['is_null', 'is_not_null'];

const RULES: Readonly<Record<CriteriaField, { ops: readonly CriteriaOp[]; value: ValueKind }>> = {
  width: { ops: NUMERIC_OPS, value: 'number' },
  height: { ops: NUMERIC_OPS, value: 'number' },
  file_bytes: { ops: NUMERIC_OPS, value: 'number' },
  frame_count: { ops: NUMERIC_OPS, value: 'number' },
  min_frame_duration_ms: { ops: [...NUMERIC_OPS, ...NULL_OPS], value: 'number' },
  max_frame_duration_ms: { ops: [...NUMERIC_OPS, ...NULL_OPS], value: 'number' },
  unique_colors: { ops: [...NUMERIC_OPS, ...NULL_OPS], value: 'number' },
  transparency_meta: { ops: ['eq', 'neq'], value: 'boolean' },
  alpha_meta: { ops: ['eq', 'neq'], value: 'boolean' },
  transparency_actual: { ops: ['eq', 'neq'], value: 'boolean' },
  alpha_actual: { ops: ['eq', 'neq'], value: 'boolean' },
  file_format: { ops: ['eq', 'neq', 'in', 'not_in'], value: 'file_format' },
  native_file_format: { ops: ['eq', 'neq', 'in', 'not_in'], value: 'file_format' },
  kind: { ops: ['eq', 'neq', 'in', 'not_in'], value: 'kind' },
};

export function criteriaOpsFor(field: CriteriaField): readonly CriteriaOp[] {
  return RULES[field].ops;
}

function scalarMatches(kind: ValueKind, value: unknown): boolean {
  switch (kind) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'file_format':
      return typeof value === 'string' && (CRITERIA_FILE_FORMATS as readonly string[]).includes(value);
    case 'kind':
      return typeof value === 'string' && (CRITERIA_KINDS as readonly string[]).includes(value);
  }
}

const EXPECTED: Readonly<Record<ValueKind, string>> = {
  number: 'a finite number',
  boolean: 'a boolean',
  file_format: `one of ${CRITERIA_FILE_FORMATS.join(', ')}`,
  kind: `one of ${CRITERIA_KINDS.join(', ')}`,
};

/** Why a `{field, op, value}` triple is invalid, or null when it is valid. */
function criterionProblem(field: CriteriaField, op: CriteriaOp, value: unknown): string | null {
  const rule = RULES[field];
  if (!rule.ops.includes(op)) return `operator ${op} is not allowed on ${field}`;
  if (op === 'is_null' || op === 'is_not_null') {
    return value === undefined || value === null ? null : `${op} takes no value`;
  }
  if (op === 'in' || op === 'not_in') {
    if (!Array.isArray(value)) return `${op} needs an array value`;
    if (value.length < 1 || value.length > CRITERIA_MAX_SET_VALUES) {
      return `${op} takes 1-${CRITERIA_MAX_SET_VALUES} values`;
    }
    return value.every((v) => scalarMatches(rule.value, v))
      ? null
      : `every value of ${field} must be ${EXPECTED[rule.value]}`;
  }
  return scalarMatches(rule.value, value) ? null : `value of ${field} must be ${EXPECTED[rule.value]}`;
}

const criterionValueSchema = z.union([
  z.number(),
  z.boolean(),
  text(),
  z.array(z.number()),
  z.array(text()),
  z.null(),
]);

export const criterionSchema = z
  .object({
    field: z.enum(CRITERIA_FIELDS),
    op: z.enum(CRITERIA_OPS),
    value: criterionValueSchema.optional(),
  })
  .superRefine((c, ctx) => {
    const problem = criterionProblem(c.field, c.op, c.value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['value'] });
  });
export type Criterion = z.infer<typeof criterionSchema>;

export const criteriaSchema = z.array(criterionSchema).max(CRITERIA_MAX_ITEMS);

export type ParseCriteriaResult =
  | { ok: true; criteria: Criterion[] }
  | { ok: false; error_code: 'invalid_criteria'; error: string };

/** Validates a `criteria` array; a missing/null array is no criteria. Failures are `invalid_criteria`. */
export function parseCriteria(input: unknown): ParseCriteriaResult {
  if (input === undefined || input === null) return { ok: true, criteria: [] };
  const result = criteriaSchema.safeParse(input);
  if (result.success) return { ok: true, criteria: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `criteria.${issue.path.join('.')}: ` : 'criteria: ';
  return { ok: false, error_code: 'invalid_criteria', error: `${where}${issue?.message ?? 'invalid'}` };
}
