import { type CaFiles, type EnsuredCa, ensureCaFiles } from '@makapix/pki';

export type DevCaFiles = CaFiles;
export type DevCa = EnsuredCa;

/**
 * Creates (once) a development certificate authority: CA, broker server certificate and an empty CRL.
 * Reuses what is on disk, so device certificates stay valid across restarts; the broker certificate
 * is re-issued when the configured SAN list changes (devices verify the host name, docs/device-protocol.md §1).
 * Production creates the same files with `packages/pki/src/cli/ca-init.ts` (docker-compose `ca-init`).
 */
export function ensureDevCa(opts: { dir: string; sans?: string[] }): Promise<DevCa> {
  return ensureCaFiles({ dir: opts.dir, sans: opts.sans, commonName: 'Makapix Club Dev CA' });
}
