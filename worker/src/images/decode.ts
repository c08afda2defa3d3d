import { type ImageHeader, ImageHeaderError } from '@makapix/media';
import { decodeBmp } from '@makapix/media/pixels/bmp-decode';
import type { RgbaImage } from '@makapix/media/pixels/frames';
import { SharpDecodeError, decodeWithSharp } from '@makapix/media/pixels/sharp-pipeline';

/** The file cannot be decoded as what its header claims: a permanent failure (docs/product.md §6). */
export class CorruptImageError extends Error {
  override readonly name = 'CorruptImageError';
}

/**
 * Decodes an upload that already passed checkUploadRules, and insists the pixels agree with the
 * header (size and frame count) so metadata read from headers describes what was decoded.
 */
export async function decodeArtwork(bytes: Uint8Array, header: ImageHeader): Promise<RgbaImage> {
  let image: RgbaImage;
  try {
    image = header.format === 'bmp' ? decodeBmp(bytes) : await decodeWithSharp(bytes);
  } catch (err) {
    if (err instanceof ImageHeaderError || err instanceof SharpDecodeError) {
      throw new CorruptImageError(`the image could not be decoded: ${err.message}`);
    }
    throw err;
  }
  if (image.width !== header.width || image.height !== header.height) {
    throw new CorruptImageError(`the image decodes to ${image.width}×${image.height}, not the ${header.width}×${header.height} its header declares`);
  }
  if (image.frames.length !== header.frameCount) {
    throw new CorruptImageError(`the image decodes to ${image.frames.length} frames, not the ${header.frameCount} its header declares`);
  }
  return image;
}
