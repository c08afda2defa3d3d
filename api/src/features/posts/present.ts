import type { PostDetail, PostFiles, PostStats } from '@makapix/protocol';
import { artUrl, upscaledUrl, VAULT_EXTS, type VaultExt } from '@makapix/vault';
import { hasFiles, type ListRow, type PublicIds, type SummaryRow, toPostSummary } from '../../domain/post-summary.ts';

// Rows → the artwork page's JSON shape (schemas in @makapix/protocol http/posts.ts); the summary
// every list shows is the domain's (domain/post-summary.ts). Every vault URL is built by
// @makapix/vault (docs/device-protocol.md §8).

export interface DetailRow extends ListRow {
  description: string | null;
  fileBytes: number | null;
  minFrameDurationMs: number | null;
  maxFrameDurationMs: number | null;
  totalDurationMs: number | null;
  uniqueColors: number | null;
  transparencyMeta: boolean | null;
  transparencyActual: boolean | null;
  alphaMeta: boolean | null;
  alphaActual: boolean | null;
  failureReason: string | null;
  approvedAt: Date | null;
  promotedAt: Date | null;
  hiddenByOwnerAt: Date | null;
  hiddenByModAt: Date | null;
  pendingStorageKey: string | null;
  metadataModifiedAt: Date;
  artworkModifiedAt: Date | null;
}

const ANIMATED_RENDITIONS: readonly VaultExt[] = ['gif', 'webp'];

/** GIF holds ≤256 colours per frame and no partial alpha (pixelKey in packages/media/src/pixels/frames.ts). */
export const GIF_MAX_COLORS = 256;

/**
 * The formats the worker wrote (docs/product.md §2): every target format, except that a GIF rendition is
 * only written when it can be pixel-exact — never smoothed or dithered — which the stored pixel
 * facts tell: at most 256 colours in every frame and no partially transparent pixel.
 */
export function renditionFormats(row: RenditionFacts): VaultExt[] {
  const targets = (row.frameCount ?? 1) > 1 ? ANIMATED_RENDITIONS : VAULT_EXTS;
  const gifExact = row.alphaActual === false && row.uniqueColors !== null && row.uniqueColors <= GIF_MAX_COLORS;
  return targets.filter((f) => f !== 'gif' || row.nativeFormat === 'gif' || gifExact);
}

export type RenditionFacts = Pick<DetailRow, 'frameCount' | 'nativeFormat' | 'uniqueColors' | 'alphaActual'>;

/** Files exist only once the worker has finished (state ready, docs/product.md §2). */
export function filesOf(row: SummaryRow & RenditionFacts, vaultBaseUrl: string): PostFiles | null {
  if (!hasFiles(row)) return null;
  const key = row.storageKey;
  return {
    artUrl: artUrl(vaultBaseUrl, key, row.nativeFormat),
    upscaledUrl: upscaledUrl(vaultBaseUrl, key),
    renditions: renditionFormats(row).map((format) => ({ format, url: artUrl(vaultBaseUrl, key, format) })),
  };
}

export interface DetailExtras {
  counts: PostDetail['counts'];
  /** Present only when the viewer is the artist. */
  ownerStats: PostStats | null;
}

export function toPostDetail(row: DetailRow, extras: DetailExtras, ids: PublicIds, vaultBaseUrl: string): PostDetail {
  return {
    ...toPostSummary(row, row.ownerHandle, ids, vaultBaseUrl),
    kind: 'artwork',
    description: row.description,
    fileBytes: row.fileBytes,
    minFrameDurationMs: row.minFrameDurationMs,
    maxFrameDurationMs: row.maxFrameDurationMs,
    totalDurationMs: row.totalDurationMs,
    uniqueColors: row.uniqueColors,
    transparency: { declared: row.transparencyMeta, actual: row.transparencyActual },
    alpha: { declared: row.alphaMeta, actual: row.alphaActual },
    approved: row.approvedAt !== null,
    promoted: row.promotedAt !== null,
    metadataModifiedAt: row.metadataModifiedAt.toISOString(),
    artworkModifiedAt: row.artworkModifiedAt?.toISOString() ?? null,
    files: filesOf(row, vaultBaseUrl),
    counts: extras.counts,
    ownerInfo: extras.ownerStats
      ? {
          failureReason: row.failureReason,
          hiddenByOwner: row.hiddenByOwnerAt !== null,
          hiddenByModerator: row.hiddenByModAt !== null,
          replacementPending: row.pendingStorageKey !== null,
          stats: extras.ownerStats,
        }
      : null,
  };
}
