import { ByteView } from './bytes.ts';
import { corrupt } from './errors.ts';
import type { ImageHeader } from './header-types.ts';

export interface RiffChunk {
  fourcc: string;
  /** Offset of the payload. */
  offset: number;
  size: number;
}

/** Lists the chunks between `start` and `end` (RIFF: fourcc, u32le size, payload padded to even). */
export function readRiffChunks(bytes: Uint8Array, start: number, end: number): RiffChunk[] {
  const v = new ByteView(bytes, 'WebP');
  const chunks: RiffChunk[] = [];
  let pos = start;
  while (pos + 8 <= end) {
    const fourcc = v.ascii(pos, 4, 'a chunk header');
    const size = v.u32le(pos + 4, 'a chunk header');
    if (pos + 8 + size > end) throw corrupt(`WebP: truncated ${fourcc.trim()} chunk`);
    chunks.push({ fourcc, offset: pos + 8, size });
    pos += 8 + size + (size & 1);
  }
  // Fewer than 8 bytes left cannot hold a chunk; decoders ignore such padding, and so do we.
  return chunks;
}

interface Bitstream {
  width: number;
  height: number;
  alpha: boolean;
}

/** Dimensions from a VP8 (lossy key frame) or VP8L (lossless) bitstream header. */
function readBitstream(v: ByteView, chunk: RiffChunk): Bitstream {
  const p = chunk.offset;
  if (chunk.fourcc === 'VP8 ') {
    if (chunk.size < 10) throw corrupt('WebP: VP8 chunk too short');
    if (v.u8(p) & 1) throw corrupt('WebP: VP8 data does not start with a key frame');
    if (v.u8(p + 3) !== 0x9d || v.u8(p + 4) !== 0x01 || v.u8(p + 5) !== 0x2a) throw corrupt('WebP: bad VP8 start code');
    return { width: v.u16le(p + 6) & 0x3fff, height: v.u16le(p + 8) & 0x3fff, alpha: false };
  }
  if (chunk.size < 5 || v.u8(p) !== 0x2f) throw corrupt('WebP: bad VP8L signature');
  const bits = v.u32le(p + 1);
  if (bits >>> 29 !== 0) throw corrupt('WebP: unknown VP8L version');
  return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, alpha: ((bits >>> 28) & 1) === 1 };
}

const isBitstream = (c: RiffChunk) => c.fourcc === 'VP8 ' || c.fourcc === 'VP8L';

/** Simple (VP8/VP8L) and extended (VP8X, with ANIM/ANMF for animation) WebP files. */
export function readWebpHeader(bytes: Uint8Array): ImageHeader {
  const v = new ByteView(bytes, 'WebP');
  const riffEnd = 8 + v.u32le(4, 'the RIFF size');
  if (riffEnd > v.length) throw corrupt('WebP: truncated (RIFF size exceeds the file)');
  const chunks = readRiffChunks(bytes, 12, riffEnd);
  const first = chunks[0];
  if (!first) throw corrupt('WebP: no chunks');

  if (isBitstream(first)) {
    const b = readBitstream(v, first);
    if (b.width < 1 || b.height < 1) throw corrupt('WebP: zero image size');
    return still(b.width, b.height, b.alpha, { width: b.width, height: b.height });
  }
  if (first.fourcc !== 'VP8X' || first.size < 10) throw corrupt(`WebP: unexpected first chunk ${first.fourcc.trim()}`);
  const flags = v.u8(first.offset);
  const width = v.u24le(first.offset + 4) + 1;
  const height = v.u24le(first.offset + 7) + 1;
  let alpha = (flags & 0x10) !== 0;

  if ((flags & 0x02) === 0) {
    const stream = chunks.find(isBitstream);
    if (!stream) throw corrupt('WebP: no image data');
    const b = readBitstream(v, stream);
    // A larger bitstream is reported through frameExtent (a decompression bomb); a smaller one is malformed.
    if ((b.width !== width || b.height !== height) && b.width <= width && b.height <= height) {
      throw corrupt('WebP: bitstream size differs from the canvas');
    }
    alpha ||= b.alpha || chunks.some((c) => c.fourcc === 'ALPH');
    return still(width, height, alpha, { width: Math.max(width, b.width), height: Math.max(height, b.height) });
  }

  const anim = chunks.find((c) => c.fourcc === 'ANIM');
  if (!anim || anim.size < 6) throw corrupt('WebP: animation without an ANIM chunk');
  const loopCount = v.u16le(anim.offset + 4);
  const durations: number[] = [];
  const extent = { width, height };
  for (const frame of chunks.filter((c) => c.fourcc === 'ANMF')) {
    if (frame.size < 16) throw corrupt('WebP: ANMF chunk too short');
    const p = frame.offset;
    const x = v.u24le(p) * 2;
    const y = v.u24le(p + 3) * 2;
    const frameWidth = v.u24le(p + 6) + 1;
    const frameHeight = v.u24le(p + 9) + 1;
    durations.push(v.u24le(p + 12));
    const inner = readRiffChunks(bytes, p + 16, p + frame.size);
    const stream = inner.find(isBitstream);
    if (!stream) throw corrupt(`WebP: frame ${durations.length} has no image data`);
    const b = readBitstream(v, stream);
    if (b.width !== frameWidth || b.height !== frameHeight) throw corrupt(`WebP: frame ${durations.length} size mismatch`);
    alpha ||= b.alpha || inner.some((c) => c.fourcc === 'ALPH');
    extent.width = Math.max(extent.width, x + frameWidth);
    extent.height = Math.max(extent.height, y + frameHeight);
  }
  if (durations.length === 0) throw corrupt('WebP: animation without frames');
  const animated = durations.length > 1;
  return {
    format: 'webp',
    width,
    height,
    frameCount: durations.length,
    animated,
    hasAlphaDeclared: alpha,
    hasTransparencyDeclared: alpha,
    frameDurationsMs: animated ? durations : [],
    loopCount: animated ? loopCount : null,
    frameExtent: extent,
  };
}

function still(width: number, height: number, alpha: boolean, extent: { width: number; height: number }): ImageHeader {
  return {
    format: 'webp',
    width,
    height,
    frameCount: 1,
    animated: false,
    hasAlphaDeclared: alpha,
    hasTransparencyDeclared: alpha,
    frameDurationsMs: [],
    loopCount: null,
    frameExtent: extent,
  };
}
