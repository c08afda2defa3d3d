import { generateArtwork } from '@makapix/devstack/demo/generate-art';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { WebEnv } from '../harness/env.ts';
import { logIn, screenshots, until, visible } from '../harness/pages.ts';
import type { Member } from '../harness/site.ts';

const notificationsLink = (page: Page) => page.locator('header').getByRole('link', { name: /^Notifications/ });
/** The unread count the header's Notifications link names ("Notifications, 3 unread"); 0 when it names none. */
const unread = async (page: Page) => Number(/(\d+) unread/.exec(await notificationsLink(page).ariaSnapshot())?.[1] ?? 0);
const unreadAtLeast = async (page: Page, min: number) => (await unread(page)) >= min;

/** Clicks the emoji picker's first emoji (buttons are named by their emoji) and returns it. */
export async function pickFirstEmoji(page: Page): Promise<string> {
  const dialog = await visible(page.getByRole('dialog', { name: 'Choose a reaction' }));
  for (const button of await dialog.getByRole('button').all()) {
    const name = (await button.getAttribute('aria-label')) ?? (await button.innerText());
    if (/\p{Extended_Pictographic}/u.test(name)) {
      await button.click();
      // The modal dialog makes the page behind it inert until the api answered and it closed.
      await dialog.waitFor({ state: 'hidden' });
      return name.trim();
    }
  }
  throw new Error('the reaction picker has no emoji button');
}

/**
 * An artist's day: sign up, verify by the mailed link, log in, upload an animated GIF and watch it
 * go from processing to ready; another member reacts and comments; the artist's unread badge moves
 * without a reload; the artist replies and reads the notifications.
 */
