import { ByteView } from './bytes.ts';
import { corrupt, unsupported } from './errors.ts';
import type { ImageHeader } from './header-types.ts';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as PNG chunks use it (ISO 3309), over type + data. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** PNG colour type → allowed bit depths (PNG spec §11.2.2). */
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/**
 * Walks every chunk (checking CRCs) up to IEND without inflating image data. An APNG (`acTL` with
 * more than one frame) is refused: docs/product.md §2 allows animation only as GIF or WebP, and renditions
 * of the default image alone would not match what a browser plays from the native file.
 */
export function readPngHeader(bytes: Uint8Array): ImageHeader {
  const v = new ByteView(bytes, 'PNG');
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  let sawIdat = false;
  let sawIend = false;
  let trns: Uint8Array | null = null;
  let apngFrames: number | null = null;
  const extent = { width: 0, height: 0 };

  while (pos < v.length && !sawIend) {
    const length = v.u32be(pos, 'a chunk length');
    const type = v.ascii(pos + 4, 4, 'a chunk type');
    const data = pos + 8;
    v.need(data, length + 4, `the ${type} chunk`);
    if (crc32(bytes, pos + 4, data + length) !== v.u32be(data + length)) throw corrupt(`PNG: bad CRC in the ${type} chunk`);
    if (pos === 8 && type !== 'IHDR') throw corrupt('PNG: the first chunk is not IHDR');

    if (type === 'IHDR') {
      if (pos !== 8 || length !== 13) throw corrupt('PNG: misplaced or malformed IHDR');
      width = v.u32be(data);
      height = v.u32be(data + 4);
      const depth = v.u8(data + 8);
      colorType = v.u8(data + 9);
      if (width < 1 || height < 1 || width > 0x7fffffff || height > 0x7fffffff) throw corrupt('PNG: invalid dimensions in IHDR');
      if (!DEPTHS[colorType]?.includes(depth)) throw corrupt(`PNG: invalid colour type ${colorType} / bit depth ${depth}`);
      if (v.u8(data + 10) !== 0 || v.u8(data + 11) !== 0 || v.u8(data + 12) > 1) throw corrupt('PNG: unknown compression, filter or interlace method');
      extent.width = width;
      extent.height = height;
    } else if (type === 'tRNS') {
      trns = bytes.subarray(data, data + length);
    } else if (type === 'acTL') {
      apngFrames = v.u32be(data, 'acTL frame count');
    } else if (type === 'fcTL') {
      extent.width = Math.max(extent.width, v.u32be(data + 12) + v.u32be(data + 4));
      extent.height = Math.max(extent.height, v.u32be(data + 16) + v.u32be(data + 8));
    } else if (type === 'IDAT') {
      sawIdat = true;
    } else if (type === 'IEND') {
      sawIend = true;
    }
    pos = data + length + 4;
  }
  if (!sawIend) throw corrupt('PNG: truncated (no IEND chunk)');
  if (!sawIdat) throw corrupt('PNG: no image data (IDAT)');
  if (apngFrames !== null && apngFrames > 1) {
    throw unsupported('animated PNG (APNG) is not supported: upload an animated GIF or WebP instead');
  }

  // A palette tRNS holds one alpha per entry: partial values make it a real alpha channel.
  const paletteAlpha = colorType === 3 && trns !== null && trns.some((a) => a !== 0 && a !== 255);
  const hasAlphaDeclared = colorType === 4 || colorType === 6 || paletteAlpha;
  return {
    format: 'png',
    width,
    height,
    frameCount: 1,
    animated: false,
    hasAlphaDeclared,
    hasTransparencyDeclared: hasAlphaDeclared || trns !== null,
    frameDurationsMs: [],
    loopCount: null,
    frameExtent: extent,
  };
}
