import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeArtwork } from '../src/display/frames.ts';
import { parseHalfBlocks, renderHalfBlocks, UPPER_HALF_BLOCK } from '../src/display/half-blocks.ts';
import { panelPicture, type Picture } from '../src/display/pixels.ts';
import { pictureOfSnapshot, snapshotPng } from '../src/display/snapshot.ts';

const RED = [255, 0, 0, 255];
const BLUE = [0, 0, 255, 255];
const GREEN = [0, 255, 0, 255];
const WHITE = [255, 255, 255, 255];

/** A 2×2 RGBA frame: red, green / blue, white. */
const quad = { rgba: Uint8Array.from([...RED, ...GREEN, ...BLUE, ...WHITE]), delayMs: 100 };
const full = { brightness: 100, rotation: 0, mirror: 'none' };
const px = (p: Picture, x: number, y: number) => [...p.rgb.subarray((y * p.width + x) * 3, (y * p.width + x) * 3 + 3)];

describe('half-block rendering', () => {
  it('draws two pixel rows per line: top as foreground, bottom as background, in 24-bit colour', () => {
    const lines = renderHalfBlocks(panelPicture(quad, 2, 2, full));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(`\x1b[38;2;255;0;0m\x1b[48;2;0;0;255m${UPPER_HALF_BLOCK}\x1b[38;2;0;255;0m\x1b[48;2;255;255;255m${UPPER_HALF_BLOCK}\x1b[0m`);
  });

  it('pads an odd last row with black and round-trips through a parser', () => {
    const picture: Picture = { width: 1, height: 3, rgb: Uint8Array.from([10, 20, 30, 40, 50, 60, 70, 80, 90]) };
    const back = parseHalfBlocks(renderHalfBlocks(picture));
    expect(back.height).toBe(4);
    expect([...back.rgb.subarray(0, 9)]).toEqual([...picture.rgb]);
    expect([...back.rgb.subarray(9)]).toEqual([0, 0, 0]);
  });

  it('applies rotation (clockwise), mirror and brightness to the picture', () => {
    const cw = panelPicture(quad, 2, 2, { ...full, rotation: 90 });
    expect([px(cw, 0, 0), px(cw, 1, 0)]).toEqual([[0, 0, 255], [255, 0, 0]]);
    const mirrored = panelPicture(quad, 2, 2, { ...full, mirror: 'horizontal' });
    expect(px(mirrored, 0, 0)).toEqual([0, 255, 0]);
    const dim = panelPicture(quad, 2, 2, { ...full, brightness: 50 });
    expect(px(dim, 0, 0)).toEqual([128, 0, 0]);
  });

  it('composites transparency over black and downscales large art by a whole factor', () => {
    const half = { rgba: Uint8Array.from([200, 100, 50, 128]), delayMs: 100 };
    expect(px(panelPicture(half, 1, 1, full), 0, 0)).toEqual([100, 50, 25]);
    const big = { rgba: new Uint8Array(128 * 128 * 4).fill(255), delayMs: 100 };
    const p = panelPicture(big, 128, 128, full, 64);
    expect([p.width, p.height]).toEqual([64, 64]);
  });
});

describe('frames and snapshot', () => {
  it('decodes every frame of an animated GIF with its delay', async () => {
    const white = new Uint8Array(4 * 4 * 4).fill(255);
    const red = Uint8Array.from({ length: 4 * 4 * 4 }, (_, i) => (i % 4 === 1 || i % 4 === 2 ? 0 : 255));
    const gif = await sharp(Buffer.concat([white, red]), { raw: { width: 4, height: 8, channels: 4, pageHeight: 4 } }).gif({ delay: [200, 70], loop: 0 }).toBuffer();
    const art = await decodeArtwork(gif);
    expect([art.width, art.height]).toEqual([4, 4]);
    expect(art.frames.map((f) => f.delayMs)).toEqual([200, 70]);
    expect([...art.frames[0]!.rgba.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
    expect([...art.frames[1]!.rgba.subarray(0, 4)]).toEqual([255, 0, 0, 255]);
    const single = await decodeArtwork(await sharp(Buffer.from(quad.rgba), { raw: { width: 2, height: 2, channels: 4 } }).png().toBuffer());
    expect(single.frames).toHaveLength(1);
    expect([...single.frames[0]!.rgba]).toEqual([...quad.rgba]);
  });

  it('writes a PNG whose picture is exactly the pixels the half blocks show', async () => {
    const picture = panelPicture(quad, 2, 2, { ...full, rotation: 270, brightness: 70 });
    const shown = parseHalfBlocks(renderHalfBlocks(picture));
    const png = await snapshotPng(picture, '▶ all · post 1');
    const back = await pictureOfSnapshot(png, picture.width, picture.height);
    expect([...back.rgb]).toEqual([...shown.rgb]);
    const meta = await sharp(png).metadata();
    expect(meta.height).toBeGreaterThan(picture.height * 8);
  });

  it('writes the status line alone while nothing is on the panel', async () => {
    const png = await snapshotPng({ width: 0, height: 0, rgb: new Uint8Array() }, '▶ all · no artwork');
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.height).toBeLessThan(60);
  });
});