export function artistJourney(env: WebEnv): void {
  const artist: Member = { email: 'mira@example.test', password: 'mira-pixels-9', handle: 'mira' };
  let artistPage: Page;
  let artwork = '';
  const title = 'Mira bobbing sprite';
  const comment = 'Lovely loop, the bob is perfect!';

  it('signs up, reads the verification mail, verifies and logs in', async () => {
    const page = (artistPage = await env.page());
    expect(await env.visit(page, '/signup')).toBe(200);
    await page.getByLabel('Email', { exact: true }).fill(artist.email);
    await page.getByLabel('Handle', { exact: true }).fill(artist.handle);
    await page.getByLabel('Password', { exact: true }).fill(artist.password);
    await page.getByRole('button', { name: 'Sign up', exact: true }).click();
    await page.waitForURL(/\/signup\/check-mail/);
    await env.audit.audit(page);

    const link = await env.site.mailedLink(artist.email, '/verify-email?token=');
    expect(new URL(link).origin).toBe(env.site.origin);
    await page.goto(link);
    await visible(page.locator('main').getByText(/verified/i));
    await env.audit.audit(page);

    await logIn(page, env.site.origin, artist);
    await env.audit.audit(page, 'member header');
  });

  it('uploads an animated GIF and sees it processing, then ready', async () => {
    const page = artistPage;
    await page.locator('header').getByRole('link', { name: 'Upload', exact: true }).click();
    await page.waitForURL(/\/upload$/);
    const gif = Buffer.from(await generateArtwork(90210, { format: 'gif', width: 32, height: 32, frames: 6 }));
    await page.getByLabel('Artwork file').setInputFiles({ name: 'bob.gif', mimeType: 'image/gif', buffer: gif });
    await visible(page.locator('main img[data-pixel-art]'));
    await page.getByLabel('Title', { exact: true }).fill(title);
    await env.audit.audit(page, 'file chosen');
    await screenshots(page, 'upload', env.scratchDir);

    // Record every state the page passes through: processing may last only a moment.
    await page.evaluate(() => {
      const w = window as unknown as { seenStates: string[]; sawProgress: boolean };
      w.seenStates = [];
      w.sawProgress = false;
      new MutationObserver(() => {
        const text = document.querySelector('main')?.textContent ?? '';
        for (const s of ['Processing…', 'Ready']) if (text.includes(s) && !w.seenStates.includes(s)) w.seenStates.push(s);
        const label = (p: HTMLProgressElement) =>
          [p.getAttribute('aria-label'), ...[...(p.labels ?? [])].map((l) => l.textContent),
            ...(p.getAttribute('aria-labelledby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent)].join(' ');
        if ([...document.querySelectorAll('progress')].some((p) => label(p).includes('Upload progress'))) w.sawProgress = true;
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const ready = await visible(page.locator('main a[href^="/p/"]'), 60_000);
    await visible(page.locator('main').getByText('Ready', { exact: true }));
    expect(await page.evaluate(() => (window as unknown as { seenStates: string[] }).seenStates)).toEqual(['Processing…', 'Ready']);
    expect(await page.evaluate(() => (window as unknown as { sawProgress: boolean }).sawProgress)).toBe(true);
    await env.audit.audit(page, 'ready');
    artwork = (await ready.getAttribute('href'))!;
    await ready.click();
    await page.waitForURL(new RegExp(`${artwork}$`));
    expect(await page.locator('h1').innerText()).toBe(title);
    await env.audit.audit(page, 'artist view');
  });

  it('another member reacts and comments; the artist’s unread badge updates without a reload', async () => {
    await visible(notificationsLink(artistPage));
    expect(await unreadAtLeast(artistPage, 1)).toBe(false);
    await artistPage.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    const fan = await env.site.member('otto');
    const page = await env.page();
    await logIn(page, env.site.origin, fan);
    await page.goto(env.site.url(artwork));
    await page.getByRole('button', { name: 'React', exact: true }).click();
    await env.audit.audit(page, 'reaction picker open');
    const emoji = await pickFirstEmoji(page);
    await page.getByLabel('Comment', { exact: true }).fill(comment);
    await page.getByRole('button', { name: 'Post comment', exact: true }).click();
    await visible(page.locator('main').getByText(comment));
    await env.audit.audit(page, 'reacted and commented');

    const sqid = artwork.split('/').pop()!;
    const reactions = await env.site.api<unknown>('GET', `/posts/${sqid}/reactions`);
    expect(JSON.stringify(reactions.body)).toContain(emoji);

    await until('the artist’s badge to count the reaction and the comment', () => unreadAtLeast(artistPage, 2), 30_000);
    expect(await artistPage.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  });

  it('the artist replies to the comment and reads the notifications', async () => {
    const page = artistPage;
    await page.reload();
    await visible(page.locator('main').getByText(comment));
    await page.getByRole('button', { name: 'Reply', exact: true }).first().click();
    const reply = 'Thank you! Six frames of bob.';
    await page.getByRole('textbox', { name: /^Reply/ }).fill(reply);
    await page.getByRole('button', { name: 'Post reply', exact: true }).click();
    await visible(page.locator('main').getByText(reply));
    await env.audit.audit(page, 'replied');
    const sqid = artwork.split('/').pop()!;
    expect(JSON.stringify((await env.site.api<unknown>('GET', `/posts/${sqid}/comments`)).body)).toContain(reply);
    await screenshots(page, 'artwork', env.scratchDir);

    await notificationsLink(page).click();
    await page.waitForURL(/\/notifications$/);
    await visible(page.locator('main').getByRole('listitem'));
    await env.audit.audit(page);
    await screenshots(page, 'notifications', env.scratchDir);
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await until('the badge to clear', async () => !(await unreadAtLeast(page, 1)));

    expect(await env.visit(page, `/u/${artist.handle}`)).toBe(200);
    await visible(page.locator('main img[data-pixel-art]'));
    await screenshots(page, 'profile', env.scratchDir);
    await env.visit(page, '/');
    await screenshots(page, 'home', env.scratchDir);
  });
}
