import { aliasPath, canonicalPath, type VaultExt } from '@makapix/vault/paths';
import type { NativeFormat } from '@makapix/protocol';

// docs/device-protocol.md §8: the p3a derives the download path of channel artworks itself, from the storage key
// alone: two shard levels from SHA-256(storage_key) (`d[0] & 0x3F`, `d[1] & 0x3F`). The layout lives
// in @makapix/vault (the one module that knows vault paths); only the format rule is the device's.

/** Formats the p3a decoder plays natively; anything else is fetched as the `.webp` rendition. */
export const DEVICE_PLAYABLE_FORMATS = ['webp', 'gif', 'png', 'jpg'] as const;

export function deviceExtension(nativeFormat: NativeFormat | string): VaultExt {
  return (DEVICE_PLAYABLE_FORMATS as readonly string[]).includes(nativeFormat) && nativeFormat !== 'jpg'
    ? (nativeFormat as VaultExt)
    : 'webp';
}

/** The URL a channel artwork is downloaded from: `{vault}/{a}/{b}/{storage_key}.{ext}`. */
export function deviceArtworkUrl(vaultBaseUrl: string, storageKey: string, nativeFormat: NativeFormat | string): string {
  return `${vaultBaseUrl.replace(/\/+$/, '')}/${aliasPath(storageKey, deviceExtension(nativeFormat))}`;
}

/** `show_artwork` carries the canonical shard; the firmware uses it as given. */
export function shownArtworkUrl(vaultBaseUrl: string, storageKey: string, nativeFormat: NativeFormat | string): string {
  return `${vaultBaseUrl.replace(/\/+$/, '')}/${canonicalPath(storageKey, deviceExtension(nativeFormat))}`;
}

/** The vault base of an `art_url` (`{base}/{h1}/{h2}/{h3}/{key}.{ext}`), or null if it is not one. */
export function vaultBaseOf(artUrl: string): string | null {
  const m = /^(.*)\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f-]{36}\.[a-z]+$/.exec(artUrl);
  return m ? m[1]! : null;
}
