import { uniqueViolation } from '@makapix/db';
import { decodeCursor, encodeCursor, type List, pageOf } from '@makapix/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../../errors.ts';
import type { AuthUser } from '../../plugins/auth.ts';
import { viewableByLink } from '../../domain/visibility.ts';
import { type AuditFilter, type AuditRow, insertAudit, listAudit } from './audit-repo.ts';
import { listApprovalQueue, type QueueRow } from './repo.ts';
import { findReport, listReports, lockReportStatus, type ReportRow, type ReportStatus, updateReport } from './reports-repo.ts';
import { moderatorViewer } from './service.ts';

// The moderators' lists (docs/product.md §1): approval queue, reports queue, audit log. Keyset pages over
// ids (docs/product.md §3); a cursor is `{id}` of the last item returned.

const cursorSchema = z.object({ id: z.number().int().positive() });

function cursorId(cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  const decoded = decodeCursor(cursor, cursorSchema);
  if (!decoded) throw errors.validation([{ path: 'querystring.cursor', message: 'is not a valid cursor' }]);
  return decoded.id;
}
const nextCursor = (row: { id: number }) => encodeCursor({ id: row.id });

export interface Page {
  limit: number;
  cursor?: string | undefined;
}

export async function approvalQueue(app: FastifyInstance, actor: AuthUser, page: Page): Promise<List<QueueRow>> {
  const rows = await listApprovalQueue(app.db, viewableByLink(moderatorViewer(actor)), cursorId(page.cursor), page.limit + 1);
  return pageOf(rows, page.limit, nextCursor);
}

export async function reportsQueue(app: FastifyInstance, status: ReportStatus | undefined, page: Page): Promise<List<ReportRow>> {
  const rows = await listReports(app.db, status, cursorId(page.cursor), page.limit + 1);
  return pageOf(rows, page.limit, nextCursor);
}

/** Moves a report through open → reviewing → resolved | dismissed (any order; reopening allowed). */
export async function setReportStatus(
  app: FastifyInstance,
  actor: AuthUser,
  reportId: number,
  change: { status: ReportStatus; notes?: string | null | undefined },
): Promise<ReportRow> {
  try {
    await app.db.transaction(async (tx) => {
      const current = await lockReportStatus(tx, reportId);
      if (!current) throw errors.notFound('Report');
      await updateReport(tx, reportId, change.status, change.notes, actor.id);
      await insertAudit(tx, {
        actorId: actor.id,
        action: 'report.update',
        targetType: 'report',
        targetId: reportId,
        details: { from: current.status, to: change.status, ...(change.notes === undefined ? {} : { notes: change.notes }) },
      });
    });
  } catch (err) {
    // reports_pending_per_reporter_key: reopening while the same member has a newer pending report
    // on the same target would duplicate it in the queue.
    if (uniqueViolation(err, 'reports_pending_per_reporter_key')) throw errors.conflict('report_duplicate', 'The reporter already has an open report on this target');
    throw err;
  }
  const report = await findReport(app.db, reportId);
  if (!report) throw errors.notFound('Report');
  return report;
}

export async function auditLogPage(app: FastifyInstance, filter: AuditFilter, page: Page): Promise<List<AuditRow>> {
  const rows = await listAudit(app.db, filter, cursorId(page.cursor), page.limit + 1);
  return pageOf(rows, page.limit, nextCursor);
}
