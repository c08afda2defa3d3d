import { X509Certificate, createPrivateKey } from 'node:crypto';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CaMaterial,
  CLIENT_CERT_VALID_DAYS,
  certInfo,
  createCa,
  issueClientCert,
  issueServerCert,
  verifySignedBy,
} from '../src/index.ts';

const PLAYER = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const DAY_MS = 86_400_000;

let ca: CaMaterial;
let otherCa: CaMaterial;

beforeAll(() => {
  ca = createCa({ commonName: 'Makapix Test CA', validDays: 3650, organization: 'Makapix Club' });
  otherCa = createCa({ commonName: 'Makapix Test CA', validDays: 3650 });
});

function skiHex(pem: string): string | undefined {
  const ext = forge.pki.certificateFromPem(pem).getExtension('subjectKeyIdentifier') as
    | { subjectKeyIdentifier: string }
    | undefined;
  return ext?.subjectKeyIdentifier;
}

function akiHex(pem: string): string {
  // AuthorityKeyIdentifier ::= SEQUENCE { [0] keyIdentifier } — read the raw extension value.
  const ext = forge.pki.certificateFromPem(pem).getExtension('authorityKeyIdentifier') as { value: string };
  const seq = forge.asn1.fromDer(ext.value);
  const keyId = (seq.value as forge.asn1.Asn1[])[0];
  return forge.util.bytesToHex(keyId?.value as string);
}

describe('createCa', () => {
  it('makes a self-signed CA allowed to sign certificates and CRLs', () => {
    const x509 = new X509Certificate(ca.certPem);
    expect(x509.ca).toBe(true);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.subject).toContain('CN=Makapix Test CA');
    const ku = forge.pki.certificateFromPem(ca.certPem).getExtension('keyUsage') as Record<string, unknown>;
    expect(ku.keyCertSign).toBe(true);
    expect(ku.cRLSign).toBe(true);
    expect(skiHex(ca.certPem)).toMatch(/^[0-9a-f]{40}$/);
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });
});

describe('issueClientCert (docs/device-protocol.md §2)', () => {
  it('carries the player identity, an RSA-2048 PKCS#8 key and a 1095-day validity', () => {
    const issued = issueClientCert({ ca, playerKey: PLAYER });
    const x509 = new X509Certificate(issued.certPem);
    expect(x509.subject).toBe(`CN=${PLAYER}`);
    expect(x509.subjectAltName).toBe(`DNS:player-${PLAYER}`);
    expect(issued.keyPem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    const key = createPrivateKey(issued.keyPem);
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(x509.checkPrivateKey(key)).toBe(true);
    const validFor = new Date(x509.validTo).getTime() - new Date(x509.validFrom).getTime();
    expect(validFor).toBe(CLIENT_CERT_VALID_DAYS * DAY_MS);
    expect(CLIENT_CERT_VALID_DAYS).toBe(1095);
    expect(issued.notAfter.getTime()).toBe(new Date(x509.validTo).getTime());
    expect(x509.ca).toBe(false);
    expect(x509.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(forge.pki.certificateFromPem(issued.certPem).siginfo.algorithmOid).toBe(SHA256_WITH_RSA);
  });

  it('uses a random positive serial of at least 64 bits and reports it canonically', () => {
    const a = issueClientCert({ ca, playerKey: PLAYER });
    const b = issueClientCert({ ca, playerKey: PLAYER });
    expect(a.serial).toMatch(/^[4-7][0-9a-f]{31}$/);
    expect(a.serial).not.toBe(b.serial);
    expect(new X509Certificate(a.certPem).serialNumber.toLowerCase()).toBe(a.serial);
  });

  it('is signed by the CA and points at its key; another CA does not verify it', () => {
    const issued = issueClientCert({ ca, playerKey: PLAYER });
    expect(verifySignedBy(issued.certPem, ca.certPem)).toBe(true);
    // Same subject name, different key: only the signature tells them apart.
    expect(verifySignedBy(issued.certPem, otherCa.certPem)).toBe(false);
    expect(akiHex(issued.certPem)).toBe(skiHex(ca.certPem));
    expect(skiHex(issued.certPem)).not.toBe(skiHex(ca.certPem));
  });

  it('honours validDays and now', () => {
    const now = new Date('2030-01-01T00:00:00.500Z');
    const issued = issueClientCert({ ca, playerKey: PLAYER, validDays: 10, now });
    const info = certInfo(issued.certPem);
    expect(info.notBefore.toISOString()).toBe('2029-12-31T23:00:00.000Z');
    expect(info.notAfter.getTime() - info.notBefore.getTime()).toBe(10 * DAY_MS);
  });

  it('rejects a player key that is not a lower-case UUID', () => {
    expect(() => issueClientCert({ ca, playerKey: PLAYER.toUpperCase() })).toThrow(/lower-case UUID/);
    expect(() => issueClientCert({ ca, playerKey: 'x/../y' })).toThrow(/lower-case UUID/);
  });
});

describe('issueServerCert', () => {
  it('always answers for localhost and 127.0.0.1, plus configured DNS names and IPv4/IPv6 literals', () => {
    const issued = issueServerCert({
      ca,
      commonName: 'broker',
      sans: ['MQTT.Example.com', '10.1.2.3', '::1', 'fd00::1:2', 'localhost'],
      validDays: 365,
    });
    const x509 = new X509Certificate(issued.certPem);
    expect(x509.subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, DNS:mqtt.example.com, IP Address:10.1.2.3, ' +
        'IP Address:0:0:0:0:0:0:0:1, IP Address:FD00:0:0:0:0:0:1:2',
    );
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkHost('mqtt.example.com')).toBe('mqtt.example.com');
    expect(x509.checkHost('other.example.com')).toBeUndefined();
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkIP('::1')).toBe('::1');
    expect(x509.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(verifySignedBy(issued.certPem, ca.certPem)).toBe(true);
    expect(issued.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('refuses a SAN that is neither a host name nor an IP address', () => {
    expect(() => issueServerCert({ ca, commonName: 'b', sans: ['bad host'], validDays: 1 })).toThrow(/invalid subject/);
  });
});

describe('certInfo', () => {
  it('reports serial, CN, validity and the tls-style SHA-256 fingerprint', () => {
    const issued = issueClientCert({ ca, playerKey: PLAYER });
    const info = certInfo(issued.certPem);
    const x509 = new X509Certificate(issued.certPem);
    expect(info).toEqual({
      serial: issued.serial,
      commonName: PLAYER,
      notBefore: new Date(x509.validFrom),
      notAfter: issued.notAfter,
      fingerprint256: x509.fingerprint256,
    });
    expect(info.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });
});
