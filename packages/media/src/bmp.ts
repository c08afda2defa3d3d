import { ByteView } from './bytes.ts';
import { corrupt, unsupported } from './errors.ts';
import type { ImageHeader } from './header-types.ts';
import { DECODE_BUDGET_BYTES, decodedBytes } from './limits.ts';

export interface BmpMasks {
  red: number;
  green: number;
  blue: number;
  alpha: number;
}

/** Everything a decoder needs to find and interpret the pixels (shared with the worker's BMP decoder). */
export interface BmpLayout {
  width: number;
  height: number;
  /** Rows stored top row first (negative height in the header). */
  topDown: boolean;
  bitsPerPixel: 1 | 4 | 8 | 16 | 24 | 32;
  compression: 'rgb' | 'rle8' | 'rle4' | 'bitfields';
  /** Channel masks for 16/32-bit pixels (defaults applied for BI_RGB); null otherwise. */
  masks: BmpMasks | null;
  palette: { offset: number; entries: number; entrySize: 3 | 4 } | null;
  dataOffset: number;
  /** Bytes per stored row of uncompressed data (padded to 4). */
  rowStride: number;
  hasAlpha: boolean;
}

const CORE = 12;
const INFO = 40;
const KNOWN_HEADERS = new Set([CORE, 16, INFO, 52, 56, 64, 108, 124]);
const BITS = new Set([1, 4, 8, 16, 24, 32]);
/** biCompression codes we decode; 6 is BI_ALPHABITFIELDS (bit fields with an alpha mask). */
const COMPRESSION: Partial<Record<number, BmpLayout['compression']>> = { 0: 'rgb', 1: 'rle8', 2: 'rle4', 3: 'bitfields', 6: 'bitfields' };

/** Parses the file header and DIB header (BITMAPCOREHEADER … BITMAPV5HEADER, OS/2 2.x). */
export function parseBmpLayout(bytes: Uint8Array): BmpLayout {
  const v = new ByteView(bytes, 'BMP');
  const dataOffset = v.u32le(10, 'the file header');
  const dibSize = v.u32le(14, 'the DIB header size');
  if (!KNOWN_HEADERS.has(dibSize)) throw corrupt(`BMP: unknown DIB header size ${dibSize}`);
  v.need(14, dibSize, 'the DIB header');
  const core = dibSize === CORE;
  const width = core ? v.u16le(18) : v.i32le(18);
  const rawHeight = core ? v.u16le(20) : v.i32le(22);
  const bpp = core ? v.u16le(24) : v.u16le(28);
  const code = core || dibSize === 16 ? 0 : v.u32le(30);
  if (width < 1 || rawHeight === 0 || rawHeight === -0x80000000) throw corrupt('BMP: invalid dimensions');
  if (code === 4 || code === 5) throw unsupported('BMP with embedded JPEG or PNG data is not supported');
  if (!BITS.has(bpp)) throw unsupported(`BMP with ${bpp} bits per pixel is not supported`);
  // OS/2 2.x headers reuse codes 3 and 4 for Huffman and RLE24, which nobody writes any more.
  if ((dibSize === 16 || dibSize === 64) && code !== 0) throw unsupported('OS/2 BMP compression is not supported');

  const compression = COMPRESSION[code];
  if (!compression) throw corrupt(`BMP: unknown compression ${code}`);
  if ((compression === 'rle8' && bpp !== 8) || (compression === 'rle4' && bpp !== 4)) throw corrupt('BMP: RLE with the wrong bit depth');
  if (compression === 'bitfields' && bpp !== 16 && bpp !== 32) throw corrupt('BMP: bit fields need 16 or 32 bits per pixel');
  const topDown = rawHeight < 0;
  if (topDown && compression.startsWith('rle')) throw corrupt('BMP: RLE data cannot be top-down');
  const height = Math.abs(rawHeight);

  // Masks sit right after a 40-byte header (BI_BITFIELDS / BI_ALPHABITFIELDS) or inside V2+ headers:
  // the same file offsets either way.
  let masks: BmpMasks | null = null;
  let extraMasks = 0;
  if (compression === 'bitfields') {
    const withAlpha = dibSize >= 56 || code === 6;
    if (dibSize === INFO) extraMasks = code === 6 ? 16 : 12;
    masks = { red: v.u32le(54, 'colour masks'), green: v.u32le(58, 'colour masks'), blue: v.u32le(62, 'colour masks'), alpha: withAlpha ? v.u32le(66, 'colour masks') : 0 };
    for (const mask of Object.values(masks)) if (!isContiguous(mask)) throw corrupt('BMP: non-contiguous colour mask');
  } else if (bpp === 16) {
    masks = { red: 0x7c00, green: 0x03e0, blue: 0x001f, alpha: 0 };
  } else if (bpp === 32) {
    // BI_RGB: the fourth byte is reserved, so the image is opaque whatever it holds.
    masks = { red: 0xff0000, green: 0xff00, blue: 0xff, alpha: 0 };
  }

  let palette: BmpLayout['palette'] = null;
  if (bpp <= 8) {
    const used = core ? 0 : v.u32le(46);
    const entries = used === 0 ? 1 << bpp : used;
    if (entries > 1 << bpp) throw corrupt('BMP: palette larger than the bit depth allows');
    const entrySize = core ? 3 : 4;
    const offset = 14 + dibSize + extraMasks;
    v.need(offset, entries * entrySize, 'the palette');
    palette = { offset, entries, entrySize };
  }

  const rowStride = Math.floor((bpp * width + 31) / 32) * 4;
  if (dataOffset >= v.length) throw corrupt('BMP: pixel data offset beyond the file');
  // Skipped for absurd sizes so the upload rules can name the real problem: a decompression bomb.
  if (compression !== 'rle8' && compression !== 'rle4' && decodedBytes(width, height, 1) <= DECODE_BUDGET_BYTES) {
    v.need(dataOffset, rowStride * height, 'the pixel data');
  }
  return { width, height, topDown, bitsPerPixel: bpp as BmpLayout['bitsPerPixel'], compression, masks, palette, dataOffset, rowStride, hasAlpha: (masks?.alpha ?? 0) !== 0 };
}

function isContiguous(mask: number): boolean {
  if (mask === 0) return true;
  const shifted = mask >>> countTrailingZeros(mask);
  return (shifted & (shifted + 1)) === 0;
}

export function countTrailingZeros(mask: number): number {
  let n = 0;
  while (n < 32 && ((mask >>> n) & 1) === 0) n++;
  return n;
}

export function readBmpHeader(bytes: Uint8Array): ImageHeader {
  const layout = parseBmpLayout(bytes);
  return {
    format: 'bmp',
    width: layout.width,
    height: layout.height,
    frameCount: 1,
    animated: false,
    hasAlphaDeclared: layout.hasAlpha,
    hasTransparencyDeclared: layout.hasAlpha,
    frameDurationsMs: [],
    loopCount: null,
    frameExtent: { width: layout.width, height: layout.height },
  };
}
