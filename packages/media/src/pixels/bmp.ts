/**
 * BMP writer (sharp has no BMP encoder). Opaque images become classic 24-bit BITMAPINFOHEADER files
 * that every reader handles; images with any transparency become 32-bit BGRA with a BITMAPV4HEADER
 * and explicit BI_BITFIELDS masks, the form that carries alpha unambiguously. Rows are stored
 * bottom-up, padded to 4 bytes, uncompressed: what the p3a firmware and browsers read.
 */

const FILE_HEADER = 14;
const INFO_HEADER = 40;
const V4_HEADER = 108;
const BI_RGB = 0;
const BI_BITFIELDS = 3;
/** 2835 px/m = 72 dpi, the conventional value. */
const PIXELS_PER_METRE = 2835;

export function encodeBmp(rgba: Uint8Array, width: number, height: number): Uint8Array {
  let opaque = true;
  for (let i = 3; i < rgba.length; i += 4) {
    if (rgba[i] !== 255) {
      opaque = false;
      break;
    }
  }
  const bpp = opaque ? 24 : 32;
  const headerSize = opaque ? INFO_HEADER : V4_HEADER;
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  const dataOffset = FILE_HEADER + headerSize;
  const out = new Uint8Array(dataOffset + stride * height);
  const view = new DataView(out.buffer);

  out[0] = 0x42; // 'B'
  out[1] = 0x4d; // 'M'
  view.setUint32(2, out.length, true);
  view.setUint32(10, dataOffset, true);
  view.setUint32(14, headerSize, true);
  view.setInt32(18, width, true);
  view.setInt32(22, height, true); // positive: bottom-up rows
  view.setUint16(26, 1, true);
  view.setUint16(28, bpp, true);
  view.setUint32(30, opaque ? BI_RGB : BI_BITFIELDS, true);
  view.setUint32(34, stride * height, true);
  view.setInt32(38, PIXELS_PER_METRE, true);
  view.setInt32(42, PIXELS_PER_METRE, true);
  if (!opaque) {
    view.setUint32(54, 0x00ff0000, true); // red
    view.setUint32(58, 0x0000ff00, true); // green
    view.setUint32(62, 0x000000ff, true); // blue
    view.setUint32(66, 0xff000000, true); // alpha
    view.setUint32(70, 0x73524742, true); // 'sRGB' colour space (LCS_sRGB)
  }

  const bytesPerPixel = bpp / 8;
  for (let y = 0; y < height; y++) {
    let o = dataOffset + (height - 1 - y) * stride;
    for (let x = 0; x < width; x++, o += bytesPerPixel) {
      const i = (y * width + x) * 4;
      out[o] = rgba[i + 2] as number;
      out[o + 1] = rgba[i + 1] as number;
      out[o + 2] = rgba[i] as number;
      if (!opaque) out[o + 3] = rgba[i + 3] as number;
    }
  }
  return out;
}
