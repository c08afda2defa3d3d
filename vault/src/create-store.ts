import { LocalVaultStore } from './local-store.ts';
import type { S3VaultStoreOptions } from './s3-store.ts';
import type { VaultStore } from './store.ts';

/**
 * Where a process's vault lives, as its config.ts parsed it. The local fields are always present
 * (the dev default); `s3` replaces them when a bucket is configured (docs/product.md §2, §7).
 */
export interface VaultStoreConfig {
  dir: string;
  /** docs/product.md §2 free-space floor; meaningful on local disk only (see S3VaultStore). */
  minFreeBytes?: number;
  s3?: S3VaultStoreOptions | null;
}

/**
 * The one place that decides local disk or bucket, so every process that writes or reads vault files
 * agrees on it from the same variables.
 *
 * Async because the S3 store is imported only when configured: the AWS SDK takes about half a second
 * to load, and most importers of @makapix/vault (the api's URL builders) never need it.
 */
export async function createVaultStore(config: VaultStoreConfig): Promise<VaultStore> {
  if (config.s3) {
    const { S3VaultStore } = await import('./s3-store.ts');
    return new S3VaultStore(config.s3);
  }
  return new LocalVaultStore(config.dir, { minFreeBytes: config.minFreeBytes ?? 0 });
}

/** Which backend a config selects, for start-up logs (never includes credentials). */
export function describeVaultStore(config: VaultStoreConfig): string {
  if (!config.s3) return `local:${config.dir}`;
  const { bucket, endpoint, prefix } = config.s3;
  return `s3:${endpoint ? `${endpoint.replace(/\/+$/, '')}/` : ''}${bucket}${prefix ? `/${prefix}` : ''}`;
}
