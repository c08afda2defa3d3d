import { readImageHeader } from '@makapix/media';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeBmp } from '@makapix/media/pixels/bmp';
import { decodeBmp } from '@makapix/media/pixels/bmp-decode';
import { type RgbaImage, analyzePixels, firstDifference, upscaleFactor, upscaleFrame } from '@makapix/media/pixels/frames';
import { encodeGif } from '@makapix/media/pixels/gif-encode';
import { encodeWebpLossless } from '@makapix/media/pixels/sharp-pipeline';
import { muxAnimatedWebp } from '@makapix/media/pixels/webp-mux';

function random(seed: number) {
  return () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}

/** Frames of `colours` random colours; `clear` = share of fully transparent pixels. */
function randomImage(width: number, height: number, frames: number, colours: number, clear = 0, seed = 1): RgbaImage {
  const rnd = random(seed);
  const out: Uint8Array[] = [];
  for (let f = 0; f < frames; f++) {
    const palette = Array.from({ length: colours }, () => [rnd() * 256, rnd() * 256, rnd() * 256].map(Math.floor));
    const frame = new Uint8Array(width * height * 4);
    for (let p = 0; p < width * height; p++) {
      const c = palette[Math.floor(rnd() * colours)] as number[];
      frame.set(rnd() < clear ? [0, 0, 0, 0] : [c[0] as number, c[1] as number, c[2] as number, 255], p * 4);
    }
    out.push(frame);
  }
  return { width, height, frames: out };
}

