import { createPublicKey, sign, verify } from 'node:crypto';
import forge from 'node-forge';
import { type CaMaterial, loadCa } from './ca.ts';
import { DAY_MS, normalizeSerial, serialToDerBytes, truncateToSeconds } from './keys.ts';

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const OID_AUTHORITY_KEY_ID = '2.5.29.35';
const OID_CRL_NUMBER = '2.5.29.20';

export interface RevokedEntry {
  serial: string;
  revokedAt: Date;
}

export interface BuildCrlOptions {
  ca: CaMaterial;
  revoked: readonly RevokedEntry[];
  thisUpdate?: Date;
  /** docs/device-protocol.md §2 step 7: next-update 30 days out. */
  nextUpdateDays?: number;
  /** Monotonic cRLNumber (RFC 5280 §5.2.3); defaults to thisUpdate in Unix seconds, which only grows. */
  crlNumber?: number | bigint;
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
function timeNode(date: Date): forge.asn1.Asn1 {
  return date.getUTCFullYear() < 2050
    ? asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(U, T.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
}

function integerNode(value: bigint): forge.asn1.Asn1 {
  if (value < 0n) throw new Error('cRLNumber must not be negative');
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if (parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  return asn1.create(U, T.INTEGER, false, forge.util.hexToBytes(hex));
}

function extensionNode(oid: string, value: forge.asn1.Asn1): forge.asn1.Asn1 {
  return asn1.create(U, T.SEQUENCE, true, [
    asn1.create(U, T.OID, false, asn1.oidToDer(oid).getBytes()),
    asn1.create(U, T.OCTETSTRING, false, asn1.toDer(value).getBytes()),
  ]);
}

/**
 * The CA's subject exactly as encoded in its certificate. Re-encoding forge's parsed name could change
 * string types, and OpenSSL matches a CRL to its issuer by comparing these bytes.
 */
function rawSubject(certPem: string): forge.asn1.Asn1 {
  const tbs = certChildren(asn1.fromDer(forge.pem.decode(certPem)[0]?.body ?? ''))[0];
  const fields = tbs ? certChildren(tbs) : [];
  const offset = fields[0]?.tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  const subject = fields[offset + 4];
  if (!subject) throw new Error('CA certificate has no subject');
  return subject;
}

function certChildren(node: forge.asn1.Asn1): forge.asn1.Asn1[] {
  if (!Array.isArray(node.value)) throw new Error('malformed ASN.1: expected a constructed value');
  return node.value;
}

function algorithmNode(): forge.asn1.Asn1 {
  return asn1.create(U, T.SEQUENCE, true, [
    asn1.create(U, T.OID, false, asn1.oidToDer(SHA256_WITH_RSA).getBytes()),
    asn1.create(U, T.NULL, false, ''),
  ]);
}

/**
 * A v2 CRL signed by the platform CA (docs/device-protocol.md §2 step 7). node-forge has no CRL builder, so the
 * TBSCertList of RFC 5280 §5.1 is assembled by hand and signed with SHA-256 RSA PKCS#1 v1.5.
 */
export function buildCrl(options: BuildCrlOptions): string {
  const loaded = loadCa(options.ca);
  const thisUpdate = truncateToSeconds(options.thisUpdate ?? new Date());
  const nextUpdate = new Date(thisUpdate.getTime() + (options.nextUpdateDays ?? 30) * DAY_MS);
  const crlNumber = BigInt(options.crlNumber ?? Math.floor(thisUpdate.getTime() / 1000));

  const tbsFields: forge.asn1.Asn1[] = [
    asn1.create(U, T.INTEGER, false, String.fromCharCode(1)), // v2, required when extensions are present
    algorithmNode(),
    rawSubject(options.ca.certPem),
    timeNode(thisUpdate),
    timeNode(nextUpdate),
  ];
  // An empty revokedCertificates SEQUENCE is not allowed (RFC 5280 §5.1.2.6): omit it instead.
  if (options.revoked.length > 0) {
    tbsFields.push(asn1.create(U, T.SEQUENCE, true, options.revoked.map((entry) =>
      asn1.create(U, T.SEQUENCE, true, [
        asn1.create(U, T.INTEGER, false, serialToDerBytes(entry.serial)),
        timeNode(truncateToSeconds(entry.revokedAt)),
      ]))));
  }
  const authorityKeyId = asn1.create(U, T.SEQUENCE, true, [
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, loaded.keyIdentifier),
  ]);
  tbsFields.push(asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
    asn1.create(U, T.SEQUENCE, true, [
      extensionNode(OID_AUTHORITY_KEY_ID, authorityKeyId),
      extensionNode(OID_CRL_NUMBER, integerNode(crlNumber)),
    ]),
  ]));
  const tbs = asn1.create(U, T.SEQUENCE, true, tbsFields);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  // Native signing: identical PKCS#1 v1.5 output to forge, without pure-JS big-number cost.
  const signature = sign('sha256', tbsDer, options.ca.keyPem);

  const crl = asn1.create(U, T.SEQUENCE, true, [
    tbs,
    algorithmNode(),
    asn1.create(U, T.BITSTRING, false, String.fromCharCode(0) + signature.toString('binary')),
  ]);
  return forge.pem.encode({ type: 'X509 CRL', body: asn1.toDer(crl).getBytes() }, { maxline: 64 });
}

