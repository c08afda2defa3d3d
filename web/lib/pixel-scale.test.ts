import { describe, expect, it } from 'vitest';
import { deviceSnapOffset, GRID_CELL, gridSpan, pixelScale } from './pixel-scale.ts';

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
          // And it is the largest such factor.
          expect(w * (s.factor + 1) > Math.floor(boxW * dpr + 1e-6) || h * (s.factor + 1) > Math.floor(boxH * dpr + 1e-6)).toBe(true);
        }
      }
    }
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
  it('moves a corner onto the nearest whole device pixel at every ratio, by less than half a device pixel', () => {
    for (const dpr of [1, 1.25, 1.5, 2, 2.625, 3]) {
      for (const pos of [0, 0.3, 76.59, 159.59, 200.5, 1023.123]) {
        const { dx, dy } = deviceSnapOffset(pos, pos + 0.1, dpr);
        const x = (pos + dx) * dpr;
        const y = (pos + 0.1 + dy) * dpr;
        expect(Math.abs(x - Math.round(x))).toBeLessThan(1e-6);
        expect(Math.abs(y - Math.round(y))).toBeLessThan(1e-6);
        expect(Math.abs(dx * dpr)).toBeLessThanOrEqual(0.5 + 1e-9);
      }
    }
  });

  it('leaves an aligned corner where it is', () => {
    expect(deviceSnapOffset(160, 80, 1.25)).toEqual({ dx: 0, dy: 0 });
  });
});
