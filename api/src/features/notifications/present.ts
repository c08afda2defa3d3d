import { notificationType } from '@makapix/db';
import { z } from 'zod';
import { memberRefSchema } from '@makapix/protocol';
import { toMemberRef } from '../follows/social-shapes.ts';
import type { NotificationRow } from './repo.ts';

// SPEC.md §4 notification kinds, straight from the database enum.
export const notificationTypeSchema = z.enum(notificationType.enumValues);

export const notificationSchema = z.object({
  id: z.string(),
  type: notificationTypeSchema,
  actor: memberRefSchema.nullable().describe('null for system notifications or a deleted actor'),
  postId: z.string().nullable(),
  commentId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable().describe('type-specific extras, e.g. the emoji of a reaction'),
  read: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type NotificationJson = z.infer<typeof notificationSchema>;

export const unreadCountSchema = z.object({ count: z.int().min(0) });

export function toNotificationJson(row: NotificationRow, encode: (id: number) => string): NotificationJson {
  return {
    id: encode(row.id),
    type: row.type,
    actor: row.actor ? toMemberRef(row.actor, encode) : null,
    postId: row.postId === null ? null : encode(row.postId),
    commentId: row.commentId === null ? null : encode(row.commentId),
    data: row.data,
    read: row.readAt !== null,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * What travels on `makapix:notifications:{recipientId}` between api processes: a new notification
 * with the recipient's unread count, or only a new count (after mark read / read all), so every
 * open tab of the member updates whichever process it is connected to.
 */
export const hubMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('notification'), notification: notificationSchema, unreadCount: z.int().min(0) }),
  z.object({ kind: z.literal('unread'), unreadCount: z.int().min(0) }),
]);
export type HubMessage = z.infer<typeof hubMessageSchema>;

export const notificationChannel = (recipientId: number) => `makapix:notifications:${recipientId}`;
export const NOTIFICATION_CHANNEL_PREFIX = 'makapix:notifications:';
