import type { ImageFormat } from '@makapix/media';
import { encodeBmp } from '@makapix/media/pixels/bmp';
import type { RgbaImage } from '@makapix/media/pixels/frames';
import { encodeGif } from '@makapix/media/pixels/gif-encode';
import { encodePng, encodeWebpLossless } from '@makapix/media/pixels/sharp-pipeline';
import { muxAnimatedWebp } from '@makapix/media/pixels/webp-mux';

export interface ArtworkSpec {
  format: ImageFormat;
  width: number;
  height: number;
  /** 1 for a still; GIF and WebP may animate (docs/product.md §2). */
  frames?: number;
}

/** mulberry32: tiny, fast, and the same sequence for the same seed on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hsl(h: number, s: number, l: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const a = s * Math.min(l, 1 - l);
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/**
 * A mirrored "space invader" sprite on a grid of cells, with palette cycling and a bob for
 * animations. Few colours, so every format (GIF included) holds it exactly.
 */
function paint(seed: number, width: number, height: number, frameCount: number): RgbaImage {
  const rnd = random(seed);
  const hue = rnd() * 360;
  const palette = Array.from({ length: 6 }, (_, i) => hsl((hue + i * 47) % 360, 0.55 + rnd() * 0.4, 0.3 + i * 0.08));
  const background: [number, number, number, number] = rnd() < 0.4 ? [0, 0, 0, 0] : [...hsl((hue + 180) % 360, 0.25, 0.12), 255];
  const cell = Math.max(1, Math.floor(Math.min(width, height) / 12));
  const cols = Math.max(2, Math.floor(width / cell));
  const rows = Math.max(2, Math.floor(height / cell));
  const half = Math.ceil(cols / 2);
  const shape = Array.from({ length: rows }, (_, y) =>
    Array.from({ length: half }, (_, x) => {
      const edge = y === 0 || y === rows - 1 || x === 0;
      return !edge && rnd() < 0.55 ? 1 + Math.floor(rnd() * (palette.length - 1)) : 0;
    }),
  );
  const frames: Uint8Array[] = [];
  for (let f = 0; f < frameCount; f++) {
    const frame = new Uint8Array(width * height * 4);
    const bob = frameCount > 1 ? Math.round(Math.sin((f / frameCount) * 2 * Math.PI) * cell) : 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const row = Math.floor((y - bob) / cell);
        const col = Math.floor(x / cell);
        const mirrored = col < half ? col : cols - 1 - col;
        const v = row >= 0 && row < rows && col < cols ? (shape[row]?.[mirrored] ?? 0) : 0;
        const colour = v === 0 ? background : [...(palette[(v + f) % palette.length] ?? palette[0] ?? [0, 0, 0]), 255];
        frame.set(colour, (y * width + x) * 4);
      }
    }
    frames.push(frame);
  }
  return { width, height, frames };
}

/**
 * Deterministic demo artwork for seeding: the same seed and spec give the same bytes. Stills in
 * every format; animations (frames > 1) as GIF or WebP, 100 ms per frame, looping forever.
 */
export async function generateArtwork(seed: number, spec: ArtworkSpec): Promise<Uint8Array> {
  const frameCount = spec.frames ?? 1;
  if (!Number.isInteger(frameCount) || frameCount < 1 || frameCount > 1024) throw new Error(`invalid frame count ${frameCount}`);
  if (frameCount > 1 && (spec.format === 'png' || spec.format === 'bmp')) throw new Error(`${spec.format} cannot be animated`);
  const image = paint(seed, spec.width, spec.height, frameCount);
  const first = image.frames[0] as Uint8Array;
  const animation = frameCount > 1 ? { delaysMs: image.frames.map(() => 100), loopCount: 0 } : null;
  switch (spec.format) {
    case 'png':
      return encodePng(first, spec.width, spec.height);
    case 'bmp':
      return encodeBmp(first, spec.width, spec.height);
    case 'gif': {
      const gif = encodeGif(image, animation);
      if (!gif.ok) throw new Error(gif.reason);
      return gif.bytes;
    }
    case 'webp': {
      const stills = [];
      for (const frame of image.frames) stills.push(await encodeWebpLossless(frame, spec.width, spec.height));
      const hasAlpha = first[3] === 0;
      return animation ? muxAnimatedWebp(stills, spec.width, spec.height, animation, hasAlpha) : (stills[0] as Uint8Array);
    }
  }
}
