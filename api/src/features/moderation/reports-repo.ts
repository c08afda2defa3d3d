import { reports, users } from '@makapix/db';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './repo.ts';

export type ReportStatus = 'open' | 'reviewing' | 'resolved' | 'dismissed';
export const CLOSED_STATUSES: readonly ReportStatus[] = ['resolved', 'dismissed'];

export interface ReportRow {
  id: number;
  reporterId: number;
  reporterHandle: string;
  targetType: 'post' | 'comment' | 'user';
  targetId: number;
  reason: string;
  status: ReportStatus;
  notes: string | null;
  resolvedById: number | null;
  resolvedByHandle: string | null;
  resolvedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const reporter = alias(users, 'reporter');
const resolver = alias(users, 'resolver');

function selectReports(db: DbOrTx) {
  return db
    .select({
      id: reports.id,
      reporterId: reports.reporterId,
      reporterHandle: reporter.handle,
      targetType: reports.targetType,
      targetId: reports.targetId,
      reason: reports.reason,
      status: reports.status,
      notes: reports.notes,
      resolvedById: reports.resolvedById,
      resolvedByHandle: resolver.handle,
      resolvedAt: reports.resolvedAt,
      createdAt: reports.createdAt,
      updatedAt: reports.updatedAt,
    })
    .from(reports)
    .innerJoin(reporter, eq(reporter.id, reports.reporterId))
    .leftJoin(resolver, eq(resolver.id, reports.resolvedById));
}

/** The reports queue, oldest first (worked in arrival order); `afterId` is the keyset cursor. */
export async function listReports(db: DbOrTx, status: ReportStatus | undefined, afterId: number | null, limit: number): Promise<ReportRow[]> {
  return selectReports(db)
    .where(and(status === undefined ? undefined : eq(reports.status, status), afterId === null ? undefined : gt(reports.id, afterId)))
    .orderBy(asc(reports.id))
    .limit(limit);
}

export async function findReport(db: DbOrTx, id: number): Promise<ReportRow | null> {
  const [row] = await selectReports(db).where(eq(reports.id, id)).limit(1);
  return row ?? null;
}

/** Locks the row so two moderators' concurrent updates are audited in the order they apply. */
export async function lockReportStatus(db: DbOrTx, id: number): Promise<{ status: ReportStatus; notes: string | null } | null> {
  const [row] = await db.select({ status: reports.status, notes: reports.notes }).from(reports).where(eq(reports.id, id)).for('update').limit(1);
  return row ?? null;
}

/**
 * Closing (resolved / dismissed) records the resolver and when; reopening clears both. `notes`
 * undefined keeps the current notes.
 */
export async function updateReport(db: DbOrTx, id: number, status: ReportStatus, notes: string | null | undefined, actorId: number): Promise<void> {
  const closing = CLOSED_STATUSES.includes(status);
  await db
    .update(reports)
    .set({
      status,
      ...(notes === undefined ? {} : { notes }),
      resolvedById: closing ? actorId : null,
      resolvedAt: closing ? sql`now()` : null,
      updatedAt: sql`now()`,
    })
    .where(eq(reports.id, id));
}
