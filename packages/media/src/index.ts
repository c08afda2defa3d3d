// @makapix/media: docs/product.md §2 upload rules from headers alone, shared by the api (at upload) and the worker.
export { IMAGE_FORMATS, type ImageFormat, sniffFormat } from './sniff.ts';
export { ImageHeaderError, type ImageHeaderErrorCode } from './errors.ts';
export type { ImageHeader } from './header-types.ts';
export { readImageHeader } from './header.ts';
export { type BmpLayout, type BmpMasks, countTrailingZeros, parseBmpLayout } from './bmp.ts';
export { type RiffChunk, readRiffChunks } from './webp.ts';
export { crc32 } from './png.ts';
export {
  DECODE_BUDGET_BYTES,
  FREE_SIZE_MIN_SIDE,
  MAX_FRAMES,
  MAX_SIDE,
  MAX_UPLOAD_BYTES,
  decodedBytes,
} from './limits.ts';
export {
  SMALL_SIZES,
  UPLOAD_RULE_CODES,
  type UploadCheck,
  type UploadRuleCode,
  checkUploadRules,
  isAllowedDimensions,
} from './rules.ts';
