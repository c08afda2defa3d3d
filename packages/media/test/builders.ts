import { crc32 } from '../src/png.ts';

/** Tiny hand-built images: just enough structure for the header parsers, no real pixel data. */

const u16le = (n: number) => [n & 0xff, (n >>> 8) & 0xff];
const u24le = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff];
const u32le = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const u32be = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

export function pngChunk(type: string, data: number[]): number[] {
  const body = Uint8Array.from([...ascii(type), ...data]);
  return [...u32be(data.length), ...body, ...u32be(crc32(body))];
}

export interface PngOptions {
  width: number;
  height: number;
  colorType?: number;
  depth?: number;
  trns?: number[];
  apngFrames?: number;
  iend?: boolean;
}

export function png(o: PngOptions): Uint8Array {
  const ihdr = [...u32be(o.width), ...u32be(o.height), o.depth ?? 8, o.colorType ?? 6, 0, 0, 0];
  return Uint8Array.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
    ...pngChunk('IHDR', ihdr),
    ...(o.apngFrames ? pngChunk('acTL', [...u32be(o.apngFrames), ...u32be(0)]) : []),
    ...(o.colorType === 3 ? pngChunk('PLTE', [0, 0, 0, 255, 255, 255]) : []),
    ...(o.trns ? pngChunk('tRNS', o.trns) : []),
    ...pngChunk('IDAT', [0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]),
    ...(o.iend === false ? [] : pngChunk('IEND', [])),
  ]);
}

export interface GifFrame {
  left?: number;
  top?: number;
  width: number;
  height: number;
  delayCs?: number;
  transparent?: boolean;
}

export function gif(o: { width: number; height: number; frames: GifFrame[]; loop?: number; trailer?: boolean }): Uint8Array {
  const out = [...ascii('GIF89a'), ...u16le(o.width), ...u16le(o.height), 0x80, 0, 0, 0, 0, 0, 255, 255, 255];
  if (o.loop !== undefined) out.push(0x21, 0xff, 11, ...ascii('NETSCAPE2.0'), 3, 1, ...u16le(o.loop), 0);
  for (const f of o.frames) {
    out.push(0x21, 0xf9, 4, f.transparent ? 1 : 0, ...u16le(f.delayCs ?? 0), 0, 0);
    out.push(0x2c, ...u16le(f.left ?? 0), ...u16le(f.top ?? 0), ...u16le(f.width), ...u16le(f.height), 0);
    out.push(2, 2, 0x4c, 0x01, 0); // LZW code size 2, one sub-block, terminator
  }
  if (o.trailer !== false) out.push(0x3b);
  return Uint8Array.from(out);
}

function riff(chunks: number[][]): Uint8Array {
  const body = chunks.flat();
  return Uint8Array.from([...ascii('RIFF'), ...u32le(body.length + 4), ...ascii('WEBP'), ...body]);
}

function chunk(fourcc: string, data: number[]): number[] {
  return [...ascii(fourcc), ...u32le(data.length), ...data, ...(data.length & 1 ? [0] : [])];
}

/** A VP8L bitstream header (5 bytes) plus a little filler. */
export function vp8l(width: number, height: number, alpha = false): number[] {
  const bits = ((width - 1) | ((height - 1) << 14) | ((alpha ? 1 : 0) << 28)) >>> 0;
  return chunk('VP8L', [0x2f, ...u32le(bits), 0, 0, 0]);
}

export function vp8(width: number, height: number): number[] {
  return chunk('VP8 ', [0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, ...u16le(width), ...u16le(height), 0, 0]);
}

export function webpSimple(width: number, height: number, alpha = false): Uint8Array {
  return riff([vp8l(width, height, alpha)]);
}

export function webpLossy(width: number, height: number): Uint8Array {
  return riff([vp8(width, height)]);
}

export interface WebpFrame {
  x?: number;
  y?: number;
  width: number;
  height: number;
  durationMs: number;
  alpha?: boolean;
}

export function webpAnimated(o: { width: number; height: number; frames: WebpFrame[]; loop?: number; alphaFlag?: boolean }): Uint8Array {
  const vp8x = chunk('VP8X', [0x02 | (o.alphaFlag ? 0x10 : 0), 0, 0, 0, ...u24le(o.width - 1), ...u24le(o.height - 1)]);
  const anim = chunk('ANIM', [0, 0, 0, 0, ...u16le(o.loop ?? 0)]);
  const frames = o.frames.map((f) =>
    chunk('ANMF', [
      ...u24le((f.x ?? 0) / 2), ...u24le((f.y ?? 0) / 2), ...u24le(f.width - 1), ...u24le(f.height - 1),
      ...u24le(f.durationMs), 0, ...vp8l(f.width, f.height, f.alpha),
    ]),
  );
  return riff([vp8x, anim, ...frames]);
}

export interface BmpOptions {
  width: number;
  height: number;
  bpp?: number;
  header?: 12 | 40 | 108;
  compression?: number;
  alphaMask?: number;
  truncate?: number;
  /** Pixel data bytes actually stored (default: all rows); lets a test declare a huge image cheaply. */
  pixelBytes?: number;
}

export function bmp(o: BmpOptions): Uint8Array {
  const bpp = o.bpp ?? 24;
  const headerSize = o.header ?? 40;
  const palette = bpp <= 8 ? (1 << bpp) * (headerSize === 12 ? 3 : 4) : 0;
  const stride = Math.floor((bpp * o.width + 31) / 32) * 4;
  const offset = 14 + headerSize + palette;
  const size = offset + stride * Math.abs(o.height);
  let dib: number[];
  if (headerSize === 12) {
    dib = [...u32le(12), ...u16le(o.width), ...u16le(o.height), ...u16le(1), ...u16le(bpp)];
  } else {
    dib = [...u32le(headerSize), ...u32le(o.width), ...u32le(o.height >>> 0), ...u16le(1), ...u16le(bpp), ...u32le(o.compression ?? 0), ...u32le(0), ...u32le(2835), ...u32le(2835), ...u32le(0), ...u32le(0)];
    if (headerSize === 108) {
      dib.push(...u32le(0xff0000), ...u32le(0xff00), ...u32le(0xff), ...u32le(o.alphaMask ?? 0), ...ascii('BGRs'));
      dib.push(...new Array(108 - dib.length).fill(0));
    }
  }
  const data = o.pixelBytes ?? stride * Math.abs(o.height);
  const bytes = [...ascii('BM'), ...u32le(size), 0, 0, 0, 0, ...u32le(offset), ...dib, ...new Array(palette).fill(0), ...new Array(data).fill(0)];
  return Uint8Array.from(bytes.slice(0, bytes.length - (o.truncate ?? 0)));
}
