/** docs/product.md §2 upload limits. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
export const MAX_SIDE = 256;
export const MAX_FRAMES = 1024;
/** Both sides at least this → any size up to MAX_SIDE. */
export const FREE_SIZE_MIN_SIDE = 128;

/**
 * Decoded RGBA bytes (width × height × frames × 4) the worker may be asked to hold for one upload.
 * Everything docs/product.md §2 allows fits (256 × 256 × 1024 × 4 = 256 MiB exactly); anything above is
 * refused from the header before a decoder allocates a byte.
 */
export const DECODE_BUDGET_BYTES = 256 * 1024 * 1024;

export const decodedBytes = (width: number, height: number, frames: number) => width * height * frames * 4;
