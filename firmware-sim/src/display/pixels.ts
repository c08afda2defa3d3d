import type { Frame } from './frames.ts';

/** An opaque RGB picture: what the panel lights, `width × height × 3` bytes. */
export interface Picture {
  width: number;
  height: number;
  rgb: Uint8Array;
}

export interface PanelSettings {
  brightness: number;
  rotation: number;
  mirror: string;
  /** Brightness range advertised in the capabilities (0–100 by default). */
  brightnessMax?: number;
}

/**
 * What the panel shows for one frame: alpha composited over black (an LED off), scaled down by a
 * whole factor when larger than `maxSide` (nearest neighbour, never smoothed), mirrored, rotated
 * clockwise, and dimmed by brightness — the order the firmware applies them.
 */
export function panelPicture(frame: Frame, width: number, height: number, s: PanelSettings, maxSide = 64): Picture {
  const step = Math.max(1, Math.ceil(Math.max(width, height) / maxSide));
  const w = Math.ceil(width / step);
  const h = Math.ceil(height / step);
  const level = Math.max(0, Math.min(1, s.brightness / (s.brightnessMax ?? 100)));
  const quarterTurns = (((Math.round(s.rotation / 90) % 4) + 4) % 4) as 0 | 1 | 2 | 3;
  const outW = quarterTurns % 2 === 0 ? w : h;
  const outH = quarterTurns % 2 === 0 ? h : w;
  const rgb = new Uint8Array(outW * outH * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const mx = s.mirror === 'horizontal' ? w - 1 - x : x;
      const my = s.mirror === 'vertical' ? h - 1 - y : y;
      const src = ((my * step) * width + mx * step) * 4;
      const a = frame.rgba[src + 3]! / 255;
      let ox = x;
      let oy = y;
      if (quarterTurns === 1) [ox, oy] = [h - 1 - y, x];
      else if (quarterTurns === 2) [ox, oy] = [w - 1 - x, h - 1 - y];
      else if (quarterTurns === 3) [ox, oy] = [y, w - 1 - x];
      const dst = (oy * outW + ox) * 3;
      for (let c = 0; c < 3; c++) rgb[dst + c] = Math.round(frame.rgba[src + c]! * a * level);
    }
  }
  return { width: outW, height: outH, rgb };
}
