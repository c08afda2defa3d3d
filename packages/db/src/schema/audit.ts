import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAtColumn, idColumn, refColumn } from './columns.ts';
import { users } from './users.ts';

/**
 * docs/product.md §1: every moderation action is logged. Append-only; `action` is a dotted verb such as
 * `post.hide` or `user.ban`, `target_id` is text so players (uuid keys) fit beside integer ids.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: idColumn(),
    actorId: refColumn('actor_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAtColumn(),
  },
  (t) => [
    index('audit_log_target_idx').on(t.targetType, t.targetId, t.id),
    index('audit_log_actor_idx').on(t.actorId, t.id),
  ],
);
