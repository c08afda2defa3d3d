import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { checkPixelExact, decodePng, gridPng, TWO_COLOUR_8X8 } from './pixels.ts';

// The pixel test's own judge: it must accept a whole-number nearest-neighbour scale and refuse a
// smoothed, fractional, padded or flipped rendering.
describe('checkPixelExact', () => {
  it.each([1, 2, 3, 5])('accepts the art scaled by %i device pixels per art pixel', async (scale) => {
    expect(checkPixelExact(await decodePng(await gridPng(TWO_COLOUR_8X8, scale)), TWO_COLOUR_8X8)).toEqual({ ok: true, scale });
  });

  it('refuses a smoothed scale (a third colour appears)', async () => {
    const smooth = await sharp(await gridPng(TWO_COLOUR_8X8)).resize(24, 24, { kernel: 'lanczos3' }).png().toBuffer();
    const verdict = checkPixelExact(await decodePng(smooth), TWO_COLOUR_8X8);
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringContaining('colours besides') });
  });

  it('refuses a fractional nearest-neighbour scale (uneven art pixels)', async () => {
    const uneven = await sharp(await gridPng(TWO_COLOUR_8X8)).resize(20, 20, { kernel: 'nearest' }).png().toBuffer();
    expect(checkPixelExact(await decodePng(uneven), TWO_COLOUR_8X8)).toMatchObject({ ok: false, reason: expect.stringContaining('whole multiple') });
  });

  it('refuses a background edge and a flipped image', async () => {
    const padded = await sharp(await gridPng(TWO_COLOUR_8X8, 2)).extend({ top: 1, background: '#ffffff' }).png().toBuffer();
    expect(checkPixelExact(await decodePng(padded), TWO_COLOUR_8X8).ok).toBe(false);
    const flipped = await sharp(await gridPng(TWO_COLOUR_8X8, 2)).flop().png().toBuffer();
    expect(checkPixelExact(await decodePng(flipped), TWO_COLOUR_8X8)).toMatchObject({ ok: false, reason: expect.stringContaining('device pixel') });
  });
});
