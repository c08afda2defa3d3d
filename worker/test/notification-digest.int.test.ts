import { PERMANENT_BAN_UNTIL, notifications, users } from '@makapix/db';
import { MailSinkClient } from '@makapix/devstack';
import { jobIds } from '@makapix/protocol';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { notificationDigestJob } from '../src/jobs/notification-digest.ts';
import { sendEmailJob } from '../src/jobs/send-email.ts';
import { type JobQueues, openQueues } from '@makapix/queues';
import { type RunningWorker, startWorker } from '../src/start-worker.ts';
import { type TestEnv, createTestEnv, insertUser, jobContext } from './helpers.ts';

let env: TestEnv;
let worker: RunningWorker;
let queues: JobQueues;
const sink = new MailSinkClient(inject('mailApiUrl'));
const HOUR = 3600_000;
const ago = (ms: number) => new Date(Date.now() - ms);
/** A time yesterday (UTC), `ms` before today's 00:00 UTC: the day a run today covers. */
const todayStart = () => Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR;
const beforeToday = (ms: number) => new Date(todayStart() - ms);

beforeAll(async () => {
  env = await createTestEnv();
  // Only the mail queue runs, so what the digest job enqueues really goes out through SMTP.
  worker = await startWorker(env.config, { jobs: [sendEmailJob], requiredJobs: ['send-email'] });
  queues = openQueues(env.config.redis.url);
});
afterAll(async () => {
  await worker.stop();
  await queues.close();
  await env.close();
});

type Member = { id: number; email: string };
async function member(fields: Partial<typeof users.$inferInsert> = {}): Promise<Member> {
  const m = await insertUser(env.dbHandle);
  await env.dbHandle.db.update(users).set({ emailVerifiedAt: ago(30 * 24 * HOUR), ...fields }).where(eq(users.id, m.id));
  return m;
}
async function notify(recipient: Member, actor: Member, at: Date, read = false): Promise<number> {
  const [row] = await env.dbHandle.db
    .insert(notifications)
    .values({ recipientId: recipient.id, actorId: actor.id, type: 'follow', createdAt: at, readAt: read ? new Date() : null })
    .returning({ id: notifications.id });
  return row!.id;
}

/** Until the mail queue has nothing waiting, delayed or running, then its completed count. */
async function settled(): Promise<number> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const c = await queues.queue('email').getJobCounts('wait', 'active', 'delayed', 'prioritized', 'completed', 'failed');
    expect(c.failed).toBe(0);
    const busy = (c.wait ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0);
    if (busy === 0) return c.completed ?? 0;
    if (Date.now() > deadline) throw new Error(`mail queue still busy: ${JSON.stringify(c)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('notification-digest (docs/product.md §6 send-email "notifications digest")', () => {
  it('mails each due member one digest of yesterday (UTC), and nobody else', async () => {
    const fan = await member();
    const ann = await member();
    const annIds = [await notify(ann, fan, beforeToday(2 * HOUR)), await notify(ann, fan, beforeToday(20 * HOUR))];
    await notify(ann, fan, beforeToday(HOUR), true);
    // The day before yesterday, and today (tomorrow's digest): not in this one.
    await notify(ann, fan, beforeToday(30 * HOUR));
    await notify(ann, fan, new Date());
    // A ban that is over no longer counts.
    const bob = await member({ bannedUntil: ago(HOUR) });
    const bobIds = [await notify(bob, fan, beforeToday(60_000))];
    const left = [
      await member({ emailDigest: false }),
      await member({ bannedUntil: new Date(Date.now() + 24 * HOUR) }),
      await member({ bannedUntil: PERMANENT_BAN_UNTIL }),
      await member({ emailVerifiedAt: null }),
      await member({ deletedAt: ago(HOUR) }),
      await member({ deactivatedAt: ago(HOUR) }),
    ];
    for (const m of left) await notify(m, fan, beforeToday(HOUR));
    // Unread but too old, and yesterday's but already read: nothing new to tell.
    const quiet = await member();
    await notify(quiet, fan, beforeToday(26 * HOUR));
    await notify(quiet, fan, beforeToday(HOUR), true);
    const completedBefore = await settled();

    const first = await notificationDigestJob.handle({}, jobContext(env.services));
    const utcDate = beforeToday(1).toISOString().slice(0, 10);
    expect(first).toEqual({ members: 2, utcDate });
    const annMail = await sink.waitFor(ann.email);
    expect(annMail.subject).toBe('2 new notifications on Makapix Club');
    expect(annMail.links).toEqual([`${env.config.mail.publicBaseUrl}/notifications`]);
    await sink.waitFor(bob.email);
    const job = await queues.queue('email').getJob(jobIds.notificationDigest(ann.id, utcDate));
    expect(job?.data).toMatchObject({ template: 'notification-digest', userId: ann.id, notificationIds: [...annIds].reverse() });
    expect((await queues.queue('email').getJob(jobIds.notificationDigest(bob.id, utcDate)))?.data.notificationIds).toEqual(bobIds);
    expect(await settled()).toBe(completedBefore + 2);

    // Another run today (a retry, a restarted worker): same day covered, same job ids, nothing sent.
    expect(await notificationDigestJob.handle({}, jobContext(env.services))).toEqual({ members: 2, utcDate });
    expect(await settled()).toBe(completedBefore + 2);
    for (const m of [ann, bob]) expect(await sink.list(m.email)).toHaveLength(1);
    for (const m of [...left, quiet, fan]) expect(await sink.list(m.email), m.email).toEqual([]);
  });

  it('drops a queued digest when the member turned it off before it was sent', async () => {
    const fan = await member();
    const me = await member();
    const id = await notify(me, fan, ago(HOUR));
    await env.dbHandle.db.update(users).set({ emailDigest: false }).where(eq(users.id, me.id));
    const inboxUrl = `${env.config.mail.publicBaseUrl}/notifications`;
    const result = await sendEmailJob.handle({ template: 'notification-digest', to: me.email, userId: me.id, notificationIds: [id], inboxUrl }, jobContext(env.services));
    expect(result).toEqual({ sent: false, reason: 'the digest is turned off' });
    expect(await sink.list(me.email)).toEqual([]);
  });
});
