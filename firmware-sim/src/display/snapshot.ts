import sharp from 'sharp';
import type { Picture } from './pixels.ts';

/** Pixels per panel pixel in a snapshot: a half-block cell is one pixel wide and half a cell high. */
export const SNAPSHOT_SCALE = 8;

/**
 * The screen as a PNG: the same picture the half blocks were drawn from, each pixel a SCALE×SCALE
 * square (nearest neighbour), with the status line typeset under it in a monospace font, as a
 * terminal shows it.
 */
export async function snapshotPng(picture: Picture, statusLine: string, scale = SNAPSHOT_SCALE): Promise<Buffer> {
  // Nothing on the panel yet (or an artwork that could not be shown): the status line alone.
  const art = picture.width === 0 || picture.height === 0
    ? null
    : await sharp(Buffer.from(picture.rgb), { raw: { width: picture.width, height: picture.height, channels: 3 } })
      .resize(picture.width * scale, picture.height * scale, { kernel: 'nearest' })
      .png()
      .toBuffer();
  const escaped = statusLine.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const text = await sharp({ text: { text: `<span foreground="#d0d0d0">${escaped}</span>`, font: 'DejaVu Sans Mono 11', rgba: true, dpi: 96 } })
    .png()
    .toBuffer({ resolveWithObject: true });
  const pad = 8;
  const width = Math.max(picture.width * scale, text.info.width) + pad * 2;
  const height = picture.height * scale + text.info.height + pad * 3;
  return sharp({ create: { width, height, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .composite([
      ...(art ? [{ input: art, left: pad, top: pad }] : []),
      { input: text.data, left: pad, top: picture.height * scale + pad * 2 },
    ])
    .png()
    .toBuffer();
}

/** The picture region of a snapshot back as RGB, one sample per panel pixel (for tests). */
export async function pictureOfSnapshot(png: Buffer, width: number, height: number, scale = SNAPSHOT_SCALE): Promise<Picture> {
  const pad = 8;
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const src = ((pad + y * scale + scale / 2) * info.width + pad + x * scale + scale / 2) * 3;
      rgb.set(data.subarray(src, src + 3), (y * width + x) * 3);
    }
  }
  return { width, height, rgb };
}
