import { notifications, posts, users } from '@makapix/db';
import { MailSinkClient } from '@makapix/devstack';
import { UnrecoverableError } from 'bullmq';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sendEmailJob } from '../src/jobs/send-email.ts';
import { type TestEnv, createTestEnv, insertUser, jobContext } from './helpers.ts';

let env: TestEnv;
const sink = new MailSinkClient(inject('mailApiUrl'));

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

describe('send-email (docs/product.md §6)', () => {
  it('delivers a verification mail through SMTP with the working link', async () => {
    const user = await insertUser(env.dbHandle);
    const verifyUrl = `${env.config.mail.publicBaseUrl}/verify-email?token=tok_${user.id}`;
    const result = await sendEmailJob.handle({ template: 'verify-email', to: user.email, userId: user.id, verifyUrl }, jobContext(env.services));
    expect(result).toMatchObject({ sent: true });
    const mail = await sink.waitFor(user.email);
    expect(mail.from).toContain('no-reply@makapix.localhost');
    expect(mail.subject).toMatch(/confirm your email/i);
    expect(mail.links).toEqual([verifyUrl]);
    expect(mail.html).toContain('Confirm my email');
  });

  it('delivers a reset mail', async () => {
    const user = await insertUser(env.dbHandle);
    const resetUrl = `${env.config.mail.publicBaseUrl}/reset-password?token=r${user.id}`;
    await sendEmailJob.handle({ template: 'reset-password', to: user.email, userId: user.id, resetUrl }, jobContext(env.services));
    expect((await sink.waitFor(user.email)).links).toEqual([resetUrl]);
  });

  it('refuses links outside PUBLIC_BASE_URL permanently', async () => {
    const user = await insertUser(env.dbHandle);
    const run = sendEmailJob.handle({ template: 'reset-password', to: user.email, userId: user.id, resetUrl: 'https://evil.example/reset?t=1' }, jobContext(env.services));
    await expect(run).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await sink.list(user.email)).toEqual([]);
  });

  it('sends a digest of the unread notifications only, and nothing when all are read', async () => {
    const me = await insertUser(env.dbHandle);
    const fan = await insertUser(env.dbHandle);
    const [post] = await env.dbHandle.db.insert(posts).values({ kind: 'playlist', ownerId: me.id, title: 'Best <b>loops</b>' }).returning({ id: posts.id });
    const rows = await env.dbHandle.db.insert(notifications).values([
      { recipientId: me.id, actorId: fan.id, type: 'reaction', postId: post?.id, data: { emoji: '🔥' } },
      { recipientId: me.id, actorId: fan.id, type: 'follow' },
      { recipientId: me.id, actorId: fan.id, type: 'comment', postId: post?.id, readAt: new Date() },
    ]).returning({ id: notifications.id });
    const ids = rows.map((r) => r.id);
    const inboxUrl = `${env.config.mail.publicBaseUrl}/notifications`;
    await sendEmailJob.handle({ template: 'notification-digest', to: me.email, userId: me.id, notificationIds: ids, inboxUrl }, jobContext(env.services));
    const mail = await sink.waitFor(me.email);
    expect(mail.subject).toBe('2 new notifications on Makapix Club');
    const [fanRow] = await env.dbHandle.db.select({ handle: users.handle }).from(users).where(eq(users.id, fan.id));
    expect(mail.text).toContain(`@${fanRow?.handle} reacted 🔥 to “Best <b>loops</b>”`);
    expect(mail.text).not.toContain('commented');
    expect(mail.links).toEqual([inboxUrl]);

    await env.dbHandle.db.update(notifications).set({ readAt: new Date() }).where(eq(notifications.recipientId, me.id));
    const again = await sendEmailJob.handle({ template: 'notification-digest', to: me.email, userId: me.id, notificationIds: ids, inboxUrl }, jobContext(env.services));
    expect(again).toEqual({ sent: false, reason: 'nothing unread' });
  });

  it('skips mail that is no longer useful, and retries when the user row is not visible yet', async () => {
    const user = await insertUser(env.dbHandle);
    await env.dbHandle.db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, user.id));
    const verifyUrl = `${env.config.mail.publicBaseUrl}/verify-email?token=x`;
    const skipped = await sendEmailJob.handle({ template: 'verify-email', to: user.email, userId: user.id, verifyUrl }, jobContext(env.services));
    expect(skipped).toMatchObject({ sent: false, reason: 'the email address is already verified' });

    const payload = { template: 'verify-email', to: 'ghost@example.test', userId: 987654, verifyUrl } as const;
    await expect(sendEmailJob.handle(payload, jobContext(env.services))).rejects.toThrow(/not found \(yet\)/);
    await expect(sendEmailJob.handle(payload, jobContext(env.services, {}, { made: 4, of: 5 }))).resolves.toMatchObject({ sent: false });
  });
});
