import { ByteView } from './bytes.ts';
import { corrupt } from './errors.ts';
import type { ImageHeader } from './header-types.ts';

const EXTENSION = 0x21;
const IMAGE = 0x2c;
const TRAILER = 0x3b;
const GRAPHIC_CONTROL = 0xf9;
const APPLICATION = 0xff;

/** Skips a chain of data sub-blocks (length byte, data…, ended by a zero length); returns the next offset. */
function skipSubBlocks(v: ByteView, pos: number): number {
  for (;;) {
    const size = v.u8(pos, 'a data sub-block');
    pos += 1;
    if (size === 0) return pos;
    v.need(pos, size, 'a data sub-block');
    pos += size;
  }
}

/**
 * Reads the logical screen and walks every block, counting image descriptors without decompressing
 * LZW data. Work is linear in the file size (each step consumes at least one byte), and the upload
 * limit bounds the file, so a hostile GIF cannot make this loop expensive.
 */
export function readGifHeader(bytes: Uint8Array): ImageHeader {
  const v = new ByteView(bytes, 'GIF');
  const width = v.u16le(6, 'the logical screen');
  const height = v.u16le(8, 'the logical screen');
  const packed = v.u8(10, 'the logical screen');
  if (width < 1 || height < 1) throw corrupt('GIF: zero logical screen size');
  let pos = 13;
  if (packed & 0x80) pos += 3 << ((packed & 7) + 1);

  const durations: number[] = [];
  const extent = { width, height };
  let pendingDelay: number | null = null;
  let transparency = false;
  let loopCount: number | null = null;
  let ended = false;

  while (pos < v.length) {
    const introducer = v.u8(pos);
    if (introducer === TRAILER) {
      ended = true;
      break;
    }
    if (introducer === EXTENSION) {
      const label = v.u8(pos + 1, 'an extension label');
      if (label === GRAPHIC_CONTROL && v.u8(pos + 2, 'a graphic control block') === 4) {
        const flags = v.u8(pos + 3, 'a graphic control block');
        pendingDelay = v.u16le(pos + 4, 'a frame delay') * 10;
        if (flags & 1) transparency = true;
      } else if (label === APPLICATION && v.u8(pos + 2) === 11) {
        const app = v.ascii(pos + 3, 11, 'an application extension');
        // NETSCAPE2.0 sub-block 1 = loop count (0 = forever).
        if ((app === 'NETSCAPE2.0' || app === 'ANIMEXTS1.0') && v.u8(pos + 14) === 3 && v.u8(pos + 15) === 1) {
          const repeats = v.u16le(pos + 16, 'a loop count');
          // NETSCAPE counts repeats after the first play (browsers, libvips); we count plays.
          loopCount = repeats === 0 ? 0 : repeats + 1;
        }
      }
      pos = skipSubBlocks(v, pos + 2);
      continue;
    }
    if (introducer !== IMAGE) throw corrupt(`GIF: unknown block 0x${introducer.toString(16)} at offset ${pos}`);
    const left = v.u16le(pos + 1, 'an image descriptor');
    const top = v.u16le(pos + 3, 'an image descriptor');
    const frameWidth = v.u16le(pos + 5, 'an image descriptor');
    const frameHeight = v.u16le(pos + 7, 'an image descriptor');
    const framePacked = v.u8(pos + 9, 'an image descriptor');
    pos += 10;
    if (framePacked & 0x80) pos += 3 << ((framePacked & 7) + 1);
    const minCodeSize = v.u8(pos, 'the LZW code size');
    if (minCodeSize < 1 || minCodeSize > 11) throw corrupt(`GIF: invalid LZW code size ${minCodeSize}`);
    pos = skipSubBlocks(v, pos + 1);
    extent.width = Math.max(extent.width, left + frameWidth);
    extent.height = Math.max(extent.height, top + frameHeight);
    durations.push(pendingDelay ?? 0);
    pendingDelay = null;
  }
  // Many encoders omit the trailer; a file that ends cleanly between blocks is still complete.
  if (!ended && durations.length === 0) throw corrupt('GIF: truncated (no image data)');
  if (durations.length === 0) throw corrupt('GIF: no image data');

  const animated = durations.length > 1;
  return {
    format: 'gif',
    width,
    height,
    frameCount: durations.length,
    animated,
    // GIF has one fully transparent palette index at most, never partial alpha.
    hasAlphaDeclared: false,
    hasTransparencyDeclared: transparency,
    frameDurationsMs: animated ? durations : [],
    // Plays in total, 0 = forever; without a NETSCAPE extension the animation plays once.
    loopCount: animated ? (loopCount ?? 1) : null,
    frameExtent: extent,
  };
}
