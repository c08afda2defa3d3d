import { type BmpLayout, type BmpMasks, ImageHeaderError, countTrailingZeros, parseBmpLayout } from '../index.ts';
import type { RgbaImage } from './frames.ts';

const corrupt = (message: string) => new ImageHeaderError('corrupt_image', `BMP: ${message}`);

/** Extracts one masked channel and widens it to 8 bits (5-bit 31 → 255, as every BMP reader does). */
function channelReader(mask: number): (pixel: number) => number {
  if (mask === 0) return () => 255;
  const shift = countTrailingZeros(mask);
  const bits = 32 - Math.clz32(mask >>> shift);
  const max = 2 ** bits - 1;
  if (bits >= 8) return (pixel) => ((pixel & mask) >>> shift) >>> (bits - 8);
  return (pixel) => Math.round((((pixel & mask) >>> shift) * 255) / max);
}

function paletteOf(bytes: Uint8Array, layout: BmpLayout): Uint8Array {
  const { offset, entries, entrySize } = layout.palette ?? { offset: 0, entries: 0, entrySize: 4 };
  const rgba = new Uint8Array(entries * 4);
  for (let i = 0; i < entries; i++) {
    const p = offset + i * entrySize;
    rgba.set([bytes[p + 2] as number, bytes[p + 1] as number, bytes[p] as number, 255], i * 4);
  }
  return rgba;
}

/**
 * BMP → RGBA (sharp/libvips cannot read BMP). Covers every layout parseBmpLayout accepts:
 * 1/4/8-bit palettes, 16/24/32-bit, bit fields with alpha, RLE8 and RLE4.
 */
export function decodeBmp(bytes: Uint8Array): RgbaImage {
  const layout = parseBmpLayout(bytes);
  const { width, height } = layout;
  const out = new Uint8Array(width * height * 4);
  const palette = paletteOf(bytes, layout);
  const entries = palette.length / 4;
  const setIndex = (pixel: number, index: number) => {
    if (index >= entries) throw corrupt(`palette index ${index} outside a ${entries}-colour palette`);
    out.set(palette.subarray(index * 4, index * 4 + 4), pixel * 4);
  };

  if (layout.compression === 'rle8' || layout.compression === 'rle4') {
    decodeRle(bytes, layout, setIndex);
    return { width, height, frames: [out] };
  }

  const bpp = layout.bitsPerPixel;
  const readers = layout.masks ? maskReaders(layout.masks) : null;
  for (let row = 0; row < height; row++) {
    const y = layout.topDown ? row : height - 1 - row;
    const start = layout.dataOffset + row * layout.rowStride;
    for (let x = 0; x < width; x++) {
      const pixel = y * width + x;
      if (bpp <= 8) {
        const bit = x * bpp;
        const byte = bytes[start + (bit >> 3)] as number;
        setIndex(pixel, (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1));
      } else if (bpp === 24) {
        const p = start + x * 3;
        out.set([bytes[p + 2] as number, bytes[p + 1] as number, bytes[p] as number, 255], pixel * 4);
      } else if (readers) {
        const p = start + x * (bpp / 8);
        const value =
          bpp === 16
            ? (bytes[p] as number) | ((bytes[p + 1] as number) << 8)
            : ((bytes[p] as number) | ((bytes[p + 1] as number) << 8) | ((bytes[p + 2] as number) << 16) | ((bytes[p + 3] as number) << 24)) >>> 0;
        out.set([readers.red(value), readers.green(value), readers.blue(value), readers.alpha(value)], pixel * 4);
      }
    }
  }
  return { width, height, frames: [out] };
}

function maskReaders(masks: BmpMasks) {
  return {
    red: channelReader(masks.red),
    green: channelReader(masks.green),
    blue: channelReader(masks.blue),
    alpha: channelReader(masks.alpha),
  };
}

/**
 * RLE8/RLE4 (always bottom-up). Pixels the stream skips (delta, early end of line or file) stay
 * fully transparent, as browsers show them.
 */
function decodeRle(bytes: Uint8Array, layout: BmpLayout, setIndex: (pixel: number, index: number) => void): void {
  const { width, height } = layout;
  const four = layout.compression === 'rle4';
  let x = 0;
  let y = 0;
  let pos = layout.dataOffset;
  const put = (index: number) => {
    if (x < width && y < height) setIndex((height - 1 - y) * width + x, index);
    x++;
  };
  while (pos + 1 < bytes.length && y < height) {
    const count = bytes[pos] as number;
    const value = bytes[pos + 1] as number;
    pos += 2;
    if (count > 0) {
      for (let i = 0; i < count; i++) put(four ? (i & 1 ? value & 15 : value >> 4) : value);
    } else if (value === 0) {
      x = 0;
      y++;
    } else if (value === 1) {
      return;
    } else if (value === 2) {
      if (pos + 1 >= bytes.length) throw corrupt('truncated RLE delta');
      x += bytes[pos] as number;
      y += bytes[pos + 1] as number;
      pos += 2;
    } else {
      const dataBytes = four ? Math.ceil(value / 2) : value;
      if (pos + dataBytes > bytes.length) throw corrupt('truncated RLE run');
      for (let i = 0; i < value; i++) {
        const byte = bytes[pos + (four ? i >> 1 : i)] as number;
        put(four ? (i & 1 ? byte & 15 : byte >> 4) : byte);
      }
      pos += dataBytes + (dataBytes & 1); // absolute runs are padded to 16 bits
    }
  }
}
