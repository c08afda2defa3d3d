import { PERMANENT_BAN_UNTIL } from '@makapix/db';
import { postSummarySchema } from '@makapix/protocol';
import { toPostSummary, type PublicIds } from '../../domain/post-summary.ts';
import type { AuditRow } from './audit-repo.ts';
import { isBanActive } from './guards.ts';
import type { ModCommentRow, ModMemberRow, ModPostRow, QueueRow } from './repo.ts';
import type { ReportRow } from './reports-repo.ts';
import { type AuditEntry, type ModComment, type ModMember, type ModPost, type ModReport, type QueuePost } from '@makapix/protocol';

// JSON shapes of /api/v1/mod (docs/product.md §3: camelCase, every integer key as a sqid, ISO timestamps).

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toModPost(row: ModPostRow, ids: PublicIds): ModPost {
  return {
    id: ids.encode(row.id),
    ownerId: ids.encode(row.ownerId),
    state: row.state,
    approvedAt: iso(row.approvedAt),
    promotedAt: iso(row.promotedAt),
    hiddenByModAt: iso(row.hiddenByModAt),
  };
}

export function toModComment(row: ModCommentRow, ids: PublicIds): ModComment {
  return { id: ids.encode(row.id), postId: ids.encode(row.postId), authorId: ids.encode(row.authorId), hiddenAt: iso(row.hiddenAt) };
}

export function toModMember(row: ModMemberRow, ids: PublicIds, now = new Date()): ModMember {
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

export function toQueuePost(row: QueueRow, ids: PublicIds, vaultBaseUrl: string): QueuePost {
  return { ...toPostSummary(row, row.ownerHandle, ids, vaultBaseUrl), ownerTrusted: row.ownerTrusted, hiddenByModerator: row.hiddenByModAt !== null };
}

export function toReport(row: ReportRow, ids: PublicIds): ModReport {
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

export function toAuditEntry(row: AuditRow, ids: PublicIds): AuditEntry {
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