async function sharpFrames(bytes: Uint8Array): Promise<Uint8Array[]> {
  const { data, info } = await sharp(bytes, { animated: true }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const size = info.width * (info.pageHeight ?? info.height) * 4;
  return Array.from({ length: data.length / size }, (_, i) => new Uint8Array(data.subarray(i * size, (i + 1) * size)));
}

describe('exact GIF encoder', () => {
  it('round-trips 256 colours on 256×256 through LZW table resets', async () => {
    const image = randomImage(256, 256, 1, 256);
    const gif = encodeGif(image, null);
    expect(gif.ok).toBe(true);
    if (!gif.ok) return;
    const [decoded] = await sharpFrames(gif.bytes);
    expect(firstDifference(decoded as Uint8Array, image.frames[0] as Uint8Array)).toBe(-1);
  });

  it('keeps every frame, delay, loop count and transparency of an animation, with local palettes', async () => {
    // 200 colours per frame, different per frame: the union exceeds 256, so each frame has its own table.
    const image = randomImage(40, 24, 4, 200, 0.2);
    image.frames[2] = image.frames[1] as Uint8Array; // a repeated frame must stay a frame of its own
    const gif = encodeGif(image, { delaysMs: [100, 200, 200, 50], loopCount: 3 });
    expect(gif.ok).toBe(true);
    if (!gif.ok) return;
    expect(readImageHeader(gif.bytes)).toMatchObject({ frameCount: 4, frameDurationsMs: [100, 200, 200, 50], loopCount: 3 });
    const decoded = await sharpFrames(gif.bytes);
    expect(decoded).toHaveLength(4);
    decoded.forEach((frame, i) => expect(firstDifference(frame, image.frames[i] as Uint8Array), `frame ${i}`).toBe(-1));
  });

  it('refuses rather than approximates: >256 colours or partial alpha', () => {
    expect(encodeGif(randomImage(32, 32, 1, 400), null)).toMatchObject({ ok: false, reason: expect.stringMatching(/more than 256 colours/) });
    // 256 colours plus transparency need 257 palette entries.
    const full = randomImage(64, 64, 1, 256, 0.1, 9);
    expect(analyzePixels(full).uniqueColors).toBe(257);
    expect(encodeGif(full, null).ok).toBe(false);
    const soft = randomImage(8, 8, 1, 4);
    (soft.frames[0] as Uint8Array)[3] = 128;
    expect(encodeGif(soft, null)).toMatchObject({ ok: false, reason: expect.stringMatching(/partially transparent/) });
  });
});

describe('animated WebP muxing', () => {
  it('keeps identical frames and exact durations that libwebp would merge', async () => {
    const image = randomImage(16, 16, 3, 50, 0.1);
    image.frames[1] = image.frames[0] as Uint8Array;
    const stills = await Promise.all(image.frames.map((f) => encodeWebpLossless(f, 16, 16)));
    const webp = muxAnimatedWebp(stills, 16, 16, { delaysMs: [33, 33, 1000], loopCount: 0 }, true);
    expect(readImageHeader(webp)).toMatchObject({ frameCount: 3, frameDurationsMs: [33, 33, 1000], loopCount: 0, hasAlphaDeclared: true });
    const decoded = await sharpFrames(webp);
    decoded.forEach((frame, i) => expect(firstDifference(frame, image.frames[i] as Uint8Array)).toBe(-1));
  });
});

/** A BMP from explicit header fields and raw pixel bytes, independent of our encoder. */
function handBmp(o: { width: number; height: number; bpp: number; compression?: number; palette?: number[][]; masks?: number[]; data: number[] }): Uint8Array {
  const pal = (o.palette ?? []).flatMap(([r, g, b]) => [b as number, g as number, r as number, 0]);
  const masks = o.masks ?? [];
  const offset = 14 + 40 + masks.length * 4 + pal.length;
  const buf = Buffer.alloc(offset + o.data.length);
  buf.write('BM', 0, 'ascii');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(offset, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(o.width, 18);
  buf.writeInt32LE(o.height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(o.bpp, 28);
  buf.writeUInt32LE(o.compression ?? 0, 30);
  buf.writeUInt32LE(o.palette?.length ?? 0, 46);
  masks.forEach((m, i) => buf.writeUInt32LE(m, 54 + i * 4));
  Buffer.from(pal).copy(buf, 54 + masks.length * 4);
  Buffer.from(o.data).copy(buf, offset);
  return buf;
}

const px = (img: RgbaImage) => Array.from(img.frames[0] as Uint8Array);

describe('BMP decoder', () => {
  const R = [255, 0, 0, 255];
  const G = [0, 255, 0, 255];
  const B = [0, 0, 255, 255];
  const W = [255, 255, 255, 255];

  it('reads 1-bit and 4-bit palettes bottom-up with row padding', () => {
    const one = handBmp({ width: 3, height: 2, bpp: 1, palette: [[255, 0, 0], [255, 255, 255]], data: [0b01000000, 0, 0, 0, 0b10100000, 0, 0, 0] });
    expect(px(decodeBmp(one))).toEqual([...W, ...R, ...W, ...R, ...W, ...R]);
    const four = handBmp({ width: 3, height: 1, bpp: 4, palette: [[255, 0, 0], [0, 255, 0], [0, 0, 255]], data: [0x21, 0x00, 0, 0] });
    expect(px(decodeBmp(four))).toEqual([...B, ...G, ...R]);
  });

  it('reads top-down 8-bit, 24-bit and 16-bit 5-6-5 bit fields', () => {
    const eight = handBmp({ width: 2, height: -2, bpp: 8, palette: [[255, 0, 0], [0, 0, 255]], data: [0, 1, 0, 0, 1, 0, 0, 0] });
    expect(px(decodeBmp(eight))).toEqual([...R, ...B, ...B, ...R]);
    const rgb = handBmp({ width: 1, height: 1, bpp: 24, data: [10, 20, 30, 0] });
    expect(px(decodeBmp(rgb))).toEqual([30, 20, 10, 255]);
    const rgb565 = handBmp({ width: 2, height: 1, bpp: 16, compression: 3, masks: [0xf800, 0x07e0, 0x001f], data: [0x00, 0xf8, 0xe0, 0x07] });
    expect(px(decodeBmp(rgb565))).toEqual([...R, ...G]);
  });

  it('reads 32-bit alpha bit fields', () => {
    const argb = handBmp({ width: 1, height: 1, bpp: 32, compression: 6, masks: [0xff0000, 0xff00, 0xff, 0xff000000], data: [3, 2, 1, 128] });
    expect(px(decodeBmp(argb))).toEqual([1, 2, 3, 128]);
  });

  it('reads RLE8 runs, absolute runs and deltas; skipped pixels are transparent', () => {
    const palette = [[255, 0, 0], [0, 255, 0], [0, 0, 255]];
    // bottom row: run of 2×index1, absolute [2,0,2] (padded), EOL; top row: delta (1,0) then 1×index0, EOF.
    const data = [2, 1, 0, 3, 2, 0, 2, 0, 0, 0, 0, 2, 1, 0, 1, 0, 0, 1];
    const img = decodeBmp(handBmp({ width: 5, height: 2, bpp: 8, compression: 1, palette, data }));
    const T = [0, 0, 0, 0];
    expect(px(img)).toEqual([...T, ...R, ...T, ...T, ...T, ...G, ...G, ...B, ...R, ...B]);
  });

  it('round-trips our encoder: 24-bit when opaque, 32-bit V4 with alpha otherwise', () => {
    const opaque = randomImage(13, 7, 1, 30);
    const bmp24 = encodeBmp(opaque.frames[0] as Uint8Array, 13, 7);
    expect(readImageHeader(bmp24)).toMatchObject({ width: 13, height: 7, hasAlphaDeclared: false });
    expect(firstDifference(decodeBmp(bmp24).frames[0] as Uint8Array, opaque.frames[0] as Uint8Array)).toBe(-1);
    const soft = randomImage(5, 3, 1, 30);
    (soft.frames[0] as Uint8Array).set([9, 8, 7, 77], 4);
    const bmp32 = encodeBmp(soft.frames[0] as Uint8Array, 5, 3);
    expect(readImageHeader(bmp32)).toMatchObject({ hasAlphaDeclared: true });
    expect(px(decodeBmp(bmp32))).toEqual(Array.from(soft.frames[0] as Uint8Array));
  });
});

describe('pixel facts and nearest-neighbour upscaling', () => {
  it('counts colours per frame (max), transparency and partial alpha', () => {
    const image = randomImage(8, 8, 2, 1);
    // Frame 1: pixel p gets colour p % 40, so exactly 40 colours.
    image.frames[1] = Uint8Array.from({ length: 256 }, (_, i) => (i % 4 === 3 ? 255 : i % 4 === 0 ? (i >> 2) % 40 : 7));
    expect(analyzePixels(image)).toMatchObject({ uniqueColors: 40, transparencyActual: false, alphaActual: false });
    (image.frames[0] as Uint8Array)[3] = 0;
    expect(analyzePixels(image)).toMatchObject({ transparencyActual: true, alphaActual: false });
    (image.frames[0] as Uint8Array)[7] = 200;
    expect(analyzePixels(image)).toMatchObject({ transparencyActual: true, alphaActual: true });
  });

  it('picks the largest whole factor with the longest side ≤ 768', () => {
    expect(upscaleFactor(256, 256)).toBe(3);
    expect(upscaleFactor(200, 130)).toBe(3);
    expect(upscaleFactor(128, 128)).toBe(6);
    expect(upscaleFactor(64, 32)).toBe(12);
    expect(upscaleFactor(8, 8)).toBe(96);
    expect(upscaleFactor(1000, 10)).toBe(1);
  });

  it('turns every pixel into an exact factor × factor block', () => {
    const { frames } = randomImage(5, 3, 1, 7, 0.3);
    const src = frames[0] as Uint8Array;
    const out = upscaleFrame(src, 5, 3, 4);
    expect(out.length).toBe(20 * 12 * 4);
    for (let y = 0; y < 12; y++) {
      for (let x = 0; x < 20; x++) {
        const s = (Math.floor(y / 4) * 5 + Math.floor(x / 4)) * 4;
        expect(Array.from(out.subarray((y * 20 + x) * 4, (y * 20 + x) * 4 + 4))).toEqual(Array.from(src.subarray(s, s + 4)));
      }
    }
  });
});
