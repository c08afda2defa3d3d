import { createHash } from 'node:crypto';
import { type ImageFormat, type ImageHeader, type UploadRuleCode, checkUploadRules } from '@makapix/media';
import { decodeArtwork } from '../images/decode.ts';
import { analyzePixels } from '@makapix/media/pixels/frames';
import { type RenditionSet, buildRenditions } from '../images/renditions.ts';

/** docs/product.md §2 "extracted on upload and stored": the post columns process-artwork fills. */
export interface ArtworkMetadata {
  nativeFormat: ImageFormat;
  width: number;
  height: number;
  fileBytes: number;
  frameCount: number;
  /** Null for stills: a single frame has no display time. */
  minFrameDurationMs: number | null;
  maxFrameDurationMs: number | null;
  totalDurationMs: number | null;
  uniqueColors: number;
  transparencyMeta: boolean;
  alphaMeta: boolean;
  transparencyActual: boolean;
  alphaActual: boolean;
  sha256: string;
}

export interface ProcessedArtwork {
  header: ImageHeader;
  metadata: ArtworkMetadata;
  renditions: RenditionSet;
}

/** The upload breaks a docs/product.md §2 rule (re-checked here: the worker never trusts the api's check). */
export class UploadRuleError extends Error {
  override readonly name = 'UploadRuleError';

  constructor(
    readonly code: UploadRuleCode,
    message: string,
  ) {
    super(message);
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Everything process-artwork does that needs no database or vault: validate, decode, measure,
 * render. Throws UploadRuleError / CorruptImageError for bad files (permanent failures).
 */
export async function processArtworkBytes(bytes: Uint8Array): Promise<ProcessedArtwork> {
  const check = checkUploadRules({ bytes });
  if (!check.ok) throw new UploadRuleError(check.code, check.message);
  const { header } = check;
  const image = await decodeArtwork(bytes, header);
  const facts = analyzePixels(image);
  const renditions = await buildRenditions(bytes, header, image, facts.transparencyActual);
  const durations = header.animated ? header.frameDurationsMs : [];
  const metadata: ArtworkMetadata = {
    nativeFormat: header.format,
    width: header.width,
    height: header.height,
    fileBytes: bytes.length,
    frameCount: header.frameCount,
    minFrameDurationMs: durations.length ? Math.min(...durations) : null,
    maxFrameDurationMs: durations.length ? Math.max(...durations) : null,
    totalDurationMs: durations.length ? durations.reduce((a, b) => a + b, 0) : null,
    uniqueColors: facts.uniqueColors,
    transparencyMeta: header.hasTransparencyDeclared,
    alphaMeta: header.hasAlphaDeclared,
    transparencyActual: facts.transparencyActual,
    alphaActual: facts.alphaActual,
    sha256: sha256Hex(bytes),
  };
  return { header, metadata, renditions };
}
