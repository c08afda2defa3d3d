import { VaultPathError } from './paths.ts';

/**
 * Storage behind the vault: local disk by default, an S3-compatible bucket when configured
 * (docs/product.md §2). Paths are vault-relative with `/` separators, as built by paths.ts.
 */
export interface VaultStore {
  /** Atomic: readers see the old file or the whole new one, never a partial write. */
  put(relPath: string, bytes: Uint8Array): Promise<void>;
  /** Null when absent. */
  get(relPath: string): Promise<Uint8Array | null>;
  exists(relPath: string): Promise<boolean>;
  /** True when a file was removed; deleting a missing file is not an error. */
  delete(relPath: string): Promise<boolean>;
  /** Every file under a directory prefix ('' for all), as relative paths. */
  list(prefix?: string): AsyncIterable<string>;
  /** Null when absent. */
  stat(relPath: string): Promise<VaultFileStat | null>;
  /**
   * Removes the store's own temp files older than `olderThanMs`, left by a write killed between
   * create and rename (docs/product.md §6 cleanup). Returns how many were removed; never touches vault files.
   */
  sweepTempFiles(olderThanMs: number): Promise<number>;
  /** Releases pooled connections (the S3 store); local disk holds none. */
  close?(): Promise<void>;
}

export interface VaultFileStat {
  size: number;
  modifiedAt: Date;
}

/** docs/product.md §2: a write that would take free space under the configured floor is refused. */
export class VaultFullError extends Error {
  override readonly name = 'VaultFullError';
  readonly code = 'vault_full';

  constructor(
    readonly relPath: string,
    readonly requestedBytes: number,
    readonly freeBytes: number,
    readonly minFreeBytes: number,
  ) {
    super(
      `vault full: writing ${requestedBytes} bytes to ${relPath} would leave ${freeBytes - requestedBytes} ` +
        `of ${freeBytes} free bytes, under the ${minFreeBytes}-byte floor`,
    );
  }
}

/**
 * Segments start with a letter or digit, so `.`/`..` and the stores' own dot-prefixed temp files can
 * never be named; no absolute paths, backslashes or empty segments.
 */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function assertRelPath(relPath: string, { allowEmpty = false } = {}): void {
  if (allowEmpty && relPath === '') return;
  if (relPath.length > 1024 || !relPath.split('/').every((segment) => SEGMENT.test(segment))) {
    throw new VaultPathError(`invalid vault path: ${JSON.stringify(relPath)}`);
  }
}
