import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { WebEnv } from '../harness/env.ts';
import { logIn, visible } from '../harness/pages.ts';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The rule in words, in an alert, for the file just chosen. */
async function ruleShown(page: Page, file: { name: string; mimeType: string; buffer: Buffer }): Promise<string> {
  await page.getByLabel('Artwork file').setInputFiles(file);
  return (await visible(page.getByRole('alert').filter({ hasText: /\S/ }))).innerText();
}

/** A too-large and a wrong-size file are refused in the browser, in words, before any request is made. */
export function uploadRulesJourney(env: WebEnv): void {
  it('a too-large and a wrong-size upload get the rule in words before any request', async () => {
    const member = await env.site.member('ruleminder');
    const page = await env.page();
    await logIn(page, env.site.origin, member);
    expect(await env.visit(page, '/upload')).toBe(200);
    const uploads: string[] = [];
    page.on('request', (req) => {
      if (new URL(req.url()).pathname.startsWith('/api/v1/posts')) uploads.push(`${req.method()} ${req.url()}`);
    });

    const tooLarge = Buffer.alloc(6 * 1024 * 1024, 7);
    tooLarge.set(PNG_MAGIC);
    expect(await ruleShown(page, { name: 'huge.png', mimeType: 'image/png', buffer: tooLarge })).toMatch(/5 MiB/);
    await page.getByLabel('Title').fill('Too big');
    await tryUpload(page);

    const wrongSize = await sharp({ create: { width: 30, height: 30, channels: 3, background: '#3a7' } }).png().toBuffer();
    const words = await ruleShown(page, { name: 'odd.png', mimeType: 'image/png', buffer: wrongSize });
    expect(words).toMatch(/30×30/);
    expect(words).toMatch(/32×32/);
    await tryUpload(page);
    await env.audit.audit(page, 'rule shown');

    expect(uploads).toEqual([]);
  });
}

/** Pressing Upload with a refused file sends nothing (the button may also simply be disabled). */
async function tryUpload(page: Page): Promise<void> {
  const button = page.getByRole('button', { name: 'Upload', exact: true });
  if (await button.isEnabled()) await button.click();
  await page.waitForTimeout(300);
}
