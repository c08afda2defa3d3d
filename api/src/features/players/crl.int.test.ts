import { readFile, writeFile } from 'node:fs/promises';
import { revokedCertificates } from '@makapix/db';
import { parseCrl, randomSerialHex } from '@makapix/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlayerTestApp, type PlayerTestApp } from '../../../test/fixtures/players.ts';
import { renewCrlIfDue, resignCrl } from '@makapix/revocation';

describe('CRL signing and the renew-crl check (PROTOCOL.md §2.7)', () => {
  let t: PlayerTestApp;
  let deps: Parameters<typeof renewCrlIfDue>[0];
  beforeAll(async () => {
    t = await createPlayerTestApp();
    deps = { db: t.app.db, pki: t.config.pki };
  });
  afterAll(async () => t.close());

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
    await t.app.db.insert(revokedCertificates).values(serials.map((serial) => ({ serial, reason: 'test' })));
    const results = await Promise.all([resignCrl(deps), resignCrl(deps), resignCrl(deps)]);
    expect(new Set(results.map((r) => r.crlNumber)).size).toBe(3);
    const onDisk = parseCrl(await readFile(t.crlFile, 'utf8'));
    expect(onDisk.crlNumber).toBe(BigInt(Math.max(...results.map((r) => r.crlNumber))));
    for (const serial of serials) expect(onDisk.serials).toContain(serial);
  });

  it('re-signs when a committed revocation is missing from the newest CRL', async () => {
    await resignCrl(deps);
    const serial = randomSerialHex();
    await t.app.db.insert(revokedCertificates).values({ serial, reason: 'test' });
    const res = await renewCrlIfDue(deps);
    expect(res.action).toBe('resigned');
    expect(parseCrl(await readFile(t.crlFile, 'utf8')).serials).toContain(serial);
    expect((await renewCrlIfDue(deps)).action).toBe('none');
  });
});
