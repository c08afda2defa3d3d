import type { Picture } from './pixels.ts';

// Each terminal cell shows two pixels stacked: the upper half block "▀" in the top pixel's colour
// (foreground) over the bottom pixel's colour (background), both as 24-bit ANSI SGR colours.
export const UPPER_HALF_BLOCK = '\u2580';
const RESET = '\x1b[0m';

function rgbAt(p: Picture, x: number, y: number): [number, number, number] {
  if (y >= p.height) return [0, 0, 0];
  const i = (y * p.width + x) * 3;
  return [p.rgb[i]!, p.rgb[i + 1]!, p.rgb[i + 2]!];
}

/** The picture as terminal lines (an odd last row is padded with black). */
export function renderHalfBlocks(p: Picture): string[] {
  const lines: string[] = [];
  for (let y = 0; y < p.height; y += 2) {
    let line = '';
    let lastFg = '';
    let lastBg = '';
    for (let x = 0; x < p.width; x++) {
      const fg = rgbAt(p, x, y).join(';');
      const bg = rgbAt(p, x, y + 1).join(';');
      // Only emit a colour when it changes: flat pixel art compresses to a fraction of the bytes.
      if (fg !== lastFg) line += `\x1b[38;2;${fg}m`;
      if (bg !== lastBg) line += `\x1b[48;2;${bg}m`;
      line += UPPER_HALF_BLOCK;
      lastFg = fg;
      lastBg = bg;
    }
    lines.push(line + RESET);
  }
  return lines;
}

/** Parses rendered half-block lines back into a picture (what a terminal would light). */
export function parseHalfBlocks(lines: readonly string[]): Picture {
  const rows: [number, number, number][][] = [];
  for (const line of lines) {
    const top: [number, number, number][] = [];
    const bottom: [number, number, number][] = [];
    let fg: [number, number, number] = [0, 0, 0];
    let bg: [number, number, number] = [0, 0, 0];
    const re = /\x1b\[(38|48);2;(\d+);(\d+);(\d+)m|\x1b\[0m|(\u2580)/g;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      if (m[5]) {
        top.push(fg);
        bottom.push(bg);
      } else if (m[1] === '38') fg = [Number(m[2]), Number(m[3]), Number(m[4])];
      else if (m[1] === '48') bg = [Number(m[2]), Number(m[3]), Number(m[4])];
    }
    rows.push(top, bottom);
  }
  const width = rows[0]?.length ?? 0;
  const rgb = new Uint8Array(width * rows.length * 3);
  rows.forEach((row, y) => row.forEach((c, x) => rgb.set(c, (y * width + x) * 3)));
  return { width, height: rows.length, rgb };
}
