/**
 * docs/architecture.md §4.1 "Every pixel honest": an artwork is shown at a whole number of DEVICE pixels per art
 * pixel. The CSS size is therefore art size × k / devicePixelRatio, with k the largest whole factor
 * whose device-pixel size fits the box (never below 1: art is never scaled down).
 */
export interface PixelScale {
  /** Device pixels per art pixel. */
  factor: number;
  /** CSS pixels (may be fractional: exactly `width × factor` device pixels). */
  cssWidth: number;
  cssHeight: number;
}

const ratioOf = (dpr: number) => (Number.isFinite(dpr) && dpr > 0 ? dpr : 1);

/**
 * The layout grid: the smallest CSS length that browsers store exactly (layout works in fixed point,
 * 1/64 px in Chromium, 1/60 px in Firefox, so only multiples of 1/4 px are exact in both) and that
 * is a whole number of device pixels. At DPR 1.25 a 556.8 px image is stored as 556.796875 px, drawn
 * 0.004 device px short, and its edges are blended; on this grid (4 CSS px = 5 device px) nothing is.
 */
export function layoutGrid(dpr: number): { css: number; device: number } {
  const ratio = ratioOf(dpr);
  for (let quarters = 1; quarters <= 4 * 64; quarters++) {
    const device = (quarters / 4) * ratio;
    if (Math.abs(device - Math.round(device)) < 1e-6) return { css: quarters / 4, device: Math.round(device) };
  }
  return { css: 1 / ratio, device: 1 };
}

/**
 * The largest whole factor whose device-pixel size fits the box (never below 1: art is never scaled
 * down) and whose size lies on the layout grid; when no factor does (odd ratios, big art), the
 * largest that fits.
 */
export function pixelScale(artWidth: number, artHeight: number, boxCssWidth: number, boxCssHeight: number, dpr: number): PixelScale {
  const ratio = ratioOf(dpr);
  const w = Math.max(1, Math.round(artWidth));
  const h = Math.max(1, Math.round(artHeight));
  // Device pixels available; the epsilon keeps 128 × 1.25 = 160.00000000000003 from losing a step.
  const deviceW = Math.floor(boxCssWidth * ratio + 1e-6);
  const deviceH = Math.floor(boxCssHeight * ratio + 1e-6);
  const largest = Math.max(1, Math.min(Math.floor(deviceW / w), Math.floor(deviceH / h)));
  const grid = layoutGrid(ratio).device;
  let factor = largest;
  while (factor > 1 && ((w * factor) % grid !== 0 || (h * factor) % grid !== 0)) factor--;
  if ((w * factor) % grid !== 0 || (h * factor) % grid !== 0) factor = largest;
  return { factor, cssWidth: (w * factor) / ratio, cssHeight: (h * factor) / ratio };
}

/** docs/architecture.md §4.1 feed grid: art up to 128 px sits in one 128 px cell, larger art in a 2×2 cell. */
export const GRID_CELL = 128;
export function gridSpan(artWidth: number | null, artHeight: number | null): 1 | 2 {
  return Math.max(artWidth ?? 0, artHeight ?? 0) > GRID_CELL ? 2 : 1;
}

/**
 * The CSS offset that moves a box whose top-left corner is at (left, top) CSS px (page coordinates)
 * onto the nearest point of the layout grid. A whole number of device pixels per art pixel is not
 * enough on its own: a centred image can start between device pixels (e.g. at DPR 1.25), and then
 * every edge is blended.
 */
export function deviceSnapOffset(left: number, top: number, dpr: number): { dx: number; dy: number } {
  const step = layoutGrid(dpr).css;
  const snap = (v: number) => Math.round(v / step) * step - v;
  return { dx: snap(left), dy: snap(top) };
}

/**
 * Moves an image onto the layout grid, in page coordinates (scrolling moves whole layers by whole
 * device pixels). A relative offset, not a transform: a transformed image is composited as a layer
 * and resampled, which blends the art's edges just the same.
 */
export function snapToDevicePixels(img: HTMLElement, dpr: number): void {
  img.style.left = '';
  img.style.top = '';
  const r = img.getBoundingClientRect();
  const { dx, dy } = deviceSnapOffset(r.left + window.scrollX, r.top + window.scrollY, dpr);
  if (Math.abs(dx) > 1e-4) img.style.left = `${dx}px`;
  if (Math.abs(dy) > 1e-4) img.style.top = `${dy}px`;
}

/** Class of the box around an artwork (the checkerboard shows through transparent pixels). */
export function pixelBoxClass(checker: boolean, className?: string): string {
  return `pixel-box${checker ? ' checker' : ''}${className ? ` ${className}` : ''}`;
}

/** The attributes every artwork `<img>` carries, for a scale chosen by pixelScale. */
export function pixelImgProps(scale: PixelScale, img: { src: string; alt: string; width: number; height: number; priority?: boolean }) {
  return {
    'data-pixel-art': '',
    'data-scale': scale.factor,
    src: img.src,
    alt: img.alt,
    width: img.width,
    height: img.height,
    style: { width: `${scale.cssWidth}px`, height: `${scale.cssHeight}px` },
    loading: img.priority ? ('eager' as const) : ('lazy' as const),
    decoding: 'async' as const,
    draggable: false,
  };
}
