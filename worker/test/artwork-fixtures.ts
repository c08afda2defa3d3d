import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { readImageHeader } from '@makapix/media';
import { aliasPath, canonicalPath, upscaledAliasPath, upscaledPath, type VaultExt } from '@makapix/vault';
import sharp from 'sharp';
import { expect } from 'vitest';

/**
 * Test images from real encoders (libvips/cgif/libwebp via sharp) plus independent readers used to
 * check renditions: sharp for PNG/GIF/WebP, a minimal reader for the two BMP layouts we write.
 */

export interface Frames {
  width: number;
  height: number;
  frames: Uint8Array[];
}

/** Deterministic pixel art: `colours` colours in diagonal bands per frame, optional transparent holes. */
export function pixelArt(width: number, height: number, frameCount: number, colours: number, holes = false): Frames {
  const frames: Uint8Array[] = [];
  for (let f = 0; f < frameCount; f++) {
    const frame = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const c = (Math.floor((x + y + f * 3) / 2) + f) % colours;
        const hole = holes && (x * 7 + y * 3 + f) % 11 === 0;
        frame.set(hole ? [0, 0, 0, 0] : [(c * 53) & 255, (c * 97 + 40) & 255, (c * 31 + 200) & 255, 255], (y * width + x) * 4);
      }
    }
    frames.push(frame);
  }
  return { width, height, frames };
}

export function rawInput(art: Frames): sharp.Sharp {
  return sharp(Buffer.concat(art.frames), { raw: { width: art.width, height: art.height * art.frames.length, channels: 4, pageHeight: art.height } });
}

/** Decodes PNG/GIF/WebP with sharp, BMP with a direct reader of 24-bit BI_RGB / 32-bit bit fields. */
export async function decodeForTest(bytes: Uint8Array): Promise<Frames> {
  if (bytes[0] === 0x42 && bytes[1] === 0x4d) return readSimpleBmp(Buffer.from(bytes));
  const { data, info } = await sharp(bytes, { animated: true }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const height = info.pageHeight ?? info.height;
  const size = info.width * height * 4;
  const frames = Array.from({ length: data.length / size }, (_, i) => new Uint8Array(data.subarray(i * size, (i + 1) * size)));
  return { width: info.width, height, frames };
}

function readSimpleBmp(buf: Buffer): Frames {
  const offset = buf.readUInt32LE(10);
  const width = buf.readInt32LE(18);
  const height = buf.readInt32LE(22);
  const bpp = buf.readUInt16LE(28);
  expect([24, 32]).toContain(bpp);
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  const frame = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = offset + (height - 1 - y) * stride + x * (bpp / 8);
      frame.set([buf[p + 2] as number, buf[p + 1] as number, buf[p] as number, bpp === 32 ? (buf[p + 3] as number) : 255], (y * width + x) * 4);
    }
  }
  return { width, height, frames: [frame] };
}

const same = (a: Uint8Array, b: Uint8Array, i: number) =>
  (a[i + 3] === 0 && b[i + 3] === 0) || (a[i] === b[i] && a[i + 1] === b[i + 1] && a[i + 2] === b[i + 2] && a[i + 3] === b[i + 3]);

/** Every pixel of every frame equal (fully transparent pixels compare equal whatever their RGB). */
export function expectSamePixels(actual: Frames, expected: Frames, what: string): void {
  expect([actual.width, actual.height, actual.frames.length], what).toEqual([expected.width, expected.height, expected.frames.length]);
  actual.frames.forEach((frame, f) => {
    const ref = expected.frames[f] as Uint8Array;
    for (let i = 0; i < ref.length; i += 4) {
      if (!same(frame, ref, i)) expect.fail(`${what}: frame ${f} pixel ${i / 4} is ${frame.subarray(i, i + 4).join(',')}, expected ${ref.subarray(i, i + 4).join(',')}`);
    }
  });
}

/** The preview: `factor` × larger, every source pixel an exact factor × factor block. */
export function expectUpscaled(actual: Frames, expected: Frames, factor: number): void {
  expect([actual.width, actual.height, actual.frames.length]).toEqual([expected.width * factor, expected.height * factor, expected.frames.length]);
  actual.frames.forEach((frame, f) => {
    const ref = expected.frames[f] as Uint8Array;
    for (let y = 0; y < actual.height; y++) {
      for (let x = 0; x < actual.width; x++) {
        const i = (y * actual.width + x) * 4;
        const s = (Math.floor(y / factor) * expected.width + Math.floor(x / factor)) * 4;
        if (!((frame[i + 3] === 0 && ref[s + 3] === 0) || [0, 1, 2, 3].every((k) => frame[i + k] === ref[s + k]))) {
          expect.fail(`upscaled frame ${f} pixel (${x},${y}) differs from source pixel (${Math.floor(x / factor)},${Math.floor(y / factor)})`);
        }
      }
    }
  });
}

export function colourFacts(art: Frames) {
  let uniqueColors = 0;
  let transparency = false;
  let alpha = false;
  for (const frame of art.frames) {
    const seen = new Set<string>();
    for (let i = 0; i < frame.length; i += 4) {
      const a = frame[i + 3] as number;
      if (a < 255) transparency = true;
      if (a > 0 && a < 255) alpha = true;
      seen.add(a === 0 ? 'clear' : frame.subarray(i, i + 4).join(','));
    }
    uniqueColors = Math.max(uniqueColors, seen.size);
  }
  return { uniqueColors, transparency, alpha };
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Reads one artwork file from both vault layouts, asserting they hold identical bytes. */
export async function readBothLayouts(vaultDir: string, storageKey: string, ext: VaultExt | 'upscaled'): Promise<Buffer> {
  const [canonical, alias] = ext === 'upscaled'
    ? [upscaledPath(storageKey), upscaledAliasPath(storageKey)]
    : [canonicalPath(storageKey, ext), aliasPath(storageKey, ext)];
  const a = await readFile(path.join(vaultDir, canonical));
  const b = await readFile(path.join(vaultDir, alias));
  expect(a.equals(b), `${ext}: alias bytes equal canonical`).toBe(true);
  return a;
}

export const mtimeOf = async (file: string) => (await stat(file)).mtimeMs;

export const durationsOf = (bytes: Uint8Array) => readImageHeader(bytes).frameDurationsMs;
