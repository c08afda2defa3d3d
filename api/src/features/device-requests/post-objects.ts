import {
  type ArtworkObject,
  DEFAULT_DWELL_TIME_MS,
  type IncludeField,
  type PlaylistObject,
  type PostObject,
  projectArtwork,
} from '@makapix/protocol';
import { artUrl } from '@makapix/vault';
import type { Database } from '@makapix/db';
import type { Viewer } from '../../domain/visibility.ts';
import { listPlaylistArtworks, type PostRow } from './posts-repo.ts';

// docs/device-protocol.md §5 "Artwork object" / "Playlist object": rows → wire objects, nulls omitted.

function artworkObject(row: PostRow, include: readonly IncludeField[], vaultBaseUrl: string, dwellTimeMs?: number): ArtworkObject {
  if (row.storageKey === null || row.storageShard === null || row.nativeFormat === null) {
    // The repo only returns ready artworks, whose CHECK constraint guarantees these columns.
    throw new Error(`artwork ${row.id} has no stored file`);
  }
  return projectArtwork(
    {
      post_id: row.id,
      kind: 'artwork',
      created_at: row.createdAt.toISOString(),
      storage_key: row.storageKey,
      art_url: artUrl(vaultBaseUrl, row.storageKey, row.nativeFormat),
      storage_shard: row.storageShard,
      native_format: row.nativeFormat,
      owner_handle: row.ownerHandle,
      metadata_modified_at: row.metadataModifiedAt.toISOString(),
      artwork_modified_at: row.artworkModifiedAt?.toISOString() ?? null,
      width: row.width,
      height: row.height,
      frame_count: row.frameCount,
      dwell_time_ms: dwellTimeMs ?? null,
      transparency_actual: row.transparencyActual,
      alpha_actual: row.alphaActual,
    },
    include,
  );
}

function playlistObject(row: PostRow, artworks: ArtworkObject[]): PlaylistObject {
  return {
    post_id: row.id,
    kind: 'playlist',
    owner_handle: row.ownerHandle,
    created_at: row.createdAt.toISOString(),
    metadata_modified_at: row.metadataModifiedAt.toISOString(),
    total_artworks: artworks.length,
    dwell_time_ms: DEFAULT_DWELL_TIME_MS,
    artworks,
  };
}

/**
 * Builds the wire objects for a page of posts. Playlists carry `artworks[]` (the firmware looks for
 * it): the items the owner may see and a device can play, each with its own dwell time, so
 * `total_artworks` counts what the device actually gets.
 */
export async function toPostObjects(
  db: Database,
  rows: readonly PostRow[],
  opts: { include: readonly IncludeField[]; viewer: Viewer; vaultBaseUrl: string },
): Promise<PostObject[]> {
  const playlistIds = rows.filter((r) => r.kind === 'playlist').map((r) => r.id);
  const items = await listPlaylistArtworks(db, playlistIds, opts.viewer);
  const itemInclude: IncludeField[] = [...new Set<IncludeField>([...opts.include, 'dwell_time_ms'])];
  const byPlaylist = new Map<number, ArtworkObject[]>();
  for (const item of items) {
    const list = byPlaylist.get(item.playlistId) ?? [];
    list.push(artworkObject(item, itemInclude, opts.vaultBaseUrl, item.dwellTimeMs));
    byPlaylist.set(item.playlistId, list);
  }
  return rows.map((row) =>
    row.kind === 'playlist' ? playlistObject(row, byPlaylist.get(row.id) ?? []) : artworkObject(row, opts.include, opts.vaultBaseUrl),
  );
}
