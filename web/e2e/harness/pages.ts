import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '@makapix/devstack';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Member } from './site.ts';

/** Polls `check` until it holds (Playwright's auto-waiting `expect` lives in @playwright/test, which we do not use). */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function visible(locator: Locator, timeoutMs = 15_000): Promise<Locator> {
  await locator.first().waitFor({ state: 'visible', timeout: timeoutMs });
  return locator.first();
}

/** Logs in through the form (so the browser holds the refresh cookie) and waits for the member header. */
export async function logIn(page: Page, origin: string, m: Member): Promise<void> {
  await page.goto(`${origin}/login`);
  await page.getByLabel('Email', { exact: true }).fill(m.email);
  await page.getByLabel('Password', { exact: true }).fill(m.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await visible(page.getByRole('button', { name: 'Log out' }));
}

/** Presses Tab (Shift+Tab never needed) until `target` has focus. */
export async function tabTo(page: Page, target: Locator, maxPresses = 60): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${maxPresses} Tab presses never reached ${target.toString()}`);
}

/** Every image in the viewport has loaded (SSE keeps the network busy, so no "networkidle"). */
export async function imagesLoaded(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    [...document.images]
      .filter((img) => {
        const r = img.getBoundingClientRect();
        return r.bottom > 0 && r.top < innerHeight && r.width > 0;
      })
      .every((img) => img.complete && img.naturalWidth > 0),
  );
}

export const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

/**
 * The README's screenshots (docs/images/web-<name>-<desktop|phone>.png), taken from the journeys'
 * real pages. They are written to docs/ only when asked (MAKAPIX_WRITE_SCREENSHOTS=1), so an
 * ordinary test run leaves the checkout clean; otherwise they go to the run's scratch directory.
 */
export async function screenshots(page: Page, name: string, scratchDir: string): Promise<void> {
  const dir = process.env.MAKAPIX_WRITE_SCREENSHOTS === '1' ? path.join(repoRoot, 'docs/images') : path.join(scratchDir, 'screenshots');
  await mkdir(dir, { recursive: true });
  const original = page.viewportSize();
  for (const [width, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    await page.evaluate(() => window.scrollTo(0, 0));
    await imagesLoaded(page);
    const png = await page.screenshot({ animations: 'disabled' });
    expect(png.length).toBeGreaterThan(1000);
    await writeFile(path.join(dir, `web-${name}-${width}.png`), png);
  }
  if (original) await page.setViewportSize(original);
}
