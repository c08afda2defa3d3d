import { posts, users } from '@makapix/db';
import type { PostSummary } from '@makapix/protocol';
import { artUrl, upscaledUrl, type VaultExt } from '@makapix/vault';

// A post as every list shows it (feeds, search, profiles, playlists, the moderation queue): the
// columns lists select and the presenter of the summary shape (@makapix/protocol http/posts.ts).
// Every vault URL is built by @makapix/vault (docs/device-protocol.md §8).

export interface PublicIds {
  encode(id: number): string;
}

/** The columns `toPostSummary` needs, for every list query (feeds, search, profile). */
export const summaryColumns = {
  id: posts.id,
  ownerId: posts.ownerId,
  title: posts.title,
  hashtags: posts.hashtags,
  state: posts.state,
  storageKey: posts.storageKey,
  nativeFormat: posts.nativeFormat,
  width: posts.width,
  height: posts.height,
  frameCount: posts.frameCount,
  createdAt: posts.createdAt,
};

/** A list row with its owner's handle; lists select it by joining `users` on the owner. */
export const listColumns = { ...summaryColumns, ownerHandle: users.handle };

/** The columns a summary needs (what feed and search queries select). */
export interface SummaryRow {
  id: number;
  ownerId: number;
  title: string;
  hashtags: string[];
  state: 'processing' | 'ready' | 'failed';
  storageKey: string | null;
  nativeFormat: VaultExt | null;
  width: number | null;
  height: number | null;
  frameCount: number | null;
  createdAt: Date;
}

/** A row of a post list: the summary with its owner's handle (listColumns). */
export interface ListRow extends SummaryRow {
  ownerHandle: string;
}

/** Files exist only once the worker has finished (state ready, docs/product.md §2). */
export const hasFiles = (row: SummaryRow): row is SummaryRow & { storageKey: string; nativeFormat: VaultExt } =>
  row.state === 'ready' && row.storageKey !== null && row.nativeFormat !== null;

export function toPostSummary(row: SummaryRow, ownerHandle: string, ids: PublicIds, vaultBaseUrl: string): PostSummary {
  const ready = hasFiles(row);
  return {
    id: ids.encode(row.id),
    title: row.title,
    hashtags: row.hashtags,
    state: row.state,
    owner: { id: ids.encode(row.ownerId), handle: ownerHandle },
    width: row.width,
    height: row.height,
    nativeFormat: row.nativeFormat,
    frameCount: row.frameCount,
    artUrl: ready ? artUrl(vaultBaseUrl, row.storageKey, row.nativeFormat) : null,
    upscaledUrl: ready ? upscaledUrl(vaultBaseUrl, row.storageKey) : null,
    createdAt: row.createdAt.toISOString(),
  };
}
