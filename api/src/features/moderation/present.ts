import { PERMANENT_BAN_UNTIL } from '@makapix/db';
import { z } from 'zod';
import { postSummarySchema } from '@makapix/protocol';
import { toPostSummary, type PublicIds } from '../posts/present.ts';
import type { AuditRow } from './audit-repo.ts';
import { isBanActive } from './guards.ts';
import type { ModCommentRow, ModMemberRow, ModPostRow, QueueRow } from './repo.ts';
import type { ReportRow } from './reports-repo.ts';

// JSON shapes of /api/v1/mod (SPEC.md §3: camelCase, every integer key as a sqid, ISO timestamps).

const iso = (d: Date | null) => d?.toISOString() ?? null;
const userRefSchema = z.object({ id: z.string(), handle: z.string() });

export const modPostSchema = z.object({
  id: z.string(),
  ownerId: z.string(),
  state: z.enum(['processing', 'ready', 'failed']),
  approvedAt: z.string().nullable(),
  promotedAt: z.string().nullable(),
  hiddenByModAt: z.string().nullable(),
});
export function toModPost(row: ModPostRow, ids: PublicIds): z.infer<typeof modPostSchema> {
  return {
    id: ids.encode(row.id),
    ownerId: ids.encode(row.ownerId),
    state: row.state,
    approvedAt: iso(row.approvedAt),
    promotedAt: iso(row.promotedAt),
    hiddenByModAt: iso(row.hiddenByModAt),
  };
}

export const modCommentSchema = z.object({ id: z.string(), postId: z.string(), authorId: z.string(), hiddenAt: z.string().nullable() });
export function toModComment(row: ModCommentRow, ids: PublicIds): z.infer<typeof modCommentSchema> {
  return { id: ids.encode(row.id), postId: ids.encode(row.postId), authorId: ids.encode(row.authorId), hiddenAt: iso(row.hiddenAt) };
}

export const modMemberSchema = z.object({
  id: z.string(),
  handle: z.string(),
  role: z.enum(['member', 'moderator', 'owner']),
  trusted: z.boolean(),
  hiddenAt: z.string().nullable(),
  /** Null when never banned or unbanned; a past instant once a temporary ban has run out. */
  bannedUntil: z.string().nullable(),
  banned: z.boolean(),
  permanentBan: z.boolean(),
  banReason: z.string().nullable(),
});
export function toModMember(row: ModMemberRow, ids: PublicIds, now = new Date()): z.infer<typeof modMemberSchema> {
  const banned = isBanActive(row.bannedUntil, now);
  return {
    id: ids.encode(row.id),
    handle: row.handle,
    role: row.role,
    trusted: row.trusted,
    hiddenAt: iso(row.hiddenAt),
    bannedUntil: iso(row.bannedUntil),
    banned,
    permanentBan: banned && row.bannedUntil !== null && row.bannedUntil >= PERMANENT_BAN_UNTIL,
    banReason: row.banReason,
  };
}

export const queuePostSchema = postSummarySchema.extend({ ownerTrusted: z.boolean(), hiddenByModerator: z.boolean() });
export function toQueuePost(row: QueueRow, ids: PublicIds, vaultBaseUrl: string): z.infer<typeof queuePostSchema> {
  return { ...toPostSummary(row, row.ownerHandle, ids, vaultBaseUrl), ownerTrusted: row.ownerTrusted, hiddenByModerator: row.hiddenByModAt !== null };
}

export const reportStatusSchema = z.enum(['open', 'reviewing', 'resolved', 'dismissed']);
export const reportSchema = z.object({
  id: z.string(),
  reporter: userRefSchema,
  targetType: z.enum(['post', 'comment', 'user']),
  targetId: z.string(),
  reason: z.string(),
  status: reportStatusSchema,
  notes: z.string().nullable(),
  resolvedBy: userRefSchema.nullable(),
  resolvedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export function toReport(row: ReportRow, ids: PublicIds): z.infer<typeof reportSchema> {
  return {
    id: ids.encode(row.id),
    reporter: { id: ids.encode(row.reporterId), handle: row.reporterHandle },
    targetType: row.targetType,
    targetId: ids.encode(row.targetId),
    reason: row.reason,
    status: row.status,
    notes: row.notes,
    resolvedBy: row.resolvedById !== null && row.resolvedByHandle !== null ? { id: ids.encode(row.resolvedById), handle: row.resolvedByHandle } : null,
    resolvedAt: iso(row.resolvedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Audit targets keyed by an integer id get a sqid; anything else (a player's uuid) stays as stored. */
export const SQID_TARGET_TYPES = ['post', 'comment', 'user', 'report'] as const;
const isSqidTarget = (type: string) => (SQID_TARGET_TYPES as readonly string[]).includes(type);

export const auditEntrySchema = z.object({
  id: z.string(),
  actor: userRefSchema.nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export function toAuditEntry(row: AuditRow, ids: PublicIds): z.infer<typeof auditEntrySchema> {
  const numeric = /^[0-9]+$/.test(row.targetId) ? Number(row.targetId) : null;
  return {
    id: ids.encode(row.id),
    actor: row.actorId !== null && row.actorHandle !== null ? { id: ids.encode(row.actorId), handle: row.actorHandle } : null,
    action: row.action,
    targetType: row.targetType,
    targetId: isSqidTarget(row.targetType) && numeric !== null && Number.isSafeInteger(numeric) ? ids.encode(numeric) : row.targetId,
    details: row.details,
    createdAt: row.createdAt.toISOString(),
  };
}
