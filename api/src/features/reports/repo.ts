import { type Database, reports } from '@makapix/db';

export type ReportTargetType = (typeof reports.$inferInsert)['targetType'];

export interface ReportRow {
  id: number;
  targetType: ReportTargetType;
  targetId: number;
  status: (typeof reports.$inferSelect)['status'];
  createdAt: Date;
}

/** The unique index `reports_pending_per_reporter_key` refuses a second open report of one target. */
export async function insertReport(db: Database, input: { reporterId: number; targetType: ReportTargetType; targetId: number; reason: string }): Promise<ReportRow> {
  const [row] = await db
    .insert(reports)
    .values(input)
    .returning({ id: reports.id, targetType: reports.targetType, targetId: reports.targetId, status: reports.status, createdAt: reports.createdAt });
  if (!row) throw new Error('report insert returned no row');
  return row;
}

export const PENDING_REPORT_CONSTRAINT = 'reports_pending_per_reporter_key';
