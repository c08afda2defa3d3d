import { z } from 'zod';
import { opaqueText } from '../text.ts';
import { listQuerySchema } from './lists.ts';
import { memberRefSchema } from './users.ts';

// Notifications under /api/v1 (docs/product.md §1, §6): the list, the unread count and the live hub messages.

/** The database's notification enum is built from this list (@makapix/db enums). */
export const NOTIFICATION_TYPES = ['reaction', 'comment', 'reply', 'follow', 'post_approved', 'post_promoted', 'moderation'] as const;

export const notificationTypeSchema = z.enum(NOTIFICATION_TYPES);
export type NotificationType = z.infer<typeof notificationTypeSchema>;

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
export type Notification = z.infer<typeof notificationSchema>;

export const unreadCountSchema = z.object({ count: z.int().min(0) });
export type UnreadCount = z.infer<typeof unreadCountSchema>;

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

/** `GET /notifications`: my notifications, newest first, optionally only unread ones. */
export const notificationsQuerySchema = listQuerySchema.extend({
  unread: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('only unread ones'),
});
export type NotificationsQuery = z.output<typeof notificationsQuerySchema>;
export const notificationParamsSchema = z.object({ id: opaqueText({ min: 1, max: 32 }) });

/** `GET /notifications/stream`: EventSource cannot set headers, so the token may come as a query parameter. */
export const notificationStreamQuerySchema = z.object({ access_token: opaqueText({ min: 1, max: 4096 }).optional() });
