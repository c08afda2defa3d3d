import { posts } from '@makapix/db';
import type { CriteriaField, Criterion } from '@makapix/protocol';
import { and, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, ne, notInArray, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * docs/device-protocol.md §5 criteria → SQL. The values were already checked against each field's operators
 * and value kind by `criteriaSchema` (@makapix/protocol), so this is a plain mapping. Every triple
 * is AND-ed. A playlist has no artwork columns (they are null), so a numeric or boolean comparison
 * leaves playlists out, as SQL's null semantics do.
 */
const COLUMN: Readonly<Record<CriteriaField, AnyPgColumn>> = {
  width: posts.width,
  height: posts.height,
  file_bytes: posts.fileBytes,
  frame_count: posts.frameCount,
  min_frame_duration_ms: posts.minFrameDurationMs,
  max_frame_duration_ms: posts.maxFrameDurationMs,
  unique_colors: posts.uniqueColors,
  transparency_meta: posts.transparencyMeta,
  alpha_meta: posts.alphaMeta,
  transparency_actual: posts.transparencyActual,
  alpha_actual: posts.alphaActual,
  // We keep one format per artwork: the uploaded file is the native file (docs/product.md §2).
  file_format: posts.nativeFormat,
  native_file_format: posts.nativeFormat,
  kind: posts.kind,
};

function criterionSql(c: Criterion): SQL {
  const column = COLUMN[c.field];
  const value = c.value;
  switch (c.op) {
    case 'is_null':
      return isNull(column);
    case 'is_not_null':
      return isNotNull(column);
    case 'in':
      return inArray(column, value as (string | number)[]);
    case 'not_in':
      return notInArray(column, value as (string | number)[]);
    case 'eq':
      return eq(column, value);
    case 'neq':
      return ne(column, value);
    case 'lt':
      return lt(column, value);
    case 'gt':
      return gt(column, value);
    case 'lte':
      return lte(column, value);
    case 'gte':
      return gte(column, value);
  }
}

/** The AND of every criterion, or undefined for none. */
export function criteriaSql(criteria: readonly Criterion[]): SQL | undefined {
  if (criteria.length === 0) return undefined;
  return and(...criteria.map(criterionSql));
}
