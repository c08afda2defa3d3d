import { expect, it } from 'vitest';
import type { WebEnv } from '../harness/env.ts';
import { logIn, visible } from '../harness/pages.ts';

/** Forgot password → mailed link → new password; the session opened before the reset is refused. */
export function passwordJourney(env: WebEnv): void {
  it('resets a forgotten password by the mailed link; the old session is refused', async () => {
    const member = await env.site.member('forgetful');
    const oldSession = await env.page();
    await logIn(oldSession, env.site.origin, member);

    const page = await env.page();
    expect(await env.visit(page, '/forgot-password')).toBe(200);
    const asked = Date.now() - 1000;
    await page.getByLabel('Email', { exact: true }).fill(member.email);
    await page.getByRole('button', { name: 'Send reset link', exact: true }).click();
    const link = await env.site.mailedLink(member.email, '/reset-password?token=', asked);
    await env.audit.audit(page, 'reset link sent');
    expect(new URL(link).origin).toBe(env.site.origin);

    await page.goto(link);
    await env.audit.audit(page);
    const renewed = { ...member, password: 'a-brand-new-secret-7' };
    await page.getByLabel('New password', { exact: true }).fill(renewed.password);
    await page.getByRole('button', { name: 'Set new password', exact: true }).click();
    await visible(page.locator('main').getByRole('link', { name: 'Log in', exact: true }));
    await env.audit.audit(page, 'password set');
    await logIn(page, env.site.origin, renewed);
    expect((await env.site.api('POST', '/auth/login', { json: { email: member.email, password: member.password } })).status).toBe(401);

    // The tab still open from before the reset: after a reload its refresh cookie no longer works.
    await oldSession.reload();
    await visible(oldSession.locator('header').getByRole('link', { name: 'Log in' }));
    expect(await oldSession.getByRole('button', { name: 'Log out' }).count()).toBe(0);
    // A members' page tells the expired session why and offers the way back in.
    expect(await env.visit(oldSession, '/notifications')).toBeLessThan(500);
    await visible(oldSession.locator('main').getByRole('link', { name: /log in/i }));
  });
}
