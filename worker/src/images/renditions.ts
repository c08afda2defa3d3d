import type { ImageHeader } from '@makapix/media';
import type { ArtworkFile, VaultExt } from '@makapix/vault';
import { encodeBmp } from '@makapix/media/pixels/bmp';
import { type Animation, type RgbaImage, firstDifference, upscaleFactor } from '@makapix/media/pixels/frames';
import { encodeGif } from '@makapix/media/pixels/gif-encode';
import { decodeWithSharp, encodePng, encodeWebpLossless, sharpPageCount } from '@makapix/media/pixels/sharp-pipeline';
import { riffChunk, stillWebpOf, encodeUpscaledVp8l } from './vp8l-encode.ts';
import { muxAnimation } from '@makapix/media/pixels/webp-mux';

/** docs/product.md §2: every other format of a still; animations only as GIF and WebP. */
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

/**
 * docs/product.md §2 "pixels are never smoothed", and what it costs to prove it. A rendition can only
 * differ from the source where information can be lost, so the proof is spent there:
 * - PNG and WebP from sharp (libvips/libspng/libwebp, encoders we do not own): the finished file is
 *   decoded once and every frame compared. These are native-size, so the check costs about as much
 *   as the decode of the upload did.
 * - GIF (gif-encode.ts) and BMP (bmp.ts): our writers, exact by construction (a palette built from
 *   the actual pixels, or the pixels verbatim), round-trip unit-tested against independent readers.
 * - `_upscaled.webp` (vp8l-encode.ts): our writer, exact by construction (source pixels verbatim
 *   as literals, the enlargement as copies of pixels equal by definition of nearest-neighbour),
 *   round-trip unit-tested against libwebp's decoder. It is not decoded here: decoding enlarged
 *   frames (up to 768×768 × 1024) was over half the pipeline's time, and even one frame per upload
 *   cost ~40 % of the time on stills. The same writer at factor 1 produces every animated native
 *   WebP, which is decoded and compared in full above, so a defect in its bitstream still stops
 *   the job at run time.
 * The integration tests (test/process-artwork.int.test.ts) still decode and compare everything.
 */
async function verified(bytes: Uint8Array, expected: readonly Uint8Array[], what: string): Promise<Uint8Array> {
  if (expected.length === 1) {
    const decoded = (await decodeWithSharp(bytes)).frames;
    if (decoded.length !== 1) throw new RenditionMismatchError(`${what} decodes to ${decoded.length} frames, not 1`);
    compareFrames(decoded, expected, 0, what);
    return bytes;
  }
  // An animation is decoded a slice of frames at a time: libvips holds about two copies of what it
  // decodes, and the whole of a 1024-frame animation would break the worker's memory budget.
  const frameBytes = (expected[0] as Uint8Array).length;
  const perSlice = Math.max(1, Math.floor(VERIFY_SLICE_BYTES / frameBytes));
  for (let first = 0; first < expected.length; first += perSlice) {
    const count = Math.min(perSlice, expected.length - first);
    const decoded = await decodeWithSharp(bytes, { first, count }).then(
      (image) => image.frames,
      (err: unknown) => {
        throw new RenditionMismatchError(`${what} does not decode from frame ${first}: ${(err as Error).message}`);
      },
    );
    if (decoded.length !== count) throw new RenditionMismatchError(`${what} decodes to ${decoded.length} frames from frame ${first}, not ${count}`);
    compareFrames(decoded, expected, first, what);
  }
  // The file must not hold more frames than the source either.
  const pages = await sharpPageCount(bytes);
  if (pages !== expected.length) throw new RenditionMismatchError(`${what} has ${pages} frames, not ${expected.length}`);
  return bytes;
}

/** Decoded pixels per verification slice: 128 frames of 128×128 (measured: ~20 MB lower peak than 256, same time). */
const VERIFY_SLICE_BYTES = 8 * 1024 * 1024;

function compareFrames(decoded: readonly Uint8Array[], expected: readonly Uint8Array[], first: number, what: string): void {
  decoded.forEach((frame, i) => {
    const at = firstDifference(frame, expected[first + i] as Uint8Array);
    if (at !== -1) throw new RenditionMismatchError(`${what} frame ${first + i} differs from the original at pixel ${at}`);
  });
}

/**
 * libwebp's lossless effort costs up to ~100× more time at 1 than at 0 on large frames, and a
 * 1024-frame animation is allowed (docs/product.md §2): spend effort where the pixel count is small, stay
 * lossless everywhere (only file size varies, never pixels).
 */
