import { notificationType } from '@makapix/db';
import { memberRefSchema } from '@makapix/protocol';
import { toMemberRef } from '../../domain/social.ts';
import type { NotificationRow } from './repo.ts';
import { type HubMessage, type Notification } from '@makapix/protocol';

// docs/product.md §4 notification kinds, straight from the database enum.

export type NotificationJson = Notification;

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


export const notificationChannel = (recipientId: number) => `makapix:notifications:${recipientId}`;
export const NOTIFICATION_CHANNEL_PREFIX = 'makapix:notifications:';
