import { readFile } from 'node:fs/promises';
import type { CaMaterial } from '@makapix/pki';

export interface PkiFiles {
  caCertFile: string;
  caKeyFile: string;
  crlFile: string;
}

const cache = new Map<string, Promise<CaMaterial>>();

/**
 * The platform CA (docs/device-protocol.md §1) read from the configured files once per process; a failed read is
 * not cached, so a CA created after start-up (dev command) is picked up by the next request.
 */
export function loadCaMaterial(files: Pick<PkiFiles, 'caCertFile' | 'caKeyFile'>): Promise<CaMaterial> {
  const cacheKey = `${files.caCertFile}\0${files.caKeyFile}`;
  let pending = cache.get(cacheKey);
  if (!pending) {
    pending = Promise.all([readFile(files.caCertFile, 'utf8'), readFile(files.caKeyFile, 'utf8')]).then(([certPem, keyPem]) => ({ certPem, keyPem }));
    pending.catch(() => cache.delete(cacheKey));
    cache.set(cacheKey, pending);
  }
  return pending;
}
