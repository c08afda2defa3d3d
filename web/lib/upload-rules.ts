import {
  FREE_SIZE_MIN_SIDE,
  MAX_SIDE,
  MAX_UPLOAD_BYTES,
  SMALL_SIZES,
  checkUploadRules,
  isAllowedDimensions,
  type ImageHeader,
} from '@makapix/media';

/**
 * docs/product.md §2 checked in the browser before any request: the same header rules the api and the
 * worker run (@makapix/media), worded for a person, with the nearest allowed size named when the
 * dimensions are refused.
 */
export type UploadVerdict = { ok: true; header: ImageHeader } | { ok: false; code: string; words: string };

const MIB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MIB).toFixed(bytes < MIB ? 2 : 1)} MiB`;

/**
 * The allowed size closest to width×height: the listed small sizes, or the free range (both sides
 * 128–256). Distance is the total change of both sides, ties going to the larger size, so a
 * near-miss like 30×30 suggests 32×32 rather than 16×16.
 */
export function nearestAllowedSize(width: number, height: number): [number, number] {
  const clamp = (v: number) => Math.min(MAX_SIDE, Math.max(FREE_SIZE_MIN_SIDE, v));
  const candidates: [number, number][] = [...SMALL_SIZES.map(([w, h]) => [w, h] as [number, number]), [clamp(width), clamp(height)]];
  let best = candidates[0]!;
  let bestCost = Infinity;
  for (const c of candidates) {
    const cost = Math.abs(c[0] - width) + Math.abs(c[1] - height);
    if (cost < bestCost || (cost === bestCost && c[0] * c[1] > best[0] * best[1])) {
      best = c;
      bestCost = cost;
    }
  }
  return best;
}

export function checkUpload(bytes: Uint8Array): UploadVerdict {
  // Size first: a 40 MiB file need not be parsed to be refused (the format still needs magic bytes).
  if (bytes.length > MAX_UPLOAD_BYTES) {
    return { ok: false, code: 'file_too_large', words: `This file is ${mib(bytes.length)}; artworks can be at most 5 MiB.` };
  }
  const check = checkUploadRules({ bytes });
  if (check.ok) return check;
  switch (check.code) {
    case 'unsupported_format':
      return { ok: false, code: check.code, words: 'This is not a PNG, GIF, WebP or BMP file (checked by its content, not its name).' };
    case 'invalid_dimensions': {
      const size = sizeFromMessage(check.message);
      if (size) {
        const [w, h] = nearestAllowedSize(size[0], size[1]);
        return {
          ok: false,
          code: check.code,
          words: `${size[0]}×${size[1]} is not an allowed size. The nearest allowed size is ${w}×${h}. ` +
            `Allowed: up to ${MAX_SIDE}×${MAX_SIDE}; when a side is under ${FREE_SIZE_MIN_SIDE} px only ${SMALL_SIZES.map(([a, b]) => `${a}×${b}`).join(', ')}.`,
        };
      }
      return { ok: false, code: check.code, words: `This size is not allowed: ${check.message}.` };
    }
    case 'too_many_frames':
      return { ok: false, code: check.code, words: `Too many frames: ${check.message}.` };
    case 'decompression_bomb':
      return { ok: false, code: check.code, words: `This image would be too large once decoded: ${check.message}.` };
    default:
      return { ok: false, code: check.code, words: `This image could not be read: ${check.message}.` };
  }
}

/** The refused size is the message's leading "W×H" (rules.ts words it that way). */
function sizeFromMessage(message: string): [number, number] | null {
  const m = /^(\d+)×(\d+)/.exec(message);
  if (!m) return null;
  const w = Number(m[1]);
  const h = Number(m[2]);
  return isAllowedDimensions(w, h) ? null : [w, h];
}

export { MAX_UPLOAD_BYTES };
