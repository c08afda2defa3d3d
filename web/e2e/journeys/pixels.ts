import sharp from 'sharp';
import { expect, it } from 'vitest';
import type { WebEnv } from '../harness/env.ts';
import { imagesLoaded, visible } from '../harness/pages.ts';
import { checkPixelExact, decodePng, gridPng, TWO_COLOUR_8X8 } from '../harness/pixels.ts';

/**
 * The artwork element, as the screen shows it: a device-pixel screenshot of the viewport cut to the
 * element's box in device pixels. (An element screenshot is clipped in whole CSS pixels, which at
 * 1.25× would cut through device pixels and blame the page for the clip.)
 */
async function artworkDevicePixels(env: WebEnv, route: string, scale: number) {
  const page = await env.page({ deviceScaleFactor: scale });
  await page.goto(env.site.url(route));
  const art = await visible(page.locator('main img[data-pixel-art]'));
  await art.scrollIntoViewIfNeeded();
  await imagesLoaded(page);
  const box = (await art.boundingBox())!;
  const shot = await page.screenshot({ scale: 'device', animations: 'disabled' });
  const left = Math.round(box.x * scale);
  const top = Math.round(box.y * scale);
  const width = Math.round((box.x + box.width) * scale) - left;
  const height = Math.round((box.y + box.height) * scale) - top;
  const crop = await sharp(shot).extract({ left, top, width, height }).png().toBuffer();
  if (scale === 1) await env.audit.audit(page);
  await page.close();
  return { image: await decodePng(crop), box };
}

/** An 8×8 two-colour artwork at device scale factors 1, 1.25 and 2 keeps exactly its two colours and square whole-number pixels. */
export function pixelJourney(env: WebEnv): void {
  let route = '';

  it('an 8×8 two-colour artwork uploaded by a member', async () => {
    const pix = await env.site.member('pixelchecker');
    const sqid = await env.site.uploadReady(pix.token, { bytes: await gridPng(TWO_COLOUR_8X8), name: 'checker.png', type: 'image/png' }, 'Two colour checker', ['checker']);
    route = `/p/${sqid}`;
  });

  it.each([1, 1.25, 2])('is pixel-exact at device scale factor %s', async (scale) => {
    const { image, box } = await artworkDevicePixels(env, route, scale);
    const verdict = checkPixelExact(image, TWO_COLOUR_8X8);
    const where = `element ${box.width}×${box.height} CSS px at (${box.x}, ${box.y}), device px (${box.x * scale}, ${box.y * scale})`;
    expect(verdict.ok ? 'pixel-exact' : `${where}: ${verdict.reason}`).toBe('pixel-exact');
    // The artwork page shows the art large, not at its 8 px native size.
    expect(verdict.ok && verdict.scale).toBeGreaterThanOrEqual(8);
  });
}
