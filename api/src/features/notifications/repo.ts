import { type Database, notifications, users } from '@makapix/db';
import { and, count, desc, eq, isNull, lt } from 'drizzle-orm';
import { memberRefColumns, type MemberRefRow } from '../../domain/social.ts';

export type NotificationType = (typeof notifications.$inferInsert)['type'];

export interface NewNotification {
  recipientId: number;
  actorId: number | null;
  type: NotificationType;
  postId?: number | null;
  commentId?: number | null;
  data?: Record<string, unknown> | null;
}

export interface NotificationRow {
  id: number;
  type: NotificationType;
  actor: MemberRefRow | null;
  postId: number | null;
  commentId: number | null;
  data: Record<string, unknown> | null;
  readAt: Date | null;
  createdAt: Date;
}

const columns = {
  id: notifications.id,
  type: notifications.type,
  actor: memberRefColumns,
  postId: notifications.postId,
  commentId: notifications.commentId,
  data: notifications.data,
  readAt: notifications.readAt,
  createdAt: notifications.createdAt,
};

const selectRows = (db: Database) => db.select(columns).from(notifications).leftJoin(users, eq(users.id, notifications.actorId));

/** Stores one notification and reads it back with its actor, ready to present and publish. */
export async function insertNotification(db: Database, input: NewNotification): Promise<NotificationRow> {
  const [inserted] = await db
    .insert(notifications)
    .values({
      recipientId: input.recipientId,
      actorId: input.actorId,
      type: input.type,
      postId: input.postId ?? null,
      commentId: input.commentId ?? null,
      data: input.data ?? null,
    })
    .returning({ id: notifications.id });
  if (!inserted) throw new Error('notification insert returned no row');
  const [row] = await selectRows(db).where(eq(notifications.id, inserted.id)).limit(1);
  if (!row) throw new Error('notification vanished after insert');
  return row;
}

/** The inbox, newest first, keyset on id (index notifications_recipient_idx). */
export async function listNotifications(
  db: Database,
  recipientId: number,
  opts: { limit: number; beforeId: number | null; unreadOnly: boolean },
): Promise<NotificationRow[]> {
  return selectRows(db)
    .where(
      and(
        eq(notifications.recipientId, recipientId),
        opts.beforeId === null ? undefined : lt(notifications.id, opts.beforeId),
        opts.unreadOnly ? isNull(notifications.readAt) : undefined,
      ),
    )
    .orderBy(desc(notifications.id))
    .limit(opts.limit + 1);
}

export async function countUnread(db: Database, recipientId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.recipientId, recipientId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/** False when the notification does not exist or belongs to someone else. */
export async function markRead(db: Database, recipientId: number, id: number): Promise<boolean> {
  const [own] = await db
    .select({ readAt: notifications.readAt })
    .from(notifications)
    .where(and(eq(notifications.id, id), eq(notifications.recipientId, recipientId)))
    .limit(1);
  if (!own) return false;
  if (own.readAt === null) {
    await db.update(notifications).set({ readAt: new Date() }).where(and(eq(notifications.id, id), isNull(notifications.readAt)));
  }
  return true;
}

export async function markAllRead(db: Database, recipientId: number): Promise<void> {
  await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.recipientId, recipientId), isNull(notifications.readAt)));
}
