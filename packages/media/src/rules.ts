import { ImageHeaderError } from './errors.ts';
import { readImageHeader } from './header.ts';
import type { ImageHeader } from './header-types.ts';
import { sniffFormat } from './sniff.ts';
import { DECODE_BUDGET_BYTES, FREE_SIZE_MIN_SIDE, MAX_FRAMES, MAX_SIDE, MAX_UPLOAD_BYTES, decodedBytes } from './limits.ts';

export const UPLOAD_RULE_CODES = [
  'unsupported_format',
  'file_too_large',
  'corrupt_image',
  'decompression_bomb',
  'invalid_dimensions',
  'too_many_frames',
] as const;
export type UploadRuleCode = (typeof UPLOAD_RULE_CODES)[number];

export type UploadCheck = { ok: true; header: ImageHeader } | { ok: false; code: UploadRuleCode; message: string };

/** docs/product.md §2: the sizes allowed below 128 px on a side (either orientation). */
export const SMALL_SIZES: readonly (readonly [number, number])[] = [
  [8, 8], [8, 16], [16, 8], [8, 32], [32, 8], [16, 16], [16, 32], [32, 16],
  [32, 32], [32, 64], [64, 32], [64, 64], [64, 128], [128, 64],
];

/** docs/product.md §2: ≤256×256; both sides ≥128 → any size; otherwise only the listed small sizes. */
export function isAllowedDimensions(width: number, height: number): boolean {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) return false;
  if (width > MAX_SIDE || height > MAX_SIDE) return false;
  if (width >= FREE_SIZE_MIN_SIDE && height >= FREE_SIZE_MIN_SIDE) return true;
  return SMALL_SIZES.some(([w, h]) => w === width && h === height);
}

const fail = (code: UploadRuleCode, message: string): UploadCheck => ({ ok: false, code, message });

/**
 * Every docs/product.md §2 file rule that needs no decoding, in the order a hostile file is cheapest to
 * refuse: magic bytes, byte size, header sanity, then the decoded-size budget before the product
 * rules (sides, frames). The api runs it at upload time, the worker again before decoding.
 */
export function checkUploadRules({ bytes }: { bytes: Uint8Array }): UploadCheck {
  if (!sniffFormat(bytes)) return fail('unsupported_format', 'not a PNG, GIF, WebP or BMP file');
  if (bytes.length > MAX_UPLOAD_BYTES) {
    return fail('file_too_large', `the file is ${bytes.length} bytes; the limit is ${MAX_UPLOAD_BYTES} (5 MiB)`);
  }
  let header: ImageHeader;
  try {
    header = readImageHeader(bytes);
  } catch (err) {
    if (err instanceof ImageHeaderError) return fail(err.code, err.message);
    throw err;
  }
  const { width, height, frameCount, frameExtent } = header;
  if (frameExtent.width > width || frameExtent.height > height) {
    return fail('decompression_bomb', `a frame reaches ${frameExtent.width}×${frameExtent.height}, beyond the ${width}×${height} canvas`);
  }
  if (decodedBytes(width, height, frameCount) > DECODE_BUDGET_BYTES) {
    return fail('decompression_bomb', `${width}×${height} × ${frameCount} frames would decode to more than ${DECODE_BUDGET_BYTES / 1024 / 1024} MiB`);
  }
  if (!isAllowedDimensions(width, height)) {
    return fail(
      'invalid_dimensions',
      `${width}×${height} is not allowed: at most ${MAX_SIDE}×${MAX_SIDE}; below ${FREE_SIZE_MIN_SIDE} px on a side only ` +
        SMALL_SIZES.map(([w, h]) => `${w}×${h}`).join(', '),
    );
  }
  if (frameCount > MAX_FRAMES) return fail('too_many_frames', `${frameCount} frames; the limit is ${MAX_FRAMES}`);
  return { ok: true, header };
}
