import { readRiffChunks } from '../index.ts';
import type { Animation } from './frames.ts';

/**
 * Assembles an animated WebP from still lossless WebP files, one per frame. libwebp's animation
 * encoder (behind sharp) merges identical consecutive frames and crops frames to changed
 * rectangles, which changes frame counts and timing; here every frame is a full-canvas ANMF that
 * replaces the canvas (no blending, no disposal), so frame i of the file is frame i of the source.
 */

const fourcc = (s: string) => [...s].map((c) => c.charCodeAt(0));

function u24(value: number): number[] {
  return [value & 255, (value >>> 8) & 255, (value >>> 16) & 255];
}

function u32(value: number): number[] {
  return [value & 255, (value >>> 8) & 255, (value >>> 16) & 255, (value >>> 24) & 255];
}

/** The image-data chunks (ALPH, VP8, VP8L) of a still WebP, headers and padding included. */
export function imageDataChunks(stillWebp: Uint8Array): Uint8Array {
  const riffEnd = 8 + new DataView(stillWebp.buffer, stillWebp.byteOffset, stillWebp.length).getUint32(4, true);
  const chunks = readRiffChunks(stillWebp, 12, Math.min(stillWebp.length, riffEnd));
  const parts = chunks.filter((c) => c.fourcc === 'ALPH' || c.fourcc === 'VP8 ' || c.fourcc === 'VP8L');
  if (!parts.some((c) => c.fourcc !== 'ALPH')) throw new Error('WebP frame without image data');
  const out = new Uint8Array(parts.reduce((n, c) => n + 8 + c.size + (c.size & 1), 0));
  let offset = 0;
  for (const c of parts) {
    out.set([...fourcc(c.fourcc), ...u32(c.size)], offset);
    out.set(stillWebp.subarray(c.offset, c.offset + c.size), offset + 8);
    offset += 8 + c.size + (c.size & 1);
  }
  return out;
}

const MAX_DURATION_MS = 0xffffff;

/** Animated WebP from still lossless WebP files, one per frame. */
export function muxAnimatedWebp(
  frames: readonly Uint8Array[],
  width: number,
  height: number,
  animation: Animation,
  hasAlpha: boolean,
): Uint8Array {
  return muxAnimation(frames.map(imageDataChunks), width, height, animation, hasAlpha);
}

/**
 * Animated WebP from each frame's image-data chunks (headers included, e.g. one `VP8L` chunk), every
 * frame full-canvas.
 */
export function muxAnimation(
  frameData: readonly Uint8Array[],
  width: number,
  height: number,
  animation: Animation,
  hasAlpha: boolean,
): Uint8Array {
  const body: Uint8Array[] = [];
  const loop = Math.min(0xffff, Math.max(0, animation.loopCount));
  const flags = 0x02 | (hasAlpha ? 0x10 : 0);
  body.push(Uint8Array.from([...fourcc('VP8X'), ...u32(10), flags, 0, 0, 0, ...u24(width - 1), ...u24(height - 1)]));
  // Background transparent black; loop count = total plays, 0 = forever (same meaning as ours).
  body.push(Uint8Array.from([...fourcc('ANIM'), ...u32(6), 0, 0, 0, 0, loop & 255, loop >>> 8]));
  frameData.forEach((data, i) => {
    const duration = Math.min(MAX_DURATION_MS, Math.max(0, Math.round(animation.delaysMs[i] ?? 0)));
    const header = [...u24(0), ...u24(0), ...u24(width - 1), ...u24(height - 1), ...u24(duration), 0x02];
    body.push(Uint8Array.from([...fourcc('ANMF'), ...u32(header.length + data.length), ...header]), data);
  });
  const size = body.reduce((n, part) => n + part.length, 4);
  const out = new Uint8Array(8 + size);
  out.set([...fourcc('RIFF'), ...u32(size), ...fourcc('WEBP')]);
  let offset = 12;
  for (const part of body) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
