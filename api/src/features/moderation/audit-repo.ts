import { auditLog, users } from '@makapix/db';
import { and, desc, eq, lt } from 'drizzle-orm';
import type { DbOrTx } from './repo.ts';

/** docs/product.md §1 audit log. Append-only: this module inserts and reads, nothing updates or deletes. */
export interface AuditEntryInput {
  actorId: number;
  /** Dotted verb, e.g. `post.hide`, `user.ban`. */
  action: string;
  targetType: string;
  /** Integer key (or player uuid) of the target, as text. */
  targetId: number | string;
  details?: Record<string, unknown>;
}

export async function insertAudit(db: DbOrTx, entry: AuditEntryInput): Promise<void> {
  await db.insert(auditLog).values({
    actorId: entry.actorId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: String(entry.targetId),
    details: entry.details ?? {},
  });
}

export interface AuditFilter {
  actorId?: number;
  action?: string;
  targetType?: string;
  targetId?: string;
}

export interface AuditRow {
  id: number;
  actorId: number | null;
  actorHandle: string | null;
  action: string;
  targetType: string;
  targetId: string;
  details: Record<string, unknown>;
  createdAt: Date;
}

/** Newest first; `beforeId` is the keyset cursor. The actor/target indexes serve the filters. */
export async function listAudit(db: DbOrTx, filter: AuditFilter, beforeId: number | null, limit: number): Promise<AuditRow[]> {
  return db
    .select({
      id: auditLog.id,
      actorId: auditLog.actorId,
      actorHandle: users.handle,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      details: auditLog.details,
      createdAt: auditLog.createdAt,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(
      and(
        filter.actorId === undefined ? undefined : eq(auditLog.actorId, filter.actorId),
        filter.action === undefined ? undefined : eq(auditLog.action, filter.action),
        filter.targetType === undefined ? undefined : eq(auditLog.targetType, filter.targetType),
        filter.targetId === undefined ? undefined : eq(auditLog.targetId, filter.targetId),
        beforeId === null ? undefined : lt(auditLog.id, beforeId),
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(limit);
}
