import { index, jsonb, pgTable } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAtColumn, idColumn, refColumn, tstz } from './columns.ts';
import { notificationType } from './enums.ts';
import { posts } from './posts.ts';
import { comments } from './social.ts';
import { users } from './users.ts';

/** docs/product.md §4 notifications inbox; `data` carries type-specific extras (the emoji, a moderation note). */
export const notifications = pgTable(
  'notifications',
  {
    id: idColumn(),
    recipientId: refColumn('recipient_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    actorId: refColumn('actor_id').references(() => users.id, { onDelete: 'cascade' }),
    type: notificationType('type').notNull(),
    postId: refColumn('post_id').references(() => posts.id, { onDelete: 'cascade' }),
    commentId: refColumn('comment_id').references(() => comments.id, { onDelete: 'cascade' }),
    data: jsonb('data').$type<Record<string, unknown>>(),
    readAt: tstz('read_at'),
    createdAt: createdAtColumn(),
  },
  (t) => [
    index('notifications_recipient_read_idx').on(t.recipientId, t.readAt),
    // Inbox pages newest first with a keyset cursor on id.
    index('notifications_recipient_idx').on(t.recipientId, t.id),
    index('notifications_unread_idx').on(t.recipientId).where(sql`${t.readAt} is null`),
    index('notifications_created_idx').on(t.createdAt),
  ],
);
