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
// S3VaultStore is reached through createVaultStore or '@makapix/vault/s3-store': the AWS SDK stays unloaded otherwise.
export type { S3VaultStoreOptions } from './s3-store.ts';
export { type VaultStoreConfig, createVaultStore, describeVaultStore } from './create-store.ts';
export { type ArtworkFile, type DeleteArtworkOptions, deleteArtworkFiles, writeArtworkFiles } from './artwork-files.ts';
export {
  type IncomingDir,
  type IncomingEntry,
  incomingPath,
  incomingTempPath,
  listIncomingOlderThan,
  parseIncomingName,
  readIncoming,
  removeIncoming,
  removeIncomingEntry,
  writeIncoming,
} from './incoming.ts';
