import sharp from 'sharp';

/** An RGBA image as decoded from a PNG screenshot. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** An art pixel grid: `cells[y][x]` is an index into `colours` (hex `#rrggbb`). */
export interface PixelGrid {
  colours: string[];
  cells: number[][];
}

export type PixelVerdict =
  | { ok: true; scale: number }
  | { ok: false; reason: string };

const hex = (d: Uint8Array, i: number) =>
  `#${[d[i]!, d[i + 1]!, d[i + 2]!].map((v) => v.toString(16).padStart(2, '0')).join('')}`;

export async function decodePng(png: Buffer): Promise<RgbaImage> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** Every distinct opaque-or-not colour in the image, as `#rrggbb` (alpha ignored: screenshots are opaque). */
export function distinctColours(img: RgbaImage): Set<string> {
  const seen = new Set<string>();
  for (let i = 0; i < img.data.length; i += 4) seen.add(hex(img.data, i));
  return seen;
}

/**
 * Whether `img` shows `grid` pixel-exact: only the grid's colours (no smoothing, no background at the
 * edges), and every art pixel a square of the same whole number of device pixels.
 */
export function checkPixelExact(img: RgbaImage, grid: PixelGrid): PixelVerdict {
  const artH = grid.cells.length;
  const artW = grid.cells[0]?.length ?? 0;
  const colours = [...distinctColours(img)];
  const foreign = colours.filter((c) => !grid.colours.includes(c));
  if (foreign.length) return { ok: false, reason: `${foreign.length} colours besides the art's (e.g. ${foreign.slice(0, 5).join(', ')})` };
  if (img.width % artW !== 0 || img.height % artH !== 0) {
    return { ok: false, reason: `${img.width}×${img.height} device px is not a whole multiple of ${artW}×${artH}` };
  }
  const scale = img.width / artW;
  if (img.height / artH !== scale) return { ok: false, reason: `art pixels are not square: ${scale}×${img.height / artH}` };
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const want = grid.colours[grid.cells[Math.floor(y / scale)]![Math.floor(x / scale)]!];
      const got = hex(img.data, (y * img.width + x) * 4);
      if (got !== want) return { ok: false, reason: `device pixel (${x},${y}) is ${got}, art pixel (${Math.floor(x / scale)},${Math.floor(y / scale)}) is ${want}` };
    }
  }
  return { ok: true, scale };
}

/** Encodes the grid as a PNG at 1 device pixel per art pixel times `scale` (the upload and the unit tests). */
export async function gridPng(grid: PixelGrid, scale = 1): Promise<Buffer> {
  const h = grid.cells.length * scale;
  const w = (grid.cells[0]?.length ?? 0) * scale;
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = grid.colours[grid.cells[Math.floor(y / scale)]![Math.floor(x / scale)]!]!;
      raw.set([1, 3, 5].map((o) => parseInt(c.slice(o, o + 2), 16)), (y * w + x) * 3);
    }
  }
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
}

/** The 8×8 two-colour test artwork: a checkerboard (the worst case for smoothing) with a marked corner, so flips show. */
export const TWO_COLOUR_8X8: PixelGrid = {
  colours: ['#1d2b53', '#ffec27'],
  cells: Array.from({ length: 8 }, (_, y) => Array.from({ length: 8 }, (_, x) => ((x + y) % 2 === 0 || (y === 0 && x < 3) ? 0 : 1))),
};
