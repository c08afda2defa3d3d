import type { ImageHeader } from '@makapix/media';
import type { ArtworkFile, VaultExt } from '@makapix/vault';
import { encodeBmp } from './bmp.ts';
import { type Animation, type RgbaImage, firstDifference, upscaleFactor, upscaleFrame } from './frames.ts';
import { encodeGif } from './gif-encode.ts';
import { decodeWithSharp, encodePng, encodeWebpLossless } from './sharp-pipeline.ts';
import { muxAnimatedWebp } from './webp-mux.ts';

/** SPEC.md §2: every other format of a still; animations only as GIF and WebP. */
const STILL_TARGETS: readonly VaultExt[] = ['png', 'gif', 'webp', 'bmp'];
const ANIMATED_TARGETS: readonly VaultExt[] = ['gif', 'webp'];

export interface SkippedRendition {
  ext: VaultExt;
  reason: string;
}

export interface RenditionSet {
  files: ArtworkFile[];
  /** Renditions that could not be pixel-exact and were therefore not written (only GIF can be). */
  skipped: SkippedRendition[];
  upscaleFactor: number;
}

/** An encoder produced different pixels: a defect, never something to publish. */
export class RenditionMismatchError extends Error {
  override readonly name = 'RenditionMismatchError';
}

/** Decodes what sharp just encoded and compares every pixel (sharp is the one encoder we do not own). */
async function verified(bytes: Uint8Array, expected: Uint8Array, what: string): Promise<Uint8Array> {
  const [frame] = (await decodeWithSharp(bytes)).frames;
  const at = frame ? firstDifference(frame, expected) : 0;
  if (at !== -1) throw new RenditionMismatchError(`${what} differs from the original at pixel ${at}`);
  return bytes;
}

/**
 * libwebp's lossless effort costs up to ~100× more time at 1 than at 0 on large frames, and a
 * 1024-frame animation is allowed (SPEC.md §2): spend effort where the pixel count is small, stay
 * lossless everywhere (only file size varies, never pixels).
 */
export function webpEffort(totalPixels: number): number {
  if (totalPixels <= 1_200_000) return 4;
  if (totalPixels <= 10_000_000) return 1;
  return 0;
}

/**
 * Lossless WebP of every frame, each checked, then one still or a muxed animation. Frames come from
 * a callback so an upscaled animation never holds more than one enlarged frame in memory.
 */
async function encodeWebp(
  frameCount: number,
  frameAt: (index: number) => Uint8Array,
  size: { width: number; height: number },
  animation: Animation | null,
  hasAlpha: boolean,
  what: string,
): Promise<Uint8Array> {
  const { width, height } = size;
  const effort = webpEffort(width * height * frameCount);
  const stills: Uint8Array[] = [];
  for (let i = 0; i < frameCount; i++) {
    const frame = frameAt(i);
    stills.push(await verified(await encodeWebpLossless(frame, width, height, effort), frame, `${what} frame ${i}`));
  }
  return animation ? muxAnimatedWebp(stills, width, height, animation, hasAlpha) : (stills[0] as Uint8Array);
}

/**
 * SPEC.md §2 derived files: the native bytes as uploaded, every other format, and the
 * `_upscaled.webp` preview. Pixels are never smoothed: lossless encoders only, exact GIF palettes,
 * whole-number nearest-neighbour scaling.
 */
export async function buildRenditions(original: Uint8Array, header: ImageHeader, image: RgbaImage, hasAlpha: boolean): Promise<RenditionSet> {
  const { width, height, frames } = image;
  const animation: Animation | null = header.animated
    ? { delaysMs: header.frameDurationsMs, loopCount: header.loopCount ?? 0 }
    : null;
  const first = frames[0] as Uint8Array;
  const files: ArtworkFile[] = [{ ext: header.format, bytes: original }];
  const skipped: SkippedRendition[] = [];

  for (const ext of animation ? ANIMATED_TARGETS : STILL_TARGETS) {
    if (ext === header.format) continue;
    if (ext === 'png') files.push({ ext, bytes: await verified(await encodePng(first, width, height), first, 'PNG rendition') });
    if (ext === 'bmp') files.push({ ext, bytes: encodeBmp(first, width, height) });
    if (ext === 'webp') {
      const bytes = await encodeWebp(frames.length, (i) => frames[i] as Uint8Array, { width, height }, animation, hasAlpha, 'WebP rendition');
      files.push({ ext, bytes });
    }
    if (ext === 'gif') {
      const gif = encodeGif(image, animation);
      if (gif.ok) files.push({ ext, bytes: gif.bytes });
      else skipped.push({ ext, reason: gif.reason });
    }
  }

  const factor = upscaleFactor(width, height);
  const scaled = (i: number) => upscaleFrame(frames[i] as Uint8Array, width, height, factor);
  const previewSize = { width: width * factor, height: height * factor };
  const preview = await encodeWebp(frames.length, scaled, previewSize, animation, hasAlpha, 'upscaled preview');
  files.push({ ext: 'webp', upscaled: true, bytes: preview });
  return { files, skipped, upscaleFactor: factor };
}
