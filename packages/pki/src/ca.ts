import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { DAY_MS, generateRsaKeyPair, normalizeSerial, randomSerialHex, truncateToSeconds } from './keys.ts';

/** The platform CA as configuration and the database hold it: two PEM strings. */
export interface CaMaterial {
  certPem: string;
  keyPem: string;
}

export interface CertAndKey {
  certPem: string;
  /** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). */
  keyPem: string;
}

/** Parsed CA, ready to sign: forge objects plus the subject key identifier issued certs point at. */
export interface LoadedCa {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
  /** Raw SKI bytes (forge binary string) for authorityKeyIdentifier in certs and CRLs. */
  keyIdentifier: string;
}

/** Issued certificates start an hour in the past so a peer whose clock lags slightly still accepts them. */
const BACKDATE_MS = 3_600_000;

export function validityWindow(validDays: number, now: Date = new Date()): { notBefore: Date; notAfter: Date } {
  if (!Number.isInteger(validDays) || validDays < 1) throw new Error(`validDays must be a positive integer, got ${validDays}`);
  const notBefore = truncateToSeconds(new Date(now.getTime() - BACKDATE_MS));
  return { notBefore, notAfter: new Date(notBefore.getTime() + validDays * DAY_MS) };
}

export function loadCa(ca: CaMaterial): LoadedCa {
  const cert = forge.pki.certificateFromPem(ca.certPem);
  const key = forge.pki.privateKeyFromPem(ca.keyPem) as forge.pki.rsa.PrivateKey;
  const ski = cert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | undefined;
  // A CA without an SKI extension (not one of ours) still gets a stable identifier: RFC 5280 §4.2.1.2 (1).
  const keyIdentifier = ski?.subjectKeyIdentifier
    ? forge.util.hexToBytes(ski.subjectKeyIdentifier)
    : cert.generateSubjectKeyIdentifier().getBytes();
  return { cert, key, keyIdentifier };
}

export interface CreateCaOptions {
  commonName: string;
  validDays: number;
  organization?: string;
  now?: Date;
}

/** A self-signed root for the device plane (docs/device-protocol.md §1: players present certs signed by it). */
export function createCa(options: CreateCaOptions): CertAndKey {
  const keys = generateRsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialHex();
  const { notBefore, notAfter } = validityWindow(options.validDays, options.now);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const subject: forge.pki.CertificateField[] = [{ name: 'commonName', value: options.commonName }];
  if (options.organization) subject.push({ name: 'organizationName', value: options.organization });
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem };
}

export interface CertInfo {
  /** Canonical lower-case hex (see normalizeSerial). */
  serial: string;
  commonName: string | null;
  notBefore: Date;
  notAfter: Date;
  /** Colon-separated upper-case hex, the same form as tls `getPeerCertificate().fingerprint256`. */
  fingerprint256: string;
}

/** The fields the api and broker keep about a certificate. */
export function certInfo(pem: string): CertInfo {
  const x509 = new X509Certificate(pem);
  // forge reads the subject as structured attributes; Node's `subject` is a display string.
  const cn = forge.pki.certificateFromPem(pem).subject.getField('CN') as { value: string } | null;
  return {
    serial: normalizeSerial(x509.serialNumber),
    commonName: cn?.value ?? null,
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    fingerprint256: x509.fingerprint256,
  };
}

/**
 * True when `certPem` names `caCertPem`'s subject as issuer and its signature verifies with the CA's key.
 * Uses OpenSSL (not forge) so the check is independent of the code that signed the certificate.
 */
export function verifySignedBy(certPem: string, caCertPem: string): boolean {
  const cert = new X509Certificate(certPem);
  const ca = new X509Certificate(caCertPem);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}