export function webpEffort(totalPixels: number): number {
  if (totalPixels <= 1_200_000) return 4;
  if (totalPixels <= 10_000_000) return 1;
  return 0;
}

const sameFrame = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && Buffer.compare(a, b) === 0;

/** Each frame through `encode`; a repeat of the previous frame reuses its result instead of encoding again. */
function encodeFrames<T>(frames: readonly Uint8Array[], encode: (frame: Uint8Array) => T): T[] {
  const out: T[] = [];
  frames.forEach((frame, i) => out.push(i > 0 && sameFrame(frames[i - 1], frame) ? (out[i - 1] as T) : encode(frame)));
  return out;
}

/**
 * Lossless WebP at the source size. A still goes through libwebp at the effort webpEffort picks (its
 * best compression; one frame is cheap). An animation (up to 1024 frames, docs/product.md §2) goes through our
 * VP8L writer with factor 1: about 7× faster than libwebp and within a few per cent of its size on
 * pixel art, where libwebp would have to drop to effort 0 anyway.
 */
async function encodeNativeWebp(image: RgbaImage, animation: Animation | null, hasAlpha: boolean): Promise<Uint8Array> {
  const { width, height, frames } = image;
  const bytes = animation
    ? muxAnimation(
        encodeFrames(frames, (frame) => riffChunk('VP8L', encodeUpscaledVp8l(frame, width, height, 1, hasAlpha))),
        width,
        height,
        animation,
        hasAlpha,
      )
    : await encodeWebpLossless(frames[0] as Uint8Array, width, height, webpEffort(width * height));
  return verified(bytes, frames, 'WebP rendition');
}

/** The `_upscaled.webp` preview: our VP8L writer codes the enlargement as copies (vp8l-encode.ts). */
async function encodePreview(image: RgbaImage, factor: number, animation: Animation | null, hasAlpha: boolean): Promise<Uint8Array> {
  const { width, height, frames } = image;
  const bitstreams = encodeFrames(frames, (frame) => encodeUpscaledVp8l(frame, width, height, factor, hasAlpha));
  const bytes = animation
    ? muxAnimation(bitstreams.map((vp8l) => riffChunk('VP8L', vp8l)), width * factor, height * factor, animation, hasAlpha)
    : stillWebpOf(bitstreams[0] as Uint8Array);
  return bytes;
}

/**
 * docs/product.md §2 derived files: the native bytes as uploaded, every other format, and the
 * `_upscaled.webp` preview. Pixels are never smoothed: lossless encoders only, exact GIF palettes,
 * whole-number nearest-neighbour scaling.
 */
export async function buildRenditions(original: Uint8Array, header: ImageHeader, image: RgbaImage, hasAlpha: boolean): Promise<RenditionSet> {
  const { width, height, frames } = image;
  const animation: Animation | null = header.animated
    ? { delaysMs: header.frameDurationsMs, loopCount: header.loopCount ?? 0 }
    : null;
  const first = frames[0] as Uint8Array;
  const skipped: SkippedRendition[] = [];
  // sharp encodes and decodes on libuv threads: start those first, then do the TypeScript encoders
  // (GIF, BMP, VP8L) on the main thread meanwhile, so both cores work (2-core worker hosts).
  const parts: (ArtworkFile | Promise<ArtworkFile>)[] = [{ ext: header.format, bytes: original }];
  for (const ext of animation ? ANIMATED_TARGETS : STILL_TARGETS) {
    if (ext === header.format) continue;
    if (ext === 'png') parts.push(started(async () => ({ ext, bytes: await verified(await encodePng(first, width, height), [first], 'PNG rendition') })));
    if (ext === 'webp') parts.push(started(async () => ({ ext, bytes: await encodeNativeWebp(image, animation, hasAlpha) })));
    if (ext === 'bmp') parts.push({ ext, bytes: encodeBmp(first, width, height) });
    if (ext === 'gif') {
      const gif = encodeGif(image, animation);
      if (gif.ok) parts.push({ ext, bytes: gif.bytes });
      else skipped.push({ ext, reason: gif.reason });
    }
  }
  const factor = upscaleFactor(width, height);
  parts.push(started(async () => ({ ext: 'webp', upscaled: true, bytes: await encodePreview(image, factor, animation, hasAlpha) })));
  return { files: await Promise.all(parts), skipped, upscaleFactor: factor };
}

/** Starts `work` now; marked handled so a failure while other work runs is reported by Promise.all, not as unhandled. */
function started<T>(work: () => Promise<T>): Promise<T> {
  const promise = work();
  promise.catch(() => undefined);
  return promise;
}
