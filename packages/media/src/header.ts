import { readBmpHeader } from './bmp.ts';
import { ImageHeaderError, unsupported } from './errors.ts';
import { readGifHeader } from './gif.ts';
import type { ImageHeader } from './header-types.ts';
import { readPngHeader } from './png.ts';
import { sniffFormat } from './sniff.ts';
import { readWebpHeader } from './webp.ts';

const readers = { png: readPngHeader, gif: readGifHeader, webp: readWebpHeader, bmp: readBmpHeader } as const;

/**
 * Reads size, frames and transparency from headers and chunk tables only, never decoding pixels.
 * Throws ImageHeaderError (`unsupported_format` or `corrupt_image`) and nothing else.
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  const format = sniffFormat(bytes);
  if (!format) throw unsupported('not a PNG, GIF, WebP or BMP file');
  try {
    return readers[format](bytes);
  } catch (err) {
    if (err instanceof ImageHeaderError) throw err;
    throw new ImageHeaderError('corrupt_image', `${format.toUpperCase()}: ${(err as Error).message}`);
  }
}
