import sharp from 'sharp';

/** One decoded frame: RGBA, row-major, `width × height × 4` bytes, shown for `delayMs`. */
export interface Frame {
  rgba: Uint8Array;
  delayMs: number;
}

export interface Artwork {
  width: number;
  height: number;
  frames: Frame[];
}

// Browsers and the p3a treat a 0/too-short GIF delay as 100 ms; 20 ms is the shortest honoured.
const MIN_DELAY_MS = 20;
const DEFAULT_DELAY_MS = 100;

/**
 * Decodes every frame of a PNG, GIF, WebP (animated or not) or BMP with sharp (libvips), the same
 * decoder the worker uses, so what the simulator plays is what the pipeline produced.
 */
export async function decodeArtwork(bytes: Uint8Array): Promise<Artwork> {
  const meta = await sharp(bytes, { animated: true }).metadata();
  const pages = meta.pages ?? 1;
  const { data, info } = await sharp(bytes, { animated: true }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const width = info.width;
  const height = meta.pageHeight ?? info.height / pages;
  const frameBytes = width * height * 4;
  const frames: Frame[] = [];
  for (let i = 0; i < pages; i++) {
    const delay = meta.delay?.[i] ?? DEFAULT_DELAY_MS;
    frames.push({ rgba: new Uint8Array(data.buffer, data.byteOffset + i * frameBytes, frameBytes), delayMs: delay < MIN_DELAY_MS ? DEFAULT_DELAY_MS : delay });
  }
  return { width, height, frames };
}
