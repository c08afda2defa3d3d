/**
 * Why an image header could not be read. `corrupt_image` covers truncated and malformed files;
 * `unsupported_format` a well-formed file using a variant the platform does not accept (an animated
 * PNG, a BMP wrapping JPEG data). Both map one-to-one onto upload rule codes (docs/product.md §2).
 */
export type ImageHeaderErrorCode = 'corrupt_image' | 'unsupported_format';

export class ImageHeaderError extends Error {
  override readonly name = 'ImageHeaderError';

  constructor(
    readonly code: ImageHeaderErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const corrupt = (message: string) => new ImageHeaderError('corrupt_image', message);
export const unsupported = (message: string) => new ImageHeaderError('unsupported_format', message);
