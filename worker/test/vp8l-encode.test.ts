import { readImageHeader } from '@makapix/media';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { upscaleFrame } from '@makapix/media/pixels/frames';
import { buildPrefixCode } from '../src/images/vp8l-bits.ts';
import { encodeUpscaledVp8l, riffChunk, stillWebpOf } from '../src/images/vp8l-encode.ts';
import { muxAnimation } from '@makapix/media/pixels/webp-mux';

/** Our VP8L writer against libwebp's decoder (through sharp): every pixel, exactly (RGB under alpha 0 included). */

function random(seed: number) {
  return () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}

/** `colours` random RGBA colours (some clear, some half transparent); `runs` = chance a pixel repeats its left neighbour. */
function art(width: number, height: number, colours: number, runs: number, seed: number): Uint8Array {
  const rnd = random(seed);
  const palette = Array.from({ length: colours }, () => {
    const alpha = rnd() < 0.15 ? 0 : rnd() < 0.15 ? Math.floor(rnd() * 256) : 255;
    return [Math.floor(rnd() * 256), Math.floor(rnd() * 256), Math.floor(rnd() * 256), alpha];
  });
  const frame = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    if (p > 0 && rnd() < runs) frame.copyWithin(p * 4, (p - 1) * 4, p * 4);
    else if (p >= width && rnd() < runs / 2) frame.copyWithin(p * 4, (p - width) * 4, (p - width + 1) * 4);
    else frame.set(palette[Math.floor(rnd() * colours)] as number[], p * 4);
  }
  return frame;
}

async function decodeAll(webp: Uint8Array): Promise<Buffer[]> {
  const { data, info } = await sharp(webp, { animated: true }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const size = info.width * (info.pageHeight ?? info.height) * 4;
  return Array.from({ length: data.length / size }, (_, i) => data.subarray(i * size, (i + 1) * size));
}

describe('VP8L writer', () => {
  const cases: [string, number, number, number, number, number][] = [
    ['1×1 enlarged 96×', 1, 1, 96, 1, 0],
    ['tiny, 4×', 5, 3, 4, 7, 0.3],
    ['one colour, native size', 16, 16, 1, 1, 0],
    ['two colours, native size', 33, 7, 1, 2, 0.5],
    ['128×128 of 300 colours, 6×', 128, 128, 6, 300, 0.6],
    ['64×32 pixel art, 12×', 64, 32, 12, 20, 0.8],
    ['noise: 200×150 of 60 000 colours, 3×', 200, 150, 3, 60000, 0],
    ['long rows (copies past 4096), 700×10, 1×', 700, 10, 1, 3, 0.95],
  ];
  for (const [name, width, height, factor, colours, runs] of cases) {
    it(`round-trips exactly: ${name}`, async () => {
      const frame = art(width, height, colours, runs, width * 31 + height);
      const webp = stillWebpOf(encodeUpscaledVp8l(frame, width, height, factor, true));
      const meta = await sharp(webp).metadata();
      expect([meta.width, meta.height]).toEqual([width * factor, height * factor]);
      const [decoded] = await decodeAll(webp);
      expect(Buffer.compare(decoded as Buffer, upscaleFrame(frame, width, height, factor))).toBe(0);
    });
  }

  it('muxes into an animation that keeps every frame, repeats included, and every duration', async () => {
    const frames = [art(24, 16, 9, 0.5, 1), art(24, 16, 9, 0.5, 2)];
    frames.splice(1, 0, frames[0] as Uint8Array);
    const chunks = frames.map((f) => riffChunk('VP8L', encodeUpscaledVp8l(f, 24, 16, 2, true)));
    const webp = muxAnimation(chunks, 48, 32, { delaysMs: [30, 30, 500], loopCount: 2 }, true);
    expect(readImageHeader(webp)).toMatchObject({ frameCount: 3, frameDurationsMs: [30, 30, 500], loopCount: 2 });
    const decoded = await decodeAll(webp);
    expect(decoded).toHaveLength(3);
    decoded.forEach((d, i) => expect(Buffer.compare(d, upscaleFrame(frames[i] as Uint8Array, 24, 16, 2)), `frame ${i}`).toBe(0));
  });

  it('builds complete prefix codes no longer than the limit, even for skewed histograms', () => {
    // Fibonacci counts force a maximally deep Huffman tree; the limit must still hold.
    const counts = new Array<number>(280).fill(0);
    for (let i = 0, a = 1, b = 1; i < 40; i++, [a, b] = [b, a + b]) counts[i * 7] = a;
    const code = buildPrefixCode(counts, 15);
    const used = code.used.map((s) => code.lengths[s] as number);
    expect(Math.max(...used)).toBeLessThanOrEqual(15);
    expect(used.reduce((sum, l) => sum + 2 ** -l, 0)).toBe(1);
  });
});
