import { pixelsOf } from '@makapix/media/pixels/frames';
import { BitWriter, type PrefixCode, buildPrefixCode, writePrefixCode, writeSymbol } from './vp8l-bits.ts';

/**
 * A lossless WebP (VP8L, RFC 9649) writer for the nearest-neighbour `_upscaled.webp` preview
 * (docs/product.md §2). libwebp, given the enlarged frame, searches 768×768 pixels for what we already know:
 * each source pixel is a factor × factor block. Here the source frame is coded once, as literals
 * and LZ77 copies, and the enlargement is expressed purely as copies (a run to the right, then
 * whole rows from above). Cost and size scale with the source, not the preview.
 *
 * Exact by construction: every literal is a source RGBA value written verbatim (no transforms, no
 * colour cache, no prediction), and every copy repeats pixels that are equal by the definition of
 * nearest-neighbour scaling. The round trip through libwebp's decoder is unit-tested.
 */

/** RFC 9649 §3.7.2.1.1: the largest length one backward reference can carry. */
const MAX_COPY = 4096;
/** Distance codes 1 and 2 of the 2-D neighbourhood map: the pixel above, the pixel to the left. */
const ABOVE = 1;
const LEFT = 2;
const GREEN_ALPHABET = 256 + 24;
const DISTANCE_ALPHABET = 40;

/** RFC 9649 §3.7.2.1.1 prefix coding of a length or distance code (≥ 1): symbol and extra bits. */
function prefixOf(value: number): { symbol: number; bits: number; extra: number } {
  const v = value - 1;
  if (v < 4) return { symbol: v, bits: 0, extra: 0 };
  const high = 31 - Math.clz32(v);
  const second = (v >>> (high - 1)) & 1;
  return { symbol: 2 * high + second, bits: high - 1, extra: v & ((1 << (high - 1)) - 1) };
}

/** Literals and copies: `lengths[i]` 0 = literal with ARGB `values[i]`, else a copy with distance code `values[i]`. */
class Tokens {
  readonly lengths: number[] = [];
  readonly values: number[] = [];

  literal(argb: number): void {
    this.lengths.push(0);
    this.values.push(argb);
  }

  /** Consecutive copies at the same distance merge (they are one longer copy). */
  copy(length: number, distance: number): void {
    const last = this.lengths.length - 1;
    if (last >= 0 && (this.lengths[last] as number) > 0 && this.values[last] === distance) {
      this.lengths[last] = (this.lengths[last] as number) + length;
      return;
    }
    this.lengths.push(length);
    this.values.push(distance);
  }
}

/** Greedy LZ77 of the enlarged frame, derived from the source rows alone. */
function tokenize(src: Uint32Array, width: number, height: number, factor: number): Tokens {
  const tokens = new Tokens();
  const outWidth = width * factor;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; ) {
      let k = 0;
      if (y > 0) while (x + k < width && src[row + x + k] === src[row - width + x + k]) k++;
      if (k > 0) {
        // Same as the source row above: the enlarged row above already holds these pixels.
        tokens.copy(k * factor, ABOVE);
      } else {
        const v = src[row + x] as number;
        k = 1;
        while (x + k < width && src[row + x + k] === v) k++;
        tokens.literal(v);
        if (k * factor > 1) tokens.copy(k * factor - 1, LEFT);
      }
      x += k;
    }
    if (factor > 1) tokens.copy((factor - 1) * outWidth, ABOVE);
  }
  return tokens;
}

interface Codes {
  green: PrefixCode;
  red: PrefixCode;
  blue: PrefixCode;
  alpha: PrefixCode;
  distance: PrefixCode;
}

const bump = (histogram: Uint32Array, symbol: number, by = 1) => {
  histogram[symbol] = (histogram[symbol] as number) + by;
};

