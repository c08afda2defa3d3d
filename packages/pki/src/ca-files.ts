import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { certInfo, createCa } from './ca.ts';
import { buildCrl } from './crl.ts';
import { issueServerCert } from './issue.ts';

/** The five files every process finds the platform CA in (ca.pem, ca-key.pem, broker.pem, …). */
export interface CaFiles {
  dir: string;
  caCert: string;
  caKey: string;
  brokerCert: string;
  brokerKey: string;
  crl: string;
}

export interface EnsureCaFilesOptions {
  dir: string;
  commonName: string;
  /** Host names / IPs devices use to reach the broker; localhost and 127.0.0.1 are always added. */
  sans?: readonly string[];
}

export interface EnsuredCa {
  files: CaFiles;
  caCertPem: string;
  caKeyPem: string;
  brokerCertPem: string;
  brokerKeyPem: string;
  /** What this call wrote; everything else was already there and was kept. */
  created: { ca: boolean; brokerCert: boolean; crl: boolean };
}

const ALWAYS_SANS = ['localhost', '127.0.0.1'];
const CA_VALID_DAYS = 3650;
const BROKER_CERT_VALID_DAYS = 825;
/** A broker certificate this close to expiry is re-issued, so a restart keeps players connecting. */
const BROKER_RENEW_BEFORE_MS = 30 * 86_400_000;

export function caFilesIn(dir: string): CaFiles {
  const abs = path.resolve(dir);
  return {
    dir: abs,
    caCert: path.join(abs, 'ca.pem'),
    caKey: path.join(abs, 'ca-key.pem'),
    brokerCert: path.join(abs, 'broker.pem'),
    brokerKey: path.join(abs, 'broker-key.pem'),
    crl: path.join(abs, 'crl.pem'),
  };
}

/**
 * Creates what is missing of the platform CA in `dir`, and nothing else. The CA is never replaced:
 * every player certificate chains to it (docs/device-protocol.md §1), so half a CA on disk is an error for a
 * person to resolve, not something to paper over with a new one. The CRL is only created: the api
 * and the worker re-sign it as players are revoked. The broker certificate is re-issued when the
 * SAN list changes or it nears expiry, since devices verify the host name against it.
 */
export async function ensureCaFiles(options: EnsureCaFilesOptions): Promise<EnsuredCa> {
  const files = caFilesIn(options.dir);
  await mkdir(files.dir, { recursive: true, mode: 0o700 });
  const sans = [...new Set([...ALWAYS_SANS, ...(options.sans ?? []).map((s) => s.trim().toLowerCase()).filter(Boolean)])].sort();
  const sansFile = path.join(files.dir, 'broker-sans.json');
  const created = { ca: false, brokerCert: false, crl: false };

  const hasCert = existsSync(files.caCert);
  const hasKey = existsSync(files.caKey);
  if (hasCert !== hasKey) {
    const missing = hasCert ? files.caKey : files.caCert;
    throw new Error(`incomplete CA in ${files.dir}: ${missing} is missing; restore it (a new CA would invalidate every player certificate)`);
  }
  if (!hasCert) {
    const ca = createCa({ commonName: options.commonName, validDays: CA_VALID_DAYS });
    // The key first: a crash between the two writes leaves a key without a cert, refused above.
    await writeFile(files.caKey, ca.keyPem, { mode: 0o600, flag: 'wx' });
    await writeFile(files.caCert, ca.certPem, { flag: 'wx' });
    created.ca = true;
  }
  const ca = { certPem: await readFile(files.caCert, 'utf8'), keyPem: await readFile(files.caKey, 'utf8') };

  if (await brokerCertNeeded(files, sansFile, sans, created.ca)) {
    const server = issueServerCert({ ca, commonName: 'makapix-broker', sans, validDays: BROKER_CERT_VALID_DAYS });
    await writeFile(files.brokerKey, server.keyPem, { mode: 0o600 });
    await writeFile(files.brokerCert, server.certPem);
    await writeFile(sansFile, JSON.stringify(sans));
    created.brokerCert = true;
  }
  if (!existsSync(files.crl)) {
    await writeFile(files.crl, buildCrl({ ca, revoked: [] }));
    created.crl = true;
  }

  return {
    files,
    caCertPem: ca.certPem,
    caKeyPem: ca.keyPem,
    brokerCertPem: await readFile(files.brokerCert, 'utf8'),
    brokerKeyPem: await readFile(files.brokerKey, 'utf8'),
    created,
  };
}

async function brokerCertNeeded(files: CaFiles, sansFile: string, sans: string[], newCa: boolean): Promise<boolean> {
  if (newCa || !existsSync(files.brokerCert) || !existsSync(files.brokerKey)) return true;
  const previousSans = existsSync(sansFile) ? (JSON.parse(await readFile(sansFile, 'utf8')) as string[]) : null;
  if (JSON.stringify(previousSans) !== JSON.stringify(sans)) return true;
  const { notAfter } = certInfo(await readFile(files.brokerCert, 'utf8'));
  return notAfter.getTime() - Date.now() < BROKER_RENEW_BEFORE_MS;
}
