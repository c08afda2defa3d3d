import { expect, it } from 'vitest';
import { visible } from '../harness/pages.ts';
import type { WebEnv } from '../harness/env.ts';

/** A visitor (no account) browses recent → artwork → hashtag → artwork → profile, then reads the same pages with JavaScript off. */
export function visitorJourney(env: WebEnv): void {
  const seen: Record<'feed' | 'tag' | 'artwork' | 'profile', string> = { feed: '/', tag: '', artwork: '', profile: '' };

  it('a visitor browses recent → hashtag → artwork → profile', async () => {
    const page = await env.page();
    expect(await env.visit(page, '/')).toBe(200);
    const header = page.locator('header');
    await visible(header.getByRole('link', { name: 'Makapix Club' }));
    for (const name of ['Recent', 'Promoted', 'Following']) await visible(page.getByRole('link', { name, exact: true }));
    await visible(header.getByRole('link', { name: 'Log in' }));
    await visible(page.locator('main img[data-pixel-art]'));

    await page.locator('main a[href^="/p/"]').first().click();
    await page.waitForURL(/\/p\/[^/]+$/);
    const title = await (await visible(page.locator('h1'))).innerText();
    expect(await page.locator('main img[data-pixel-art]').first().getAttribute('alt')).toBe(title);
    await env.audit.audit(page);

    await page.locator('main a[href^="/t/"]').first().click();
    await page.waitForURL(/\/t\/[^/]+$/);
    seen.tag = new URL(page.url()).pathname;
    await visible(page.locator('main img[data-pixel-art]'));
    await env.audit.audit(page);

    await page.locator('main a[href^="/p/"]').first().click();
    await page.waitForURL(/\/p\/[^/]+$/);
    seen.artwork = new URL(page.url()).pathname;
    await visible(page.locator('h1'));
    await env.audit.audit(page);

    await page.locator('main a[href^="/u/"]').first().click();
    await page.waitForURL(/\/u\/[^/]+$/);
    seen.profile = new URL(page.url()).pathname;
    await visible(page.locator('main img[data-pixel-art]'));
    await env.audit.audit(page);
  });

  it('with JavaScript off, the same pages carry their content from the server', async () => {
    const page = await env.page({ javaScriptEnabled: false });
    for (const route of Object.values(seen)) {
      const res = await page.goto(env.site.url(route));
      expect(res?.status(), route).toBe(200);
      expect(await page.locator('main').count(), route).toBe(1);
      const art = page.locator('main img[data-pixel-art]');
      expect(await art.count(), route).toBeGreaterThan(0);
      expect(await art.first().getAttribute('alt'), route).toBeTruthy();
      expect(await page.title(), route).not.toBe('');
    }
    await page.goto(env.site.url(seen.artwork));
    const title = await page.locator('h1').innerText();
    expect(await page.title()).toContain(title);
    expect(await page.locator('meta[property="og:image"]').getAttribute('content')).toMatch(/^http/);
    expect(await page.locator('meta[name="description"]').getAttribute('content')).toBeTruthy();
    expect(await page.locator('main img[data-pixel-art]').first().getAttribute('alt')).toBe(title);
  });

  it('an unknown artwork or profile is a real 404 page with a way on', async () => {
    const page = await env.page();
    for (const route of ['/p/zzzzzzzzzz', '/u/nobody-by-this-handle']) {
      expect(await env.visit(page, route), route).toBe(404);
      await visible(page.locator('main h1'));
      await visible(page.locator('main').getByRole('link'));
      await visible(page.locator('header').getByRole('link', { name: 'Makapix Club' }));
    }
  });
}
