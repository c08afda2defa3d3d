import { type Animation, type RgbaImage, pixelKey, pixelsOf } from './frames.ts';

/**
 * An exact GIF writer. libvips quantises through libimagequant even when an image already has few
 * colours, which changed pixels in our tests near 256 colours; pixel art must never change
 * (docs/product.md §2), so palettes are built from the actual pixels and a frame that needs more than 256
 * entries (or partial alpha, which GIF cannot store) makes the rendition impossible instead of lossy.
 */
export type GifResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: string };

interface Palette {
  /** pixel key → palette index */
  index: Map<number, number>;
  /** RGB triplets, padded to a power of two ≥ 2 entries. */
  table: Uint8Array;
  bits: number;
  transparentIndex: number | null;
}

function buildPalette(keys: Iterable<number>): Palette {
  const index = new Map<number, number>();
  let transparentIndex: number | null = null;
  for (const key of keys) {
    if (index.has(key)) continue;
    if (key === 0) transparentIndex = index.size;
    index.set(key, index.size);
  }
  const bits = Math.max(1, Math.ceil(Math.log2(Math.max(2, index.size))));
  const table = new Uint8Array(3 << bits);
  for (const [key, i] of index) table.set([key >>> 24, (key >>> 16) & 255, (key >>> 8) & 255], i * 3);
  return { index, table, bits, transparentIndex };
}

/** The distinct pixel keys of a frame, or a reason it cannot be a GIF frame. */
function frameKeys(frame: Uint8Array): Set<number> | string {
  const keys = new Set<number>();
  const pixels = pixelsOf(frame);
  let previous = -1;
  for (let p = 0; p < pixels.length; p++) {
    const value = pixels[p] as number;
    if (value === previous) continue; // runs are common in pixel art and add nothing
    previous = value;
    const a = value >>> 24;
    if (a !== 0 && a !== 255) return 'the image has partially transparent pixels, which GIF cannot store';
    keys.add(pixelKey(frame, p * 4));
    if (keys.size > 256) return 'a frame has more than 256 colours, which GIF cannot store exactly';
  }
  return keys;
}

/** Palette index of every pixel, looking each run up once. */
function indicesOf(frame: Uint8Array, palette: Palette): Uint8Array {
  const pixels = pixelsOf(frame);
  const indices = new Uint8Array(pixels.length);
  let previous = -1;
  let index = 0;
  for (let p = 0; p < pixels.length; p++) {
    const value = pixels[p] as number;
    if (value !== previous) {
      previous = value;
      index = palette.index.get(pixelKey(frame, p * 4)) as number;
    }
    indices[p] = index;
  }
  return indices;
}

class ByteSink {
  private chunks: Uint8Array[] = [];
  private current = new Uint8Array(1 << 16);
  private length = 0;

  push(...values: number[]): void {
    for (const v of values) {
      if (this.length === this.current.length) this.flush();
      this.current[this.length++] = v & 255;
    }
  }

  bytes(data: Uint8Array): void {
    this.flush();
    this.chunks.push(data);
  }

  u16(v: number): void {
    this.push(v & 255, v >>> 8);
  }

  private flush(): void {
    if (this.length) this.chunks.push(this.current.slice(0, this.length));
    this.length = 0;
  }

