import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDb, type DbHandle, revokedCertificates } from '@makapix/db';
import { createTestDatabase, type TestDatabase } from '@makapix/db/test-helpers';
import { ensureCaFiles, parseCrl, randomSerialHex, verifyCrlSignedBy } from '@makapix/pki';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCaMaterial, renewCrlIfDue, resignCrl, writeFileAtomic, type CrlDeps } from '../src/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    scratchDir: string;
  }
}

// The package's own database and CA (no api): the CRL is signed the same way by the api on every
// revocation and by the worker's renew-crl job (docs/device-protocol.md §2.7).
describe('CRL signing and the renew-crl check (docs/device-protocol.md §2.7)', () => {
  let database: TestDatabase;
  let handle: DbHandle;
  let dir: string;
  let deps: CrlDeps;
  let t: { crlFile: string; caCertFile: string };
  beforeAll(async () => {
    database = await createTestDatabase(inject('databaseUrl'));
    handle = createDb(database.url, { max: 4 });
    dir = await mkdtemp(path.join(inject('scratchDir'), 'revocation-'));
    const ca = await ensureCaFiles({ dir, commonName: 'Revocation test CA' });
    deps = { db: handle.db, pki: { caCertFile: ca.files.caCert, caKeyFile: ca.files.caKey, crlFile: ca.files.crl } };
    t = { crlFile: ca.files.crl, caCertFile: ca.files.caCert };
  });
  afterAll(async () => {
    await handle.close();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('signs when none was recorded, then only when at most 7 days remain', async () => {
    const first = await renewCrlIfDue(deps);
    expect(first.action).toBe('resigned');
    expect((await renewCrlIfDue(deps)).action).toBe('none');
    const inTwentyTwoDays = new Date(Date.now() + 22 * 86_400_000);
    expect((await renewCrlIfDue(deps, inTwentyTwoDays)).action).toBe('none');
    const inTwentyFourDays = new Date(Date.now() + 24 * 86_400_000);
    const due = await renewCrlIfDue(deps, inTwentyFourDays);
    expect(due.action).toBe('resigned');
    if (first.action !== 'resigned' || due.action !== 'resigned') throw new Error('unreachable');
    expect(due.crl.crlNumber).toBeGreaterThan(first.crl.crlNumber);
    expect(parseCrl(await readFile(t.crlFile, 'utf8')).crlNumber).toBe(BigInt(due.crl.crlNumber));
  });

  it('restores the newest recorded CRL when the file differs', async () => {
    const signed = await resignCrl(deps);
    await writeFile(t.crlFile, 'garbage');
    const res = await renewCrlIfDue(deps);
    expect(res).toEqual({ action: 'rewritten', crlNumber: signed.crlNumber });
    expect(await readFile(t.crlFile, 'utf8')).toBe(signed.pem);
  });

  it('lists every revoked serial and numbers concurrent signatures distinctly', async () => {
    const serials = [randomSerialHex(), randomSerialHex()];
    await handle.db.insert(revokedCertificates).values(serials.map((serial) => ({ serial, reason: 'test' })));
    const results = await Promise.all([resignCrl(deps), resignCrl(deps), resignCrl(deps)]);
    expect(new Set(results.map((r) => r.crlNumber)).size).toBe(3);
    const onDisk = parseCrl(await readFile(t.crlFile, 'utf8'));
    expect(onDisk.crlNumber).toBe(BigInt(Math.max(...results.map((r) => r.crlNumber))));
    for (const serial of serials) expect(onDisk.serials).toContain(serial);
  });

  it('re-signs when a committed revocation is missing from the newest CRL', async () => {
    await resignCrl(deps);
    const serial = randomSerialHex();
    await handle.db.insert(revokedCertificates).values({ serial, reason: 'test' });
    const res = await renewCrlIfDue(deps);
    expect(res.action).toBe('resigned');
    expect(parseCrl(await readFile(t.crlFile, 'utf8')).serials).toContain(serial);
    expect((await renewCrlIfDue(deps)).action).toBe('none');
  });
  it('signs with the platform CA, listing nothing before any revocation', async () => {
    const fresh = await resignCrl(deps);
    const caPem = await readFile(t.caCertFile, 'utf8');
    expect(verifyCrlSignedBy(fresh.pem, caPem)).toBe(true);
    expect(fresh.nextUpdate.getTime() - fresh.thisUpdate.getTime()).toBe(30 * 86_400_000);
  });

  it('replaces a file atomically and leaves no temporary file behind, even when the write fails', async () => {
    const target = path.join(dir, 'atomic', 'crl.pem');
    await writeFileAtomic(target, 'first');
    await writeFileAtomic(target, 'second');
    expect(await readFile(target, 'utf8')).toBe('second');
    expect(await readdir(path.dirname(target))).toEqual(['crl.pem']);
    // A directory where the file should be: the rename fails, the old content and folder stay clean.
    const blocked = path.join(dir, 'atomic', 'dir-target');
    await writeFileAtomic(path.join(blocked, 'inner'), 'x');
    await expect(writeFileAtomic(blocked, 'y')).rejects.toThrow();
    expect((await readdir(path.join(dir, 'atomic'))).sort()).toEqual(['crl.pem', 'dir-target']);
  });

  it('does not cache a failed CA read, so a CA created after start-up is picked up', async () => {
    const later = path.join(dir, 'later');
    const files = { caCertFile: path.join(later, 'ca.pem'), caKeyFile: path.join(later, 'ca-key.pem') };
    await expect(loadCaMaterial(files)).rejects.toThrow();
    const ca = await ensureCaFiles({ dir: later, commonName: 'Later CA' });
    const material = await loadCaMaterial(files);
    expect(material.certPem).toBe(ca.caCertPem);
    await writeFile(files.caCertFile, 'changed');
    // Read once per process: the cached material is reused.
    expect((await loadCaMaterial(files)).certPem).toBe(ca.caCertPem);
  });
});
