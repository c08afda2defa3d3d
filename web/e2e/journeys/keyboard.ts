import { expect, it } from 'vitest';
import type { WebEnv } from '../harness/env.ts';
import { tabTo, visible } from '../harness/pages.ts';

/** Sign-in, a reaction and a comment with the keyboard alone (Tab, Enter, Escape and typing). */
export function keyboardJourney(env: WebEnv, artworkRoute: () => string): void {
  it('a keyboard-only member signs in, reacts and comments', async () => {
    const member = await env.site.member('keys');
    const page = await env.page();
    await env.visit(page, '/login');
    await tabTo(page, page.getByLabel('Email', { exact: true }));
    await page.keyboard.type(member.email);
    await tabTo(page, page.getByLabel('Password', { exact: true }));
    await page.keyboard.type(member.password);
    await page.keyboard.press('Enter');
    await visible(page.getByRole('button', { name: 'Log out' }));

    await page.goto(env.site.url(artworkRoute()));
    await env.audit.audit(page, 'keyboard member');
    const react = page.getByRole('button', { name: 'React', exact: true });
    await tabTo(page, react);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Choose a reaction' });
    await visible(dialog);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    await tabTo(page, react);
    await page.keyboard.press('Enter');
    await visible(dialog);
    // The first emoji, reached by Tab from wherever the dialog put the focus.
    const first = dialog.getByRole('button', { name: /\p{Extended_Pictographic}/u }).first();
    const emoji = (await first.getAttribute('aria-label')) ?? (await first.innerText());
    await tabTo(page, first);
    await page.keyboard.press('Enter');
    // The picker closes once the api took the reaction (Escape now could close it before that).
    await dialog.waitFor({ state: 'hidden' });
    const sqid = artworkRoute().split('/').pop()!;
    const mine = await env.site.api<{ mine: string[] }>('GET', `/posts/${sqid}/reactions`, { token: member.token });
    expect(mine.body.mine).toContain(emoji.trim());

    const text = 'Typed without a mouse.';
    await tabTo(page, page.getByLabel('Comment', { exact: true }));
    await page.keyboard.type(text);
    await tabTo(page, page.getByRole('button', { name: 'Post comment', exact: true }));
    await page.keyboard.press('Enter');
    await visible(page.locator('main').getByText(text));
  });
}
