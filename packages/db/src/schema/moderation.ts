import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAtColumn, idColumn, refColumn, tstz } from './columns.ts';
import { reportStatus, reportTargetType } from './enums.ts';
import { users } from './users.ts';

/**
 * Reports of posts, comments and members (docs/product.md §1 reports queue). `target_id` is the integer key of
 * the row named by `target_type`, so it carries no foreign key.
 */
export const reports = pgTable(
  'reports',
  {
    id: idColumn(),
    reporterId: refColumn('reporter_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    targetType: reportTargetType('target_type').notNull(),
    targetId: bigint('target_id', { mode: 'number' }).notNull(),
    reason: text('reason').notNull(),
    status: reportStatus('status').notNull().default('open'),
    notes: text('notes'),
    resolvedById: refColumn('resolved_by_id').references(() => users.id, { onDelete: 'set null' }),
    resolvedAt: tstz('resolved_at'),
    createdAt: createdAtColumn(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('reports_status_idx').on(t.status, t.id),
    index('reports_target_idx').on(t.targetType, t.targetId),
    // One pending report per member and target: repeats add nothing to the queue.
    uniqueIndex('reports_pending_per_reporter_key')
      .on(t.reporterId, t.targetType, t.targetId)
      .where(sql`${t.status} in ('open', 'reviewing')`),
    check('reports_reason_length', sql`char_length(${t.reason}) between 1 and 2000`),
  ],
);
