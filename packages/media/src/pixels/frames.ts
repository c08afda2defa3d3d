/**
 * Decoded artwork: every frame as straight (non-premultiplied) RGBA, 4 bytes per pixel, row-major,
 * composited to the full canvas. The common currency between decoders, encoders and checks.
 */
export interface RgbaImage {
  width: number;
  height: number;
  frames: Uint8Array[];
}

export interface Animation {
  /** Display time of each frame in ms. */
  delaysMs: number[];
  /** Total plays, 0 = forever. */
  loopCount: number;
}

/** One pixel as a 32-bit key (RGBA); every fully transparent pixel maps to 0, whatever its RGB. */
export function pixelKey(frame: Uint8Array, offset: number): number {
  const a = frame[offset + 3] as number;
  if (a === 0) return 0;
  return (((frame[offset] as number) << 24) | ((frame[offset + 1] as number) << 16) | ((frame[offset + 2] as number) << 8) | a) >>> 0;
}

/** The frame as 32-bit pixels, one per RGBA quadruple (copied when the view is not 4-byte aligned). */
export function pixelsOf(frame: Uint8Array): Uint32Array {
  const aligned = frame.byteOffset % 4 === 0 ? frame : frame.slice();
  return new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.length >>> 2);
}

/**
 * Pixel equality as a viewer sees it: identical RGBA, or both fully transparent (the colour under
 * alpha 0 is invisible, and GIF cannot even store it). Returns the first differing pixel or -1.
 */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return 0;
  const pa = pixelsOf(a);
  const pb = pixelsOf(b);
  for (let p = 0; p < pa.length; p++) {
    // Whole-pixel comparison first; only a mismatch pays for the transparency rule.
    if (pa[p] !== pb[p] && pixelKey(a, p * 4) !== pixelKey(b, p * 4)) return p;
  }
  return -1;
}

export interface PixelFacts {
  /** Distinct visible colours of the most colourful frame; all fully transparent pixels count as one. */
  uniqueColors: number;
  /** Some pixel is not fully opaque. */
  transparencyActual: boolean;
  /** Some pixel is partially transparent (0 < alpha < 255): a real alpha channel is needed. */
  alphaActual: boolean;
}

/** docs/product.md §2 "actually present in pixels": one pass over every frame. */
export function analyzePixels(image: RgbaImage): PixelFacts {
  let uniqueColors = 0;
  let transparencyActual = false;
  let alphaActual = false;
  const colours = new Set<number>();
  for (const frame of image.frames) {
    colours.clear();
    const pixels = pixelsOf(frame);
    let previous = -1;
    for (let p = 0; p < pixels.length; p++) {
      const value = pixels[p] as number;
      // Pixel art is mostly runs: a repeat of the previous pixel adds nothing new.
      if (value === previous) continue;
      previous = value;
      const a = value >>> 24; // RGBA bytes read little-endian: alpha is the top byte
      if (a !== 255) {
        transparencyActual = true;
        if (a !== 0) alphaActual = true;
      }
      colours.add(pixelKey(frame, p * 4));
    }
    uniqueColors = Math.max(uniqueColors, colours.size);
  }
  return { uniqueColors, transparencyActual, alphaActual };
}

/** docs/product.md §2 preview: the largest whole-number factor keeping the longest side ≤ 768 (at least 1). */
export const UPSCALED_MAX_SIDE = 768;
export function upscaleFactor(width: number, height: number): number {
  return Math.max(1, Math.floor(UPSCALED_MAX_SIDE / Math.max(width, height)));
}

/**
 * Nearest-neighbour by a whole-number factor: each source pixel becomes a factor × factor block
 * (docs/architecture.md §3.9). Done on raw pixels rather than by a resampler so no alpha
 * premultiplication round trip can nudge a semi-transparent pixel.
 */
export function upscaleFrame(frame: Uint8Array, width: number, height: number, factor: number): Uint8Array {
  if (factor === 1) return frame;
  const outWidth = width * factor;
  const out = new Uint8Array(outWidth * height * factor * 4);
  // Uint32 views need 4-byte alignment; a frame sliced from a pooled Buffer may not have it.
  const aligned = frame.byteOffset % 4 === 0 ? frame : frame.slice();
  const src = new Uint32Array(aligned.buffer, aligned.byteOffset, width * height);
  const dst = new Uint32Array(out.buffer);
  for (let y = 0; y < height; y++) {
    const rowStart = y * factor * outWidth;
    for (let x = 0; x < width; x++) dst.fill(src[y * width + x] as number, rowStart + x * factor, rowStart + (x + 1) * factor);
    for (let r = 1; r < factor; r++) dst.copyWithin(rowStart + r * outWidth, rowStart, rowStart + outWidth);
  }
  return out;
}
