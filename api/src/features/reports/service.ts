import { uniqueViolation } from '@makapix/db';
import type { FastifyInstance } from 'fastify';
import { errors } from '../../errors.ts';
import { findComment } from '../comments/repo.ts';
import { findMember } from '../follows/repo.ts';
import type { Viewer } from '../../domain/visibility.ts';
import { findVisiblePost } from '../reactions/repo.ts';
import { viewerForUser } from '../../domain/viewer.ts';
import { insertReport, PENDING_REPORT_CONSTRAINT, type ReportRow, type ReportTargetType } from './repo.ts';

export interface ReportInput {
  targetType: ReportTargetType;
  targetId: string;
  reason: string;
}

/** What a member reports must be something they can see; anything else is indistinguishable from missing. */
async function targetExists(app: FastifyInstance, viewer: Viewer & { userId: number }, type: ReportTargetType, id: number): Promise<boolean> {
  switch (type) {
    case 'post':
      return (await findVisiblePost(app.db, viewer, id)) !== null;
    case 'comment': {
      const comment = await findComment(app.db, id);
      if (!comment || comment.deletedAt) return false;
      return (await findVisiblePost(app.db, viewer, comment.postId)) !== null;
    }
    case 'user': {
      if (id === viewer.userId) throw errors.badRequest('cannot_report_self', 'You cannot report yourself');
      const member = await findMember(app.db, id);
      return member !== null && !member.deletedAt;
    }
  }
}

/**
 * docs/product.md §1/§3: reports feed the moderators' queue; 10 per hour per member; a second report of
 * the same target while the first is still open → 409 `already_reported`.
 */
export async function createReport(app: FastifyInstance, userId: number, input: ReportInput): Promise<ReportRow> {
  await app.consumeRateLimit('report', `user:${userId}`);
  const viewer = { ...(await viewerForUser(app.db, userId)), userId };
  const targetId = app.publicId.decode(input.targetId);
  if (targetId === null || !(await targetExists(app, viewer, input.targetType, targetId))) {
    throw errors.notFound(input.targetType === 'user' ? 'Member' : input.targetType === 'post' ? 'Post' : 'Comment');
  }
  try {
    return await insertReport(app.db, { reporterId: userId, targetType: input.targetType, targetId, reason: input.reason });
  } catch (err) {
    if (uniqueViolation(err, PENDING_REPORT_CONSTRAINT)) {
      throw errors.conflict('already_reported', 'You already reported this and it is still being reviewed');
    }
    throw err;
  }
}
