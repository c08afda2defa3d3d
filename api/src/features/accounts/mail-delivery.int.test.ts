import path from 'node:path';
import { MailSinkClient } from '@makapix/devstack';
import { LocalVaultStore } from '@makapix/vault';
import { createLogger, createMailer, type JobContext, loadWorkerConfig, type Mailer, sendEmailJob } from '@makapix/testbed/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { nextIp, queuedMails, uniqueHandle } from '../../../test/fixtures/accounts.ts';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';

/**
 * The mails really leave: the queued send-email jobs are handed to the worker's own handler
 * in-process, which sends them over SMTP to the sink; the links read back from the sink work.
 */
describe('account mails through the worker handler and the SMTP sink (docs/product.md §3, §6)', () => {
  let t: TestApp;
  let ctx: JobContext;
  let mailer: Mailer;
  const sink = new MailSinkClient(inject('mailApiUrl'));

  beforeAll(async () => {
    t = await createTestApp();
    const config = loadWorkerConfig({
      DATABASE_URL: t.config.db.url,
      REDIS_URL: t.config.redis.url,
      SMTP_URL: `smtp://127.0.0.1:${inject('smtpPort')}`,
      PUBLIC_BASE_URL: t.config.http.publicBaseUrl,
      LOG_LEVEL: 'silent',
    });
    mailer = createMailer(config.mail);
    const logger = createLogger(config.log);
    ctx = {
      config,
      db: t.app.db,
      vault: new LocalVaultStore(path.join(inject('scratchDir'), 'accounts-mail-vault')),
      mailer,
      logger,
      redis: t.app.redis,
      log: logger,
      job: { id: 'accounts-mail-test', name: 'send-email', attemptsMade: 0, opts: { attempts: 5 }, updateData: async () => {} },
      lastAttempt: false,
    };
  });
  afterAll(async () => {
    mailer.close();
    await t.close();
  });

  const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: { 'x-forwarded-for': nextIp() }, payload });

  /** Runs every queued send-email job for `to` through the worker's handler. */
  async function deliver(to: string): Promise<void> {
    for (const payload of await queuedMails(t, to)) await sendEmailJob.handle(payload, ctx);
  }

  it('delivers a verification link that verifies, and a reset link that resets', async () => {
    const handle = uniqueHandle();
    const email = `${handle}@example.test`;
    expect((await post('/api/v1/auth/register', { email, password: 'pixels4ever', handle })).statusCode).toBe(201);
    await deliver(email);

    const verifyMail = await sink.waitFor(email, (m) => m.links.some((l) => l.includes('/verify-email?token=')));
    const verifyLink = verifyMail.links.find((l) => l.includes('/verify-email?token='))!;
    expect(verifyLink.startsWith(`${t.config.http.publicBaseUrl}/verify-email?token=`)).toBe(true);
    const verifyToken = new URL(verifyLink).searchParams.get('token')!;
    expect((await post('/api/v1/auth/verify-email', { token: verifyToken })).statusCode).toBe(200);
    expect((await post('/api/v1/auth/login', { email, password: 'pixels4ever' })).statusCode).toBe(200);

    expect((await post('/api/v1/auth/forgot-password', { email })).statusCode).toBe(202);
    await deliver(email);
    const resetMail = await sink.waitFor(email, (m) => m.links.some((l) => l.includes('/reset-password?token=')));
    const resetToken = new URL(resetMail.links.find((l) => l.includes('/reset-password?token='))!).searchParams.get('token')!;
    expect((await post('/api/v1/auth/reset-password', { token: resetToken, password: 'fresh-pass-2' })).statusCode).toBe(200);
    expect((await post('/api/v1/auth/login', { email, password: 'fresh-pass-2' })).statusCode).toBe(200);
  });
});
