import { encodeCursor, type List, type ListQuery, pageOf } from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../../errors.ts';
import { isBlockedEitherWay } from '../blocks/repo.ts';
import { readCursor } from '../../domain/social.ts';
import { type HubMessage } from '@makapix/protocol';
import { notificationChannel, type NotificationJson, toNotificationJson } from './present.ts';
import { countUnread, insertNotification, listNotifications, markAllRead, markRead, type NewNotification } from './repo.ts';

/** docs/product.md §4: at most 720 notifications per hour per actor→recipient pair; the rest are dropped. */
export const NOTIFICATION_CAP_PER_HOUR = 720;

/** Fixed one-hour window per pair, shared by every api process through Redis. */
export function notificationCapKey(actorId: number, recipientId: number, at: Date = new Date()): string {
  return `makapix:notify-cap:${actorId}:${recipientId}:${Math.floor(at.getTime() / 3_600_000)}`;
}

export type NotifyInput = NewNotification;

/**
 * Stores a notification and pushes it live (SSE) to every api process. Self-notifications, pairs
 * with a block either way, and anything over the per-pair hourly cap are silently not stored.
 * Resolves to whether it was stored. It never throws: a notification follows an action that has
 * already happened (a reaction, a comment, a moderation step), which must not fail because of it.
 * `capPerHour` exists so tests can exercise the cap cheaply.
 */
export async function notify(app: FastifyInstance, input: NotifyInput, opts: { capPerHour?: number } = {}): Promise<boolean> {
  try {
    if (!(await admit(app, input, opts.capPerHour ?? NOTIFICATION_CAP_PER_HOUR))) return false;
    const row = await insertNotification(app.db, input);
    const unreadCount = await countUnread(app.db, input.recipientId);
    await publish(app, input.recipientId, { kind: 'notification', notification: toNotificationJson(row, app.publicId.encode), unreadCount });
    return true;
  } catch (err) {
    app.log.error({ err, type: input.type, recipientId: input.recipientId }, 'notification failed');
    return false;
  }
}

/** System notifications (no actor) always pass; a member's pass the self, block and cap rules. */
async function admit(app: FastifyInstance, { actorId, recipientId }: NotifyInput, cap: number): Promise<boolean> {
  if (actorId === null) return true;
  if (actorId === recipientId) return false;
  if (await isBlockedEitherWay(app.db, actorId, recipientId)) return false;
  const key = notificationCapKey(actorId, recipientId);
  // SET NX then INCR in one MULTI: the window starts with the first notification of the hour.
  const replies = await app.redis.multi().set(key, 0, 'EX', 3_700, 'NX').incr(key).exec();
  const sent = Number(replies?.[1]?.[1] ?? Number.POSITIVE_INFINITY);
  return sent <= cap;
}

/** Live delivery is best effort: the notification is stored, so a lost publish costs only liveness. */
async function publish(app: FastifyInstance, recipientId: number, message: HubMessage): Promise<void> {
  try {
    await app.redis.publish(notificationChannel(recipientId), JSON.stringify(message));
  } catch (err) {
    app.log.warn({ err, recipientId }, 'notification publish failed');
  }
}

const idCursor = z.object({ id: z.number().int().positive() });

export async function listInbox(
  app: FastifyInstance,
  userId: number,
  query: ListQuery & { unread?: boolean | undefined },
): Promise<List<NotificationJson>> {
  const after = readCursor(query.cursor, idCursor);
  const rows = await listNotifications(app.db, userId, { limit: query.limit, beforeId: after?.id ?? null, unreadOnly: query.unread ?? false });
  const page = pageOf(rows, query.limit, (last) => encodeCursor({ id: last.id }));
  return { items: page.items.map((r) => toNotificationJson(r, app.publicId.encode)), nextCursor: page.nextCursor };
}

export async function unreadCount(app: FastifyInstance, userId: number): Promise<number> {
  return countUnread(app.db, userId);
}

/** Another member's notification is indistinguishable from a missing one (404). */
export async function readNotification(app: FastifyInstance, userId: number, sqid: string): Promise<number> {
  const id = app.publicId.decode(sqid);
  if (id === null || !(await markRead(app.db, userId, id))) throw errors.notFound('Notification');
  return announceUnread(app, userId);
}

export async function readAllNotifications(app: FastifyInstance, userId: number): Promise<number> {
  await markAllRead(app.db, userId);
  return announceUnread(app, userId);
}

async function announceUnread(app: FastifyInstance, userId: number): Promise<number> {
  const count = await countUnread(app.db, userId);
  await publish(app, userId, { kind: 'unread', unreadCount: count });
  return count;
}
