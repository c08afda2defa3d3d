import type { FastifyInstance } from 'fastify';
import { errors } from '../../errors.ts';
import type { AuthUser } from '../../plugins/auth.ts';
import { notify } from '../notifications/service.ts';
import { viewableByLink, type Viewer } from '../../domain/visibility.ts';
import { adjustReputation, REPUTATION_POINTS } from '../users/reputation.ts';
import { insertAudit } from './audit-repo.ts';
import { canActOnMember } from './guards.ts';
import {
  type DbOrTx,
  findComment,
  findMember,
  findPost,
  type ModCommentRow,
  type ModMemberRow,
  type ModPostRow,
  type PostFlag,
  setCommentHidden,
  setMemberHidden,
  setMemberTrusted,
  setPostFlag,
} from './repo.ts';

// docs/product.md §1 moderator actions. Each change and its audit row commit in one transaction; the
// notification to the member follows the commit. Repeating an action that changes nothing (hiding
// a hidden post) answers the current state and writes no audit row and no notification.

type NotificationType = 'post_approved' | 'post_promoted' | 'moderation';

/** Moderators see every ready, non-deleted post, hidden or not (visibility.ts). */
export function moderatorViewer(actor: AuthUser): Viewer {
  return { userId: actor.id, isModerator: true, monitoredOptIns: [] };
}

/**
 * docs/product.md §4 notification to the member a moderation action concerns, sent in the site's name
 * (no actor): a member's block must not hide a moderation notice, and moderators stay unnamed to
 * the member. `data.action` is the audit action, so the inbox can say what happened. It follows the
 * commit and must not undo or fail the action, so a failure is logged rather than thrown.
 */
export async function notifyMember(
  app: FastifyInstance,
  actor: AuthUser,
  input: { recipientId: number; type: NotificationType; action: string; postId?: number; commentId?: number; details?: Record<string, unknown> },
): Promise<void> {
  if (input.recipientId === actor.id) return;
  try {
    await notify(app, {
      recipientId: input.recipientId,
      actorId: null,
      type: input.type,
      postId: input.postId ?? null,
      commentId: input.commentId ?? null,
      data: { action: input.action, ...input.details },
    });
  } catch (err) {
    app.log.error({ err, recipientId: input.recipientId, action: input.action }, 'moderation notification failed');
  }
}

export type PostAction = 'hide' | 'unhide' | 'approve' | 'promote' | 'unpromote';
const POST_ACTIONS: Record<PostAction, { flag: PostFlag; on: boolean; notify?: NotificationType }> = {
  hide: { flag: 'hiddenByModAt', on: true, notify: 'moderation' },
  unhide: { flag: 'hiddenByModAt', on: false, notify: 'moderation' },
  approve: { flag: 'approvedAt', on: true, notify: 'post_approved' },
  promote: { flag: 'promotedAt', on: true, notify: 'post_promoted' },
  unpromote: { flag: 'promotedAt', on: false },
};

export async function moderatePost(app: FastifyInstance, actor: AuthUser, postId: number, action: PostAction, reason?: string): Promise<ModPostRow> {
  const rule = POST_ACTIONS[action];
  const visible = viewableByLink(moderatorViewer(actor));
  const { post, changed } = await app.db.transaction(async (tx) => {
    const current = await findPost(tx, postId, visible);
    if (!current) throw errors.notFound('Post');
    // The promoted channel is a subset of the public feeds (visibility.ts inPromoted): promoting a
    // post that is not approved would show nowhere.
    if (action === 'promote' && current.approvedAt === null) throw errors.conflict('post_not_approved', 'Approve the post before promoting it');
    const updated = await setPostFlag(tx, postId, rule.flag, rule.on);
    if (!updated) return { post: current, changed: false };
    // A promotion is worth reputation to the artist, taken back by unpromote (users/reputation.ts).
    if (rule.flag === 'promotedAt') await adjustReputation(tx, updated.ownerId, rule.on ? REPUTATION_POINTS.promotedPost : -REPUTATION_POINTS.promotedPost);
    await insertAudit(tx, { actorId: actor.id, action: `post.${action}`, targetType: 'post', targetId: postId, details: reason ? { reason } : {} });
    return { post: updated, changed: true };
  });
  if (changed && rule.notify) {
    await notifyMember(app, actor, { recipientId: post.ownerId, type: rule.notify, action: `post.${action}`, postId: post.id, details: reason ? { reason } : {} });
  }
  return post;
}

export async function moderateComment(
  app: FastifyInstance,
  actor: AuthUser,
  commentId: number,
  action: 'hide' | 'unhide',
  reason?: string,
): Promise<ModCommentRow> {
  const { comment, changed } = await app.db.transaction(async (tx) => {
    const current = await findComment(tx, commentId);
    if (!current) throw errors.notFound('Comment');
    const updated = await setCommentHidden(tx, commentId, action === 'hide');
    if (!updated) return { comment: current, changed: false };
    await insertAudit(tx, { actorId: actor.id, action: `comment.${action}`, targetType: 'comment', targetId: commentId, details: reason ? { reason } : {} });
    return { comment: updated, changed: true };
  });
  if (changed) {
    const details = reason ? { reason } : {};
    await notifyMember(app, actor, { recipientId: comment.authorId, type: 'moderation', action: `comment.${action}`, postId: comment.postId, commentId: comment.id, details });
  }
  return comment;
}

/**
 * Loads (and locks, inside a transaction) a member the actor may act on: 404 for an unknown or deleted
 * account, 403 `target_protected` for a moderator (unless the actor is the owner), the owner, or oneself.
 */
export async function loadActionableMember(db: DbOrTx, actor: AuthUser, userId: number): Promise<ModMemberRow> {
  const member = await findMember(db, userId, { lock: true });
  if (!member) throw errors.notFound('Member');
  if (member.id === actor.id || !canActOnMember(actor.role, member.role)) {
    throw errors.forbidden('Only the site owner can act on moderators, and nobody on the site owner or themself', 'target_protected');
  }
  return member;
}

export type MemberAction = 'hide' | 'unhide' | 'trust' | 'untrust';

export async function moderateMember(
  app: FastifyInstance,
  actor: AuthUser,
  userId: number,
  action: MemberAction,
  reason?: string,
): Promise<ModMemberRow> {
  const { member, changed } = await app.db.transaction(async (tx) => {
    const current = await loadActionableMember(tx, actor, userId);
    const updated =
      action === 'hide' || action === 'unhide' ? await setMemberHidden(tx, userId, action === 'hide') : await setMemberTrusted(tx, userId, action === 'trust');
    if (!updated) return { member: current, changed: false };
    await insertAudit(tx, { actorId: actor.id, action: `user.${action}`, targetType: 'user', targetId: userId, details: reason ? { reason } : {} });
    return { member: updated, changed: true };
  });
  if (changed) await notifyMember(app, actor, { recipientId: member.id, type: 'moderation', action: `user.${action}`, details: reason ? { reason } : {} });
  return member;
}
