import { notifications, users } from '@makapix/db';
import { DIGEST_MAX_NOTIFICATIONS, jobIds } from '@makapix/protocol';
import { and, asc, eq, gt, gte, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { JobContext } from '../context.ts';
import { openQueues } from '@makapix/queues';
import { defineJob } from '../registry.ts';

const DAY_MS = 24 * 3600_000;
const BATCH = 500;
/**
 * Kept past the rest of the UTC day (the queue's default trims completed jobs by count too), so the
 * deterministic job id still answers "already sent today" on a second run.
 */
const KEEP_SECONDS = 2 * 24 * 3600;

interface DigestRecipient {
  userId: number;
  email: string;
  /** Newest first, at most DIGEST_MAX_NOTIFICATIONS. */
  notificationIds: number[];
}

/**
 * Members due a digest, in id order after `afterUserId`: verified, not deleted, deactivated or
 * banned (docs/product.md §3), digest left on, with unread notifications created in [from, to).
 */
async function findDigestRecipients(ctx: JobContext, from: Date, to: Date, afterUserId: number): Promise<DigestRecipient[]> {
  const rows = await ctx.db
    .select({
      userId: users.id,
      email: users.email,
      ids: sql<string[]>`(array_agg(${notifications.id} order by ${notifications.id} desc))[1:${sql.raw(String(DIGEST_MAX_NOTIFICATIONS))}]`,
    })
    .from(users)
    .innerJoin(notifications, eq(notifications.recipientId, users.id))
    .where(
      and(
        gt(users.id, afterUserId),
        eq(users.emailDigest, true),
        isNotNull(users.emailVerifiedAt),
        isNull(users.deletedAt),
        isNull(users.deactivatedAt),
        or(isNull(users.bannedUntil), lte(users.bannedUntil, sql`now()`)),
        isNull(notifications.readAt),
        gte(notifications.createdAt, from),
        lt(notifications.createdAt, to),
      ),
    )
    .groupBy(users.id)
    .orderBy(asc(users.id))
    .limit(BATCH);
  return rows.map((r) => ({ userId: r.userId, email: r.email, notificationIds: r.ids.map(Number) }));
}

/**
 * docs/product.md §6 send-email "notifications digest" (daily): one send-email job per member due one. A
 * digest covers one whole UTC day, the one before the run (the schedule fires at 00:00 UTC), and its
 * job id is the member plus that day. So any other run — a retry, a worker restarted mid-day whose
 * scheduler fires at once, a manual run — covers the same day with the same ids and enqueues nothing
 * new: a member never gets two digests with overlapping notifications. The mail itself re-reads which
 * notifications are still unread and whether the member still wants it when it is sent (send-email.ts).
 */
export const notificationDigestJob = defineJob('notification-digest', async (_payload, ctx) => {
  const to = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
  const from = new Date(to.getTime() - DAY_MS);
  const utcDate = from.toISOString().slice(0, 10);
  const inboxUrl = `${ctx.config.mail.publicBaseUrl}/notifications`;
  const queues = openQueues(ctx.config.redis.url);
  let members = 0;
  try {
    for (let after = 0; ; ) {
      const batch = await findDigestRecipients(ctx, from, to, after);
      if (batch.length === 0) break;
      for (const r of batch) {
        await queues.add(
          'send-email',
          { template: 'notification-digest', to: r.email, userId: r.userId, notificationIds: r.notificationIds, inboxUrl },
          { jobId: jobIds.notificationDigest(r.userId, utcDate), removeOnComplete: { age: KEEP_SECONDS }, removeOnFail: { age: 7 * 24 * 3600 } },
        );
      }
      members += batch.length;
      after = batch[batch.length - 1]!.userId;
    }
  } finally {
    await queues.close();
  }
  ctx.log.info({ members, utcDate }, 'notification digests queued');
  return { members, utcDate };
});
