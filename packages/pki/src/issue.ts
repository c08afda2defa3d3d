import { isIPv4, isIPv6 } from 'node:net';
import forge from 'node-forge';
import { type CaMaterial, type CertAndKey, type LoadedCa, loadCa, validityWindow } from './ca.ts';
import { generateRsaKeyPair, normalizeSerial, randomSerialHex } from './keys.ts';

const PLAYER_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DNS_NAME = /^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
/** docs/device-protocol.md §1: the broker certificate always answers for loopback, whatever else is configured. */
const ALWAYS_SANS = ['localhost', '127.0.0.1'];
/** docs/device-protocol.md §2: client certificates are valid 1095 days. */
export const CLIENT_CERT_VALID_DAYS = 1095;

type AltName = { type: 2; value: string } | { type: 7; value: string };

/** Octets of an IP address as a forge binary string (forge's own IPv6 parser mishandles some forms). */
export function ipToBytes(ip: string): string {
  if (isIPv4(ip)) return String.fromCharCode(...ip.split('.').map(Number));
  if (!isIPv6(ip) || ip.includes('%')) throw new Error(`not an IP address: ${ip}`);
  let text = ip;
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4Tail?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = v4Tail[1].split('.').map(Number);
    text = text.slice(0, -v4Tail[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : new Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  const groups = [...headGroups, ...zeros, ...tailGroups];
  return groups.map((g) => {
    const n = parseInt(g, 16);
    return String.fromCharCode(n >> 8, n & 0xff);
  }).join('');
}

function toAltNames(sans: readonly string[]): AltName[] {
  const seen = new Set<string>();
  const out: AltName[] = [];
  for (const raw of [...ALWAYS_SANS, ...sans]) {
    const name = raw.trim().toLowerCase();
    if (seen.has(name)) continue;
    seen.add(name);
    if (isIPv4(name) || isIPv6(name)) out.push({ type: 7, value: ipToBytes(name) });
    else if (DNS_NAME.test(name)) out.push({ type: 2, value: name });
    else throw new Error(`invalid subject alternative name: ${raw}`);
  }
  return out;
}

interface LeafOptions {
  ca: LoadedCa;
  commonName: string;
  altNames: AltName[];
  extKeyUsage: { serverAuth?: true; clientAuth?: true };
  validDays: number;
  now?: Date;
}

function signLeaf(options: LeafOptions): CertAndKey & { serial: string; notAfter: Date } {
  const keys = generateRsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialHex();
  const { notBefore, notAfter } = validityWindow(options.validDays, options.now);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: options.commonName }]);
  cert.setIssuer(options.ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', ...options.extKeyUsage },
    { name: 'subjectAltName', altNames: options.altNames },
    { name: 'subjectKeyIdentifier' },
    // forge's `keyIdentifier: true` would hash the *subject's* key; the AKI must name the CA's key.
    { name: 'authorityKeyIdentifier', keyIdentifier: options.ca.keyIdentifier },
  ]);
  cert.sign(options.ca.key, forge.md.sha256.create());
  return {
    certPem: forge.pki.certificateToPem(cert),
    keyPem: keys.privateKeyPem,
    serial: normalizeSerial(cert.serialNumber),
    notAfter,
  };
}

export interface IssueServerCertOptions {
  ca: CaMaterial;
  commonName: string;
  /** Host names and IP literals (v4 or v6) devices use to reach the server. */
  sans: readonly string[];
  validDays: number;
  now?: Date;
}

/** The broker / HTTPS server certificate; devices verify the host name against its SANs (docs/device-protocol.md §1). */
export function issueServerCert(options: IssueServerCertOptions): CertAndKey {
  const { certPem, keyPem } = signLeaf({
    ca: loadCa(options.ca),
    commonName: options.commonName,
    altNames: toAltNames(options.sans),
    extKeyUsage: { serverAuth: true },
    validDays: options.validDays,
    now: options.now,
  });
  return { certPem, keyPem };
}

export interface IssueClientCertOptions {
  ca: CaMaterial;
  playerKey: string;
  validDays?: number;
  now?: Date;
}

export interface ClientCert extends CertAndKey {
  /** Canonical lower-case hex (see normalizeSerial): what the CRL and the database store. */
  serial: string;
  notAfter: Date;
}

/** A player's identity certificate exactly as docs/device-protocol.md §2 step 3 describes it. */
export function issueClientCert(options: IssueClientCertOptions): ClientCert {
  if (!PLAYER_KEY.test(options.playerKey)) throw new Error(`player key must be a lower-case UUID: ${options.playerKey}`);
  return signLeaf({
    ca: loadCa(options.ca),
    commonName: options.playerKey,
    altNames: [{ type: 2, value: `player-${options.playerKey}` }],
    extKeyUsage: { clientAuth: true },
    validDays: options.validDays ?? CLIENT_CERT_VALID_DAYS,
    now: options.now,
  });
}