export interface ParsedCrl {
  thisUpdate: Date;
  nextUpdate: Date | null;
  /** Canonical lower-case hex serials (see normalizeSerial). */
  serials: string[];
  crlNumber: bigint | null;
}

function isTime(node: forge.asn1.Asn1 | undefined): node is forge.asn1.Asn1 {
  return node?.tagClass === U && (node.type === T.UTCTIME || node.type === T.GENERALIZEDTIME);
}

function readTime(node: forge.asn1.Asn1): Date {
  const text = node.value as string;
  return node.type === T.UTCTIME ? asn1.utcTimeToDate(text) : asn1.generalizedTimeToDate(text);
}

/** Byte span of the DER element at `offset` (header included): signatures cover the exact bytes. */
function derSpan(der: Buffer, offset: number): { contentStart: number; end: number } {
  const first = der[offset + 1];
  if (first === undefined) throw new Error('malformed DER: truncated header');
  if (first < 0x80) return { contentStart: offset + 2, end: offset + 2 + first };
  const count = first & 0x7f;
  if (count < 1 || count > 4) throw new Error('malformed DER: unsupported length');
  let length = 0;
  for (let k = 0; k < count; k++) length = length * 256 + (der[offset + 2 + k] ?? 0);
  const contentStart = offset + 2 + count;
  if (contentStart + length > der.length) throw new Error('malformed DER: truncated value');
  return { contentStart, end: contentStart + length };
}

function decodeCrl(pem: string): { tbs: forge.asn1.Asn1; tbsDer: Buffer; signature: Buffer } {
  const block = forge.pem.decode(pem).find((b) => b.type === 'X509 CRL');
  if (!block) throw new Error('no X509 CRL PEM block found');
  // decodeBitStrings off: a signature is opaque bytes, never nested ASN.1.
  const fromDer = asn1.fromDer as unknown as (bytes: string, options: { decodeBitStrings: boolean }) => forge.asn1.Asn1;
  const [tbs, , sig] = certChildren(fromDer(block.body, { decodeBitStrings: false }));
  if (!tbs || !sig || typeof sig.value !== 'string') throw new Error('malformed CRL');
  const der = Buffer.from(block.body, 'binary');
  const outer = derSpan(der, 0);
  return {
    tbs,
    tbsDer: der.subarray(outer.contentStart, derSpan(der, outer.contentStart).end),
    signature: Buffer.from(sig.value.slice(1), 'binary'),
  };
}

/** A minimal read of RFC 5280 §5.1 fields: enough for the broker and the renewal job. */
export function parseCrl(pem: string): ParsedCrl {
  const fields = certChildren(decodeCrl(pem).tbs);
  let i = fields[0]?.type === T.INTEGER && fields[0].tagClass === U ? 1 : 0;
  i += 2; // signature algorithm, issuer
  const thisField = fields[i++];
  if (!isTime(thisField)) throw new Error('malformed CRL: missing thisUpdate');
  const thisUpdate = readTime(thisField);
  const maybeNext = fields[i];
  let nextUpdate: Date | null = null;
  if (isTime(maybeNext)) {
    nextUpdate = readTime(maybeNext);
    i++;
  }
  const serials: string[] = [];
  const maybeRevoked = fields[i];
  if (maybeRevoked?.tagClass === U && maybeRevoked.type === T.SEQUENCE) {
    for (const entry of certChildren(maybeRevoked)) {
      const serialNode = certChildren(entry)[0];
      serials.push(normalizeSerial(forge.util.bytesToHex(serialNode?.value as string)));
    }
    i++;
  }
  return { thisUpdate, nextUpdate, serials, crlNumber: readCrlNumber(fields[i]) };
}

function readCrlNumber(extsWrapper: forge.asn1.Asn1 | undefined): bigint | null {
  if (extsWrapper?.tagClass !== asn1.Class.CONTEXT_SPECIFIC) return null;
  for (const ext of certChildren(certChildren(extsWrapper)[0] ?? asn1.create(U, T.SEQUENCE, true, []))) {
    const [oid, ...rest] = certChildren(ext);
    if (asn1.derToOid(oid?.value as string) !== OID_CRL_NUMBER) continue;
    const value = rest[rest.length - 1]?.value as string;
    const int = asn1.fromDer(value);
    return BigInt(`0x${forge.util.bytesToHex(int.value as string) || '0'}`);
  }
  return null;
}

/** docs/device-protocol.md §2 step 7: re-sign when at most `days` remain before nextUpdate (or none is set). */
export function crlNeedsRenewal(pem: string, now: Date = new Date(), days = 7): boolean {
  const { nextUpdate } = parseCrl(pem);
  if (!nextUpdate) return true;
  return nextUpdate.getTime() - now.getTime() <= days * DAY_MS;
}

/** True when the CRL's signature verifies with the CA certificate's public key. */
export function verifyCrlSignedBy(crlPem: string, caCertPem: string): boolean {
  const { tbsDer, signature } = decodeCrl(crlPem);
  return verify('sha256', tbsDer, createPublicKey(caCertPem), signature);
}
