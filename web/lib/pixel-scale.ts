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

export function pixelScale(artWidth: number, artHeight: number, boxCssWidth: number, boxCssHeight: number, dpr: number): PixelScale {
  const ratio = Number.isFinite(dpr) && dpr > 0 ? dpr : 1;
  const w = Math.max(1, Math.round(artWidth));
  const h = Math.max(1, Math.round(artHeight));
  // Device pixels available; the epsilon keeps 128 × 1.25 = 160.00000000000003 from losing a step.
  const deviceW = Math.floor(boxCssWidth * ratio + 1e-6);
  const deviceH = Math.floor(boxCssHeight * ratio + 1e-6);
  const factor = Math.max(1, Math.min(Math.floor(deviceW / w), Math.floor(deviceH / h)));
  return { factor, cssWidth: (w * factor) / ratio, cssHeight: (h * factor) / ratio };
}

/** docs/architecture.md §4.1 feed grid: art up to 128 px sits in one 128 px cell, larger art in a 2×2 cell. */
export const GRID_CELL = 128;
export function gridSpan(artWidth: number | null, artHeight: number | null): 1 | 2 {
  return Math.max(artWidth ?? 0, artHeight ?? 0) > GRID_CELL ? 2 : 1;
}

/**
 * The CSS offset that moves a box whose top-left corner is at (left, top) CSS px onto the nearest
 * whole device pixel. A whole number of device pixels per art pixel is not enough on its own: a
 * centred image can start half a device pixel in (e.g. at DPR 1.25), and then every edge is blended.
 */
export function deviceSnapOffset(left: number, top: number, dpr: number): { dx: number; dy: number } {
  const ratio = Number.isFinite(dpr) && dpr > 0 ? dpr : 1;
  const snap = (v: number) => (Math.round(v * ratio) - v * ratio) / ratio;
  return { dx: snap(left), dy: snap(top) };
}

/** Moves an image onto whole device pixels (its transform is recomputed from its untransformed place). */
export function snapToDevicePixels(img: HTMLElement, dpr: number): void {
  img.style.transform = '';
  const r = img.getBoundingClientRect();
  const { dx, dy } = deviceSnapOffset(r.left, r.top, dpr);
  if (Math.abs(dx) > 1e-4 || Math.abs(dy) > 1e-4) img.style.transform = `translate(${dx}px, ${dy}px)`;
}
