import { notifications, posts, users } from '@makapix/db';
import type { SendEmailJob } from '@makapix/protocol';
import { UnrecoverableError } from 'bullmq';
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { JobContext } from '../context.ts';
import { type DigestItem, type EmailContent, renderEmail } from '../mail/templates.ts';
import { defineJob } from '../registry.ts';

/** Links in mails must point at this site: a payload can never turn our mail into a phishing link. */
function assertOwnLink(url: string, publicBaseUrl: string): void {
  const base = new URL(`${publicBaseUrl}/`);
  const link = new URL(url);
  if (link.origin !== base.origin || !link.pathname.startsWith(base.pathname)) {
    throw new UnrecoverableError(`refusing to mail a link outside ${publicBaseUrl}: ${link.origin}${link.pathname}`);
  }
}

const actor = alias(users, 'actor');

async function digestItems(payload: Extract<SendEmailJob, { template: 'notification-digest' }>, ctx: JobContext): Promise<DigestItem[]> {
  const rows = await ctx.db
    .select({
      type: notifications.type,
      actorHandle: actor.handle,
      postTitle: posts.title,
      data: notifications.data,
      createdAt: notifications.createdAt,
    })
    .from(notifications)
    .leftJoin(actor, eq(actor.id, notifications.actorId))
    .leftJoin(posts, eq(posts.id, notifications.postId))
    // Only still-unread notifications of this recipient: read ones need no reminder.
    .where(and(inArray(notifications.id, payload.notificationIds), eq(notifications.recipientId, payload.userId), isNull(notifications.readAt)))
    .orderBy(asc(notifications.id));
  return rows.map((r) => ({
    type: r.type,
    actorHandle: r.actorHandle,
    postTitle: r.postTitle,
    emoji: typeof r.data?.emoji === 'string' ? r.data.emoji : null,
    createdAt: r.createdAt,
  }));
}

/**
 * Why a mail is no longer worth sending (a retry after the account was deleted or verified), or
 * null. A missing user row is retried rather than skipped: the api may enqueue just before its
 * transaction commits.
 */
async function staleReason(payload: SendEmailJob, ctx: JobContext): Promise<string | null> {
  const [user] = await ctx.db
    .select({ deletedAt: users.deletedAt, verifiedAt: users.emailVerifiedAt, emailDigest: users.emailDigest })
    .from(users)
    .where(eq(users.id, payload.userId));
  if (!user) {
    if (ctx.lastAttempt) return 'the account does not exist';
    throw new Error(`user ${payload.userId} not found (yet)`);
  }
  if (user.deletedAt) return 'the account was deleted';
  if (payload.template === 'verify-email' && user.verifiedAt) return 'the email address is already verified';
  // Turned off after the digest was queued (a retry can come hours later): the choice wins.
  if (payload.template === 'notification-digest' && !user.emailDigest) return 'the digest is turned off';
  return null;
}

/** docs/product.md §6 send-email: render and send through SMTP; SMTP errors are retried with backoff. */
export const sendEmailJob = defineJob('send-email', async (payload, ctx) => {
  const stale = await staleReason(payload, ctx);
  if (stale) {
    ctx.log.info({ template: payload.template, userId: payload.userId, reason: stale }, 'mail skipped');
    return { sent: false, reason: stale };
  }
  let content: EmailContent;
  if (payload.template === 'verify-email') {
    assertOwnLink(payload.verifyUrl, ctx.config.mail.publicBaseUrl);
    content = { template: 'verify-email', verifyUrl: payload.verifyUrl };
  } else if (payload.template === 'reset-password' || payload.template === 'sign-up-attempt') {
    assertOwnLink(payload.resetUrl, ctx.config.mail.publicBaseUrl);
    content = { template: payload.template, resetUrl: payload.resetUrl };
  } else {
    assertOwnLink(payload.inboxUrl, ctx.config.mail.publicBaseUrl);
    const items = await digestItems(payload, ctx);
    if (items.length === 0) {
      ctx.log.info({ userId: payload.userId }, 'digest skipped: every notification is already read');
      return { sent: false, reason: 'nothing unread' };
    }
    content = { template: 'notification-digest', items, inboxUrl: payload.inboxUrl };
  }
  const { messageId } = await ctx.mailer.send({ to: payload.to, ...renderEmail(content) });
  ctx.log.info({ template: payload.template, userId: payload.userId, messageId }, 'mail sent');
  return { sent: true, messageId };
});
