import sharp from 'sharp';

// A 16×16 two-frame pixel-art sprite (a blinking slime) drawn from a character map, encoded as an
// animated GIF by sharp: real artwork bytes for display tests, without a binary fixture file.
const PALETTE: Record<string, [number, number, number, number]> = {
  '.': [0, 0, 0, 0],
  k: [20, 12, 28, 255],
  g: [52, 200, 90, 255],
  l: [150, 240, 140, 255],
  d: [28, 120, 60, 255],
  w: [255, 255, 255, 255],
  p: [240, 110, 160, 255],
};

const BODY = [
  '................',
  '................',
  '......kkkk......',
  '....kkggggkk....',
  '...kgglllgggk...',
  '..kgglllggggdk..',
  '..kgl%%gg%%gdk..',
  '.kggl%%gg%%ggdk.',
  '.kgggggggggggdk.',
  '.kggpggggggpgdk.',
  '.kgggggkkggggdk.',
  '.kdgggggggggddk.',
  '..kddggggggddk..',
  '...kkddddddkk...',
  '.....kkkkkk.....',
  '................',
];

function frame(eyes: [string, string]): Buffer {
  const rgba = Buffer.alloc(16 * 16 * 4);
  BODY.forEach((row, y) => {
    [...row].forEach((ch, x) => {
      const key = ch === '%' ? (y === 6 ? eyes[0] : eyes[1]) : ch;
      rgba.set(PALETTE[key]!, (y * 16 + x) * 4);
    });
  });
  return rgba;
}

/** Open eyes for 600 ms, then closed for 150 ms. */
export function slimeGif(): Promise<Buffer> {
  const open = frame(['w', 'k']);
  const closed = frame(['g', 'k']);
  return sharp(Buffer.concat([open, closed]), { raw: { width: 16, height: 32, channels: 4, pageHeight: 16 } })
    .gif({ delay: [600, 150], loop: 0 })
    .toBuffer();
}
