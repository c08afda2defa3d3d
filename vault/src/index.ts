export {
  VAULT_EXTS,
  type VaultExt,
  VaultPathError,
  assertStorageKey,
  assertVaultExt,
  isStorageKey,
  isVaultExt,
} from './paths.ts';
export {
  type ArtworkPathInfo,
  aliasPath,
  artUrl,
  canonicalPath,
  deviceAliasShard,
  parseArtworkPath,
  storageShard,
  upscaledAliasPath,
  upscaledName,
  upscaledPath,
  upscaledUrl,
} from './paths.ts';
export { type VaultFileStat, type VaultStore, VaultFullError, assertRelPath } from './store.ts';
export { LocalVaultStore, type LocalVaultStoreOptions } from './local-store.ts';
export { type ArtworkFile, type DeleteArtworkOptions, deleteArtworkFiles, writeArtworkFiles } from './artwork-files.ts';
