import type { ImageFormat } from './sniff.ts';

/** What the header alone says about an image: enough to apply docs/product.md §2 before decoding a pixel. */
export interface ImageHeader {
  format: ImageFormat;
  /** Canvas (logical screen) size. */
  width: number;
  height: number;
  frameCount: number;
  animated: boolean;
  /** The format stores a real alpha channel (partial transparency possible). */
  hasAlphaDeclared: boolean;
  /** Any transparency is possible: an alpha channel, a PNG tRNS chunk, a GIF transparent index. */
  hasTransparencyDeclared: boolean;
  /** Per-frame display time in ms as declared (GIF delays, WebP ANMF durations); empty for stills. */
  frameDurationsMs: number[];
  /** How many times the animation plays in total, 0 = forever (WebP ANIM semantics); null for stills. */
  loopCount: number | null;
  /**
   * The furthest extent any frame reaches (offset + size). Larger than the canvas means a decoder
   * would be asked for pixels the canvas does not have: treated as a decompression bomb.
   */
  frameExtent: { width: number; height: number };
}