function buildCodes(tokens: Tokens): Codes {
  const green = new Uint32Array(GREEN_ALPHABET);
  const red = new Uint32Array(256);
  const blue = new Uint32Array(256);
  const alpha = new Uint32Array(256);
  const distance = new Uint32Array(DISTANCE_ALPHABET);
  tokens.lengths.forEach((length, i) => {
    const value = tokens.values[i] as number;
    if (length === 0) {
      bump(green, (value >>> 8) & 255);
      bump(red, value & 255);
      bump(blue, (value >>> 16) & 255);
      bump(alpha, value >>> 24);
      return;
    }
    const chunks = Math.ceil(length / MAX_COPY);
    for (let c = 0; c < chunks; c++) bump(green, 256 + prefixOf(Math.min(MAX_COPY, length - c * MAX_COPY)).symbol);
    bump(distance, prefixOf(value).symbol, chunks);
  });
  return { green: buildPrefixCode(green), red: buildPrefixCode(red), blue: buildPrefixCode(blue), alpha: buildPrefixCode(alpha), distance: buildPrefixCode(distance) };
}

function writePrefixed(out: BitWriter, code: PrefixCode, offset: number, value: number): void {
  const p = prefixOf(value);
  writeSymbol(out, code, offset + p.symbol);
  if (p.bits) out.write(p.extra, p.bits);
}

/**
 * The VP8L bitstream (the payload of a `VP8L` chunk) of `frame` (RGBA, width × height) enlarged
 * `factor` times by nearest neighbour. factor 1 codes the frame as it is.
 */
export function encodeUpscaledVp8l(frame: Uint8Array, width: number, height: number, factor: number, hasAlpha: boolean): Uint8Array {
  const outWidth = width * factor;
  const outHeight = height * factor;
  if (outWidth > 16384 || outHeight > 16384) throw new Error(`VP8L cannot hold ${outWidth}×${outHeight}`);
  const tokens = tokenize(pixelsOf(frame), width, height, factor);
  const codes = buildCodes(tokens);
  const out = new BitWriter();
  out.write(0x2f, 8); // VP8L signature
  out.write(outWidth - 1, 14);
  out.write(outHeight - 1, 14);
  out.write(hasAlpha ? 1 : 0, 1);
  out.write(0, 3); // version
  out.write(0, 1); // no transforms
  out.write(0, 1); // no colour cache
  out.write(0, 1); // one prefix-code group for the whole image
  for (const code of [codes.green, codes.red, codes.blue, codes.alpha, codes.distance]) writePrefixCode(out, code);
  tokens.lengths.forEach((length, i) => {
    const value = tokens.values[i] as number;
    if (length === 0) {
      // ABGR in memory (RGBA bytes, little-endian) → green, red, blue, alpha in stream order.
      writeSymbol(out, codes.green, (value >>> 8) & 255);
      writeSymbol(out, codes.red, value & 255);
      writeSymbol(out, codes.blue, (value >>> 16) & 255);
      writeSymbol(out, codes.alpha, value >>> 24);
      return;
    }
    for (let left = length; left > 0; left -= MAX_COPY) {
      writePrefixed(out, codes.green, 256, Math.min(MAX_COPY, left));
      writePrefixed(out, codes.distance, 0, value);
    }
  });
  return out.finish();
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** A RIFF chunk (header, payload, pad byte to an even size). */
export function riffChunk(fourcc: string, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length + (payload.length & 1));
  out.set(ascii(fourcc));
  new DataView(out.buffer).setUint32(4, payload.length, true);
  out.set(payload, 8);
  return out;
}

/** A still lossless WebP file holding one VP8L bitstream (simple format, RFC 9649 §2.5). */
export function stillWebpOf(vp8l: Uint8Array): Uint8Array {
  const chunk = riffChunk('VP8L', vp8l);
  const out = new Uint8Array(12 + chunk.length);
  out.set(ascii('RIFF'));
  new DataView(out.buffer).setUint32(4, 4 + chunk.length, true);
  out.set(ascii('WEBP'), 8);
  out.set(chunk, 12);
  return out;
}
