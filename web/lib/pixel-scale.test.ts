import { describe, expect, it } from 'vitest';
import { deviceSnapOffset, GRID_CELL, gridSpan, layoutGrid, pixelScale } from './pixel-scale.ts';

const DPRS = [1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 4];
const WIDTHS = [320, 360, 390, 414, 768, 1024, 1280, 1366, 1440, 1920, 2560, 3840];
const ARTS: [number, number][] = [[8, 8], [8, 32], [16, 16], [32, 64], [64, 64], [128, 64], [128, 128], [200, 150], [256, 256]];

describe('pixelScale', () => {
  it('is a whole number of device pixels per art pixel that fits the box, for every DPR and width', () => {
    for (const dpr of DPRS) {
      for (const boxW of WIDTHS) {
        for (const [w, h] of ARTS) {
          const boxH = Math.round(boxW * 0.75);
          const s = pixelScale(w, h, boxW, boxH, dpr);
          expect(Number.isInteger(s.factor)).toBe(true);
          expect(s.factor).toBeGreaterThanOrEqual(1);
          // The CSS size is exactly factor device pixels per art pixel.
          expect(s.cssWidth * dpr).toBeCloseTo(w * s.factor, 9);
          expect(s.cssHeight * dpr).toBeCloseTo(h * s.factor, 9);
          // It fits the box unless the art itself is bigger than the box at 1 device px (never scaled down).
          if (w <= boxW * dpr && h <= boxH * dpr) {
            expect(s.cssWidth).toBeLessThanOrEqual(boxW + 1e-9);
            expect(s.cssHeight).toBeLessThanOrEqual(boxH + 1e-9);
          }
          // It is the largest such factor whose size lies on the layout grid (exact in every browser's
          // fixed-point layout), or the largest that fits when no factor does.
          const grid = layoutGrid(dpr);
          const onGrid = (f: number) => (w * f) % grid.device === 0 && (h * f) % grid.device === 0;
          const fits = (f: number) => w * f <= Math.floor(boxW * dpr + 1e-6) && h * f <= Math.floor(boxH * dpr + 1e-6);
          if (onGrid(s.factor)) {
            for (let f = s.factor + 1; fits(f); f++) expect(onGrid(f)).toBe(false);
            expect(Number.isInteger(s.cssWidth * 64) && Number.isInteger(s.cssWidth * 60)).toBe(true);
          } else {
            for (let f = 1; fits(f); f++) expect(onGrid(f)).toBe(false);
          }
        }
      }
    }
  });

  it('keeps an 8×8 artwork at 1.25× on the 4 CSS px (5 device px) grid: 85, not 87, device px per pixel', () => {
    expect(layoutGrid(1.25)).toEqual({ css: 4, device: 5 });
    expect(pixelScale(8, 8, 560, 560, 1.25)).toEqual({ factor: 85, cssWidth: 544, cssHeight: 544 });
  });

  it('gives a 1.25× laptop 10 device pixels per pixel for 16×16 art in a 128 px cell', () => {
    expect(pixelScale(16, 16, 128, 128, 1.25)).toEqual({ factor: 10, cssWidth: 128, cssHeight: 128 });
  });

  it('shows 8×8 art at dpr 1 in a 128 px cell at 16×', () => {
    expect(pixelScale(8, 8, GRID_CELL, GRID_CELL, 1)).toEqual({ factor: 16, cssWidth: 128, cssHeight: 128 });
  });

  it('never scales art below one device pixel per art pixel', () => {
    expect(pixelScale(256, 256, 100, 100, 1).factor).toBe(1);
  });

  it('treats a missing or absurd devicePixelRatio as 1', () => {
    expect(pixelScale(8, 8, 64, 64, 0).factor).toBe(8);
    expect(pixelScale(8, 8, 64, 64, Number.NaN).factor).toBe(8);
  });

  it('puts art above 128 px in a 2×2 cell', () => {
    expect(gridSpan(128, 64)).toBe(1);
    expect(gridSpan(129, 64)).toBe(2);
    expect(gridSpan(null, null)).toBe(1);
  });
});

describe('deviceSnapOffset', () => {
  it('moves a corner onto the layout grid at every ratio, by at most half a grid step', () => {
    for (const dpr of [1, 1.25, 1.5, 2, 2.625, 3]) {
      const grid = layoutGrid(dpr);
      for (const pos of [0, 0.3, 76.59, 159.59, 200.5, 1023.123]) {
        const { dx, dy } = deviceSnapOffset(pos, pos + 0.1, dpr);
        for (const v of [(pos + dx) * dpr, (pos + 0.1 + dy) * dpr]) expect(Math.abs(v - Math.round(v))).toBeLessThan(1e-6);
        expect(Number.isInteger((pos + dx) * 4 + 1e-9) || Math.abs((pos + dx) * 4 - Math.round((pos + dx) * 4)) < 1e-6).toBe(true);
        expect(Math.abs(dx)).toBeLessThanOrEqual(grid.css / 2 + 1e-9);
      }
    }
  });

  it('leaves a corner already on the grid where it is', () => {
    expect(deviceSnapOffset(160, 80, 1.25)).toEqual({ dx: 0, dy: 0 });
  });
});
