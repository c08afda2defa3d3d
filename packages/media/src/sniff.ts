import { hasAscii } from './bytes.ts';

/** docs/product.md §2: the four accepted formats (the vault's extensions too). */
export const IMAGE_FORMATS = ['png', 'gif', 'webp', 'bmp'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * docs/product.md §2: the format is decided by magic bytes only; file names and client-declared types are
 * never consulted. Null for anything else.
 */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (hasAscii(bytes, 0, 'GIF87a') || hasAscii(bytes, 0, 'GIF89a')) return 'gif';
  if (hasAscii(bytes, 0, 'RIFF') && hasAscii(bytes, 8, 'WEBP')) return 'webp';
  if (hasAscii(bytes, 0, 'BM')) return 'bmp';
  return null;
}
