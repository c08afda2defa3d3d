import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CaMaterial,
  buildCrl,
  createCa,
  crlNeedsRenewal,
  normalizeSerial,
  parseCrl,
  verifyCrlSignedBy,
} from '../src/index.ts';

const DAY_MS = 86_400_000;
let ca: CaMaterial;
let otherCa: CaMaterial;

beforeAll(() => {
  ca = createCa({ commonName: 'CRL Test CA', validDays: 3650 });
  otherCa = createCa({ commonName: 'CRL Test CA', validDays: 3650 });
});

describe('buildCrl / parseCrl (docs/device-protocol.md §2 step 7)', () => {
  it('round-trips revoked serials, update times and the CRL number', () => {
    const thisUpdate = new Date('2031-05-06T07:08:09.750Z');
    const pem = buildCrl({
      ca,
      thisUpdate,
      crlNumber: 42,
      revoked: [
        { serial: '5A0B1C2D3E4F50617283940A1B2C3D4E', revokedAt: new Date('2031-05-01T00:00:00Z') },
        { serial: 'ff01', revokedAt: new Date('2031-05-02T00:00:00Z') },
        { serial: '00:7f', revokedAt: new Date('2031-05-03T00:00:00Z') },
      ],
    });
    expect(pem.startsWith('-----BEGIN X509 CRL-----')).toBe(true);
    expect(pem.trimEnd().endsWith('-----END X509 CRL-----')).toBe(true);
    const parsed = parseCrl(pem);
    expect(parsed.serials).toEqual(['5a0b1c2d3e4f50617283940a1b2c3d4e', 'ff01', '7f']);
    expect(parsed.thisUpdate.toISOString()).toBe('2031-05-06T07:08:09.000Z');
    expect(parsed.nextUpdate?.getTime()).toBe(parsed.thisUpdate.getTime() + 30 * DAY_MS);
    expect(parsed.crlNumber).toBe(42n);
  });

  it('omits the revoked list when empty and defaults the CRL number to Unix seconds', () => {
    const thisUpdate = new Date('2032-01-01T00:00:00Z');
    const parsed = parseCrl(buildCrl({ ca, revoked: [], thisUpdate, nextUpdateDays: 3 }));
    expect(parsed.serials).toEqual([]);
    expect(parsed.crlNumber).toBe(BigInt(thisUpdate.getTime() / 1000));
    expect(parsed.nextUpdate?.toISOString()).toBe('2032-01-04T00:00:00.000Z');
  });

  it('encodes times from 2050 on as GeneralizedTime and reads them back', () => {
    const thisUpdate = new Date('2055-03-04T05:06:07Z');
    const parsed = parseCrl(buildCrl({ ca, revoked: [{ serial: '01', revokedAt: thisUpdate }], thisUpdate }));
    expect(parsed.thisUpdate.toISOString()).toBe('2055-03-04T05:06:07.000Z');
    expect(parsed.serials).toEqual(['01']);
  });

  it('is signed by the CA key, names the CA as issuer, and a flipped byte breaks the signature', () => {
    const pem = buildCrl({ ca, revoked: [{ serial: 'abcdef', revokedAt: new Date() }] });
    expect(verifyCrlSignedBy(pem, ca.certPem)).toBe(true);
    expect(verifyCrlSignedBy(pem, otherCa.certPem)).toBe(false);

    const der = forge.pem.decode(pem)[0]?.body ?? '';
    const tbs = (forge.asn1.fromDer(der).value as forge.asn1.Asn1[])[0];
    const issuer = (tbs?.value as forge.asn1.Asn1[])[2];
    const issuerDer = Buffer.from(forge.asn1.toDer(issuer as forge.asn1.Asn1).getBytes(), 'binary');
    const caSubject = forge.pki.distinguishedNameToAsn1(forge.pki.certificateFromPem(ca.certPem).subject);
    expect(issuerDer.equals(Buffer.from(forge.asn1.toDer(caSubject).getBytes(), 'binary'))).toBe(true);
    expect(new X509Certificate(ca.certPem).subject).toBe('CN=CRL Test CA');

    const bytes = Buffer.from(der, 'binary');
    const serialAt = bytes.indexOf(Buffer.from([0xab, 0xcd, 0xef]));
    bytes[serialAt] = 0xac;
    const tampered = forge.pem.encode({ type: 'X509 CRL', body: bytes.toString('binary') });
    expect(parseCrl(tampered).serials).toEqual(['accdef']);
    expect(verifyCrlSignedBy(tampered, ca.certPem)).toBe(false);
  });

  it('rejects text that is not a CRL', () => {
    expect(() => parseCrl('-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n')).toThrow(/X509 CRL/);
    expect(() => normalizeSerial('zz')).toThrow(/invalid/);
    expect(() => normalizeSerial('0000')).toThrow(/positive/);
  });
});

describe('crlNeedsRenewal', () => {
  it('asks for a re-sign once 7 days or fewer remain before nextUpdate', () => {
    const thisUpdate = new Date('2033-01-01T00:00:00Z');
    const pem = buildCrl({ ca, revoked: [], thisUpdate });
    const nextUpdate = thisUpdate.getTime() + 30 * DAY_MS;
    expect(crlNeedsRenewal(pem, thisUpdate)).toBe(false);
    expect(crlNeedsRenewal(pem, new Date(nextUpdate - 7 * DAY_MS - 1000))).toBe(false);
    expect(crlNeedsRenewal(pem, new Date(nextUpdate - 7 * DAY_MS))).toBe(true);
    expect(crlNeedsRenewal(pem, new Date(nextUpdate + DAY_MS))).toBe(true);
    expect(crlNeedsRenewal(pem, new Date(nextUpdate - 20 * DAY_MS), 21)).toBe(true);
  });
});