  result(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

export function encodeGif(image: RgbaImage, animation: Animation | null): GifResult {
  const perFrame: Set<number>[] = [];
  for (const frame of image.frames) {
    const keys = frameKeys(frame);
    if (typeof keys === 'string') return { ok: false, reason: keys };
    perFrame.push(keys);
  }
  // One global palette when every frame fits in it, else a local palette per frame.
  const union = new Set<number>();
  for (const keys of perFrame) for (const k of keys) if (union.size <= 256) union.add(k);
  const global = union.size <= 256 ? buildPalette(union) : null;

  const out = new ByteSink();
  out.push(...[...'GIF89a'].map((c) => c.charCodeAt(0)));
  out.u16(image.width);
  out.u16(image.height);
  out.push(global ? 0x80 | ((8 - 1) << 4) | (global.bits - 1) : 0, global?.transparentIndex ?? 0, 0);
  if (global) out.bytes(global.table);

  const animated = animation !== null && image.frames.length > 1;
  // NETSCAPE2.0 counts repeats after the first play; no extension means "play once".
  if (animated && animation.loopCount !== 1) {
    out.push(0x21, 0xff, 11, ...[...'NETSCAPE2.0'].map((c) => c.charCodeAt(0)), 3, 1);
    out.u16(animation.loopCount === 0 ? 0 : Math.min(0xffff, animation.loopCount - 1));
    out.push(0);
  }

  image.frames.forEach((frame, f) => {
    const palette = global ?? buildPalette(perFrame[f] as Set<number>);
    const transparent = palette.transparentIndex;
    // Every frame covers the whole canvas; "restore to background" clears it before the next one,
    // so a transparent pixel shows transparency, never the previous frame.
    const disposal = animated ? 2 : 0;
    if (animated || transparent !== null) {
      out.push(0x21, 0xf9, 4, (disposal << 2) | (transparent !== null ? 1 : 0));
      out.u16(animated ? Math.round((animation.delaysMs[f] ?? 0) / 10) : 0);
      out.push(transparent ?? 0, 0);
    }
    out.push(0x2c);
    out.u16(0);
    out.u16(0);
    out.u16(image.width);
    out.u16(image.height);
    out.push(global ? 0 : 0x80 | (palette.bits - 1));
    if (!global) out.bytes(palette.table);
    writeLzw(out, indicesOf(frame, palette), Math.max(2, palette.bits));
  });
  out.push(0x3b);
  return { ok: true, bytes: out.result() };
}

const MAX_CODE = 4096;
/** Reused dictionary: (prefix code × 256 + next index) → code, -1 when absent. */
const dictionary = new Int16Array(MAX_CODE * 256).fill(-1);

/** GIF variable-length-code LZW (GIF89a appendix F), packed LSB first into ≤255-byte sub-blocks. */
function writeLzw(out: ByteSink, indices: Uint8Array, minCodeSize: number): void {
  out.push(minCodeSize);
  const clearCode = 1 << minCodeSize;
  const endCode = clearCode + 1;
  const block = new Uint8Array(255);
  let blockLength = 0;
  let bitBuffer = 0;
  let bitCount = 0;
  let codeSize = minCodeSize + 1;
  let nextCode = endCode + 1;
  const used: number[] = [];

  const pushByte = (byte: number) => {
    block[blockLength++] = byte;
    if (blockLength === 255) {
      out.push(255);
      out.bytes(block.slice());
      blockLength = 0;
    }
  };
  const emit = (code: number) => {
    bitBuffer |= code << bitCount;
    bitCount += codeSize;
    while (bitCount >= 8) {
      pushByte(bitBuffer & 255);
      bitBuffer >>>= 8;
      bitCount -= 8;
    }
  };
  const reset = () => {
    for (const k of used) dictionary[k] = -1;
    used.length = 0;
  };

  emit(clearCode);
  let prefix = indices[0] as number;
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i] as number;
    const key = prefix * 256 + k;
    const code = dictionary[key] as number;
    if (code >= 0) {
      prefix = code;
      continue;
    }
    emit(prefix);
    if (nextCode === MAX_CODE) {
      emit(clearCode);
      reset();
      codeSize = minCodeSize + 1;
      nextCode = endCode + 1;
    } else {
      if (nextCode >= 1 << codeSize) codeSize++;
      dictionary[key] = nextCode++;
      used.push(key);
    }
    prefix = k;
  }
  emit(prefix);
  emit(endCode);
  if (bitCount > 0) pushByte(bitBuffer & 255);
  reset();
  if (blockLength > 0) {
    out.push(blockLength);
    out.bytes(block.slice(0, blockLength));
  }
  out.push(0);
}
