import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { checkUploadRules, readImageHeader } from '../src/index.ts';

/** Real encoder output (libvips, libwebp, cgif, libspng) must read the same as sharp's own metadata. */

const W = 64;
const H = 32;

function pixels(frames: number, alpha: number): Buffer {
  const buf = Buffer.alloc(W * H * frames * 4);
  for (let i = 0; i < W * H * frames; i++) {
    const frame = Math.floor(i / (W * H));
    buf.set([(i * 7 + frame * 40) & 255, (i * 13) & 255, (i >> 3) & 255, i % 5 === 0 ? alpha : 255], i * 4);
  }
  return buf;
}

const input = (frames: number, alpha = 255) =>
  sharp(pixels(frames, alpha), { raw: { width: W, height: H * frames, channels: 4, pageHeight: H } });

describe('headers of images produced by sharp', () => {
  it('PNG with and without alpha, and a palette PNG', async () => {
    const rgba = await input(1, 0).png().toBuffer();
    expect(readImageHeader(rgba)).toMatchObject({ format: 'png', width: W, height: H, frameCount: 1, hasAlphaDeclared: true });
    const rgb = await input(1).removeAlpha().png().toBuffer();
    expect(readImageHeader(rgb)).toMatchObject({ hasAlphaDeclared: false, hasTransparencyDeclared: false });
    const palette = await input(1, 0).png({ palette: true, colours: 16 }).toBuffer();
    expect(readImageHeader(palette)).toMatchObject({ width: W, height: H, hasTransparencyDeclared: true });
  });

  it('animated and still GIF', async () => {
    const animated = await input(5, 0).gif({ delay: [40, 50, 60, 70, 80], loop: 2 }).toBuffer();
    const meta = await sharp(animated, { animated: true }).metadata();
    expect(readImageHeader(animated)).toMatchObject({
      format: 'gif', width: W, height: H, frameCount: meta.pages, animated: true, frameDurationsMs: meta.delay, loopCount: meta.loop, hasTransparencyDeclared: true,
    });
    expect(readImageHeader(await input(1).gif().toBuffer())).toMatchObject({ frameCount: 1, animated: false });
  });

  it('lossy, lossless and animated WebP', async () => {
    expect(readImageHeader(await input(1).webp({ quality: 80 }).toBuffer())).toMatchObject({ format: 'webp', width: W, height: H, frameCount: 1 });
    expect(readImageHeader(await input(1, 0).webp({ lossless: true }).toBuffer())).toMatchObject({ width: W, height: H, hasAlphaDeclared: true });
    const animated = await input(4).webp({ lossless: true, delay: [100, 200, 300, 400], loop: 0 }).toBuffer();
    const meta = await sharp(animated, { animated: true }).metadata();
    expect(readImageHeader(animated)).toMatchObject({ frameCount: meta.pages, animated: true, frameDurationsMs: meta.delay, loopCount: 0 });
  });

  it('accepts sharp output within the rules and refuses a cut-off file', async () => {
    const file = await input(3).gif({ delay: [10, 10, 10] }).toBuffer();
    expect(checkUploadRules({ bytes: file }).ok).toBe(true);
    expect(checkUploadRules({ bytes: file.subarray(0, file.length >> 1) })).toMatchObject({ ok: false, code: 'corrupt_image' });
  });
});
