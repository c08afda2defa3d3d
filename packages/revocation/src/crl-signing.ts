import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '@makapix/db';
import { buildCrl, crlNeedsRenewal, parseCrl } from '@makapix/pki';
import { loadCaMaterial, type PkiFiles } from './ca-files.ts';
import { countRevokedSerials, findLatestCrl, insertCrl, listRevokedSerials, lockCrlSigning } from './crl-repo.ts';

// docs/device-protocol.md §2.7: the CRL is signed by the CA, next-update 30 days out, re-signed on every
// revocation and when ≤7 days remain. The broker polls CRL_FILE and swaps it in without restart.
export const CRL_NEXT_UPDATE_DAYS = 30;
export const CRL_RENEW_WHEN_DAYS_LEFT = 7;

export interface CrlDeps {
  db: Database;
  pki: PkiFiles;
}

export interface SignedCrl {
  crlNumber: number;
  thisUpdate: Date;
  nextUpdate: Date;
  pem: string;
}

/**
 * Writes beside the target and renames over it: the broker never reads a half-written file (and
 * refuses one that does not verify anyway, keeping the previous CRL).
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, content, { mode: 0o644 });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Signs a CRL listing every revoked serial, records it and writes it to CRL_FILE. An advisory lock
 * orders concurrent signers (api processes, the renew-crl job), so crl numbers only grow and the
 * file on disk is always the newest list. The number is also at least the current Unix time, so it
 * stays above a CRL made before any was recorded (the dev CA's initial one uses that default).
 */
export async function resignCrl(deps: CrlDeps, now: Date = new Date()): Promise<SignedCrl> {
  const ca = await loadCaMaterial(deps.pki);
  return deps.db.transaction(async (tx) => {
    await lockCrlSigning(tx);
    const latest = await findLatestCrl(tx);
    const revoked = await listRevokedSerials(tx);
    const crlNumber = Math.max((latest?.crlNumber ?? 0) + 1, Math.floor(now.getTime() / 1000));
    const pem = buildCrl({ ca, revoked, thisUpdate: now, nextUpdateDays: CRL_NEXT_UPDATE_DAYS, crlNumber });
    const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const nextUpdate = new Date(thisUpdate.getTime() + CRL_NEXT_UPDATE_DAYS * 86_400_000);
    await insertCrl(tx, { crlNumber, crlPem: pem, thisUpdate, nextUpdate });
    await writeFileAtomic(deps.pki.crlFile, pem);
    return { crlNumber, thisUpdate, nextUpdate, pem };
  });
}

export type CrlRenewal = { action: 'resigned'; crl: SignedCrl } | { action: 'rewritten' | 'none'; crlNumber: number };

/**
 * For the renew-crl job (docs/product.md §6): re-signs when no CRL was recorded yet, when ≤7 days remain, or
 * when a revocation is missing from it (a re-sign that failed after its revocation was committed);
 * otherwise makes sure CRL_FILE holds the newest recorded CRL (a restored or replaced file).
 */
export async function renewCrlIfDue(deps: CrlDeps, now: Date = new Date()): Promise<CrlRenewal> {
  const latest = await findLatestCrl(deps.db);
  const incomplete = latest !== null && parseCrl(latest.crlPem).serials.length < (await countRevokedSerials(deps.db));
  if (!latest || incomplete || crlNeedsRenewal(latest.crlPem, now, CRL_RENEW_WHEN_DAYS_LEFT)) {
    return { action: 'resigned', crl: await resignCrl(deps, now) };
  }
  // Under the signing lock, so a CRL signed meanwhile is never overwritten by an older one.
  return deps.db.transaction(async (tx) => {
    await lockCrlSigning(tx);
    const newest = (await findLatestCrl(tx)) ?? latest;
    const onDisk = await readFile(deps.pki.crlFile, 'utf8').catch(() => null);
    if (onDisk === newest.crlPem) return { action: 'none', crlNumber: newest.crlNumber };
    await writeFileAtomic(deps.pki.crlFile, newest.crlPem);
    return { action: 'rewritten', crlNumber: newest.crlNumber };
  });
}
