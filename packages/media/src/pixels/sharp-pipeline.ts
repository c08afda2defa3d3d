import { DECODE_BUDGET_BYTES } from '../index.ts';
import sharp from 'sharp';
import type { RgbaImage } from './frames.ts';

/**
 * The only module that imports sharp (docs/architecture.md §3.9). Everything crosses this
 * boundary as straight RGBA, so the rest of the pipeline (checks, GIF/BMP writers, scaling) is plain
 * TypeScript that tests can reason about pixel by pixel.
 */

// Artwork jobs decode each input once; libvips' operation cache would only hold memory.
sharp.cache(false);

/** Largest pixel count sharp may decode: the upload rules' budget (docs/product.md §2) as a second guard. */
const PIXEL_LIMIT = DECODE_BUDGET_BYTES / 4;

export class SharpDecodeError extends Error {
  override readonly name = 'SharpDecodeError';
}

/**
 * Decodes PNG, GIF or WebP (every frame, composited to the canvas; or `slice.count` frames from
 * `slice.first`) to 8-bit sRGB RGBA.
 */
export async function decodeWithSharp(bytes: Uint8Array, slice?: { first: number; count: number }): Promise<RgbaImage> {
  let result: { data: Buffer; info: sharp.OutputInfo };
  const range = slice ? { page: slice.first, pages: slice.count } : { animated: true };
  try {
    result = await sharp(bytes, { ...range, limitInputPixels: PIXEL_LIMIT })
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new SharpDecodeError((err as Error).message);
  }
  const { data, info } = result;
  if (info.channels !== 4) throw new SharpDecodeError(`expected 4 channels, got ${info.channels}`);
  const pageHeight = info.pageHeight ?? info.height;
  const pages = Math.round(info.height / pageHeight);
  const frameBytes = info.width * pageHeight * 4;
  const frames: Uint8Array[] = [];
  for (let p = 0; p < pages; p++) frames.push(new Uint8Array(data.buffer, data.byteOffset + p * frameBytes, frameBytes));
  return { width: info.width, height: pageHeight, frames };
}

/** Frames in a file, from its header (no pixels decoded). */
export async function sharpPageCount(bytes: Uint8Array): Promise<number> {
  const { pages } = await sharp(bytes, { limitInputPixels: PIXEL_LIMIT }).metadata();
  return pages ?? 1;
}

const raw = (frame: Uint8Array, width: number, height: number) =>
  sharp(frame, { raw: { width, height, channels: 4 } });

function isOpaque(frame: Uint8Array): boolean {
  for (let i = 3; i < frame.length; i += 4) if (frame[i] !== 255) return false;
  return true;
}

/** Lossless PNG; opaque images are written as RGB (smaller, same pixels). */
export async function encodePng(frame: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const image = raw(frame, width, height);
  if (isOpaque(frame)) image.removeAlpha();
  return image.png({ compressionLevel: 9, palette: false }).toBuffer();
}

/** Lossless still WebP (also the per-frame payload of animated WebP, see webp-mux.ts). */
export async function encodeWebpLossless(frame: Uint8Array, width: number, height: number, effort = 4): Promise<Uint8Array> {
  return raw(frame, width, height).webp({ lossless: true, effort }).toBuffer();
}
