import { expect, it } from 'vitest';
import type { WebEnv } from '../harness/env.ts';
import { logIn, visible } from '../harness/pages.ts';

/** An api failure during an action is shown in words next to it, and the page stays usable. */
export function apiErrorJourney(env: WebEnv, artworkRoute: () => string): void {
  it('an api error shows a message and keeps the way on', async () => {
    const member = await env.site.member('unlucky');
    const page = await env.page();
    await logIn(page, env.site.origin, member);
    await page.route('**/api/v1/posts/*/comments', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'service_unavailable', message: 'The comments are resting; try again in a minute.' } }) })
        : route.fallback(),
    );
    await page.goto(env.site.url(artworkRoute()));
    const text = 'This comment meets a failing api.';
    await page.getByLabel('Comment', { exact: true }).fill(text);
    await page.getByRole('button', { name: 'Post comment', exact: true }).click();
    // The api's own sentence (no code of ours maps service_unavailable), next to the form.
    await visible(page.locator('main').getByText('The comments are resting; try again in a minute.'));
    await env.audit.audit(page, 'api error shown');
    // Nothing lost: the text is still there to send again, and the page around it still works.
    expect(await page.getByLabel('Comment', { exact: true }).inputValue()).toBe(text);
    await visible(page.locator('h1'));
    await page.unroute('**/api/v1/posts/*/comments');
    await page.getByRole('button', { name: 'Post comment', exact: true }).click();
    await visible(page.locator('main').getByText(text));
  });
}
