import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildCrl, createCa, issueServerCert } from '@makapix/pki';

export interface DevCaFiles {
  dir: string;
  caCert: string;
  caKey: string;
  brokerCert: string;
  brokerKey: string;
  crl: string;
}

export interface DevCa {
  files: DevCaFiles;
  caCertPem: string;
  caKeyPem: string;
  brokerCertPem: string;
  brokerKeyPem: string;
}

const ALWAYS_SANS = ['localhost', '127.0.0.1'];

/**
 * Creates (once) a development certificate authority: CA, broker server certificate and an empty CRL.
 * Reuses what is on disk, so device certificates stay valid across restarts; the broker certificate
 * is re-issued when the configured SAN list changes (devices verify the host name, PROTOCOL.md §1).
 */
export async function ensureDevCa(opts: { dir: string; sans?: string[] }): Promise<DevCa> {
  const dir = path.resolve(opts.dir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files: DevCaFiles = {
    dir,
    caCert: path.join(dir, 'ca.pem'),
    caKey: path.join(dir, 'ca-key.pem'),
    brokerCert: path.join(dir, 'broker.pem'),
    brokerKey: path.join(dir, 'broker-key.pem'),
    crl: path.join(dir, 'crl.pem'),
  };
  const sans = [...new Set([...ALWAYS_SANS, ...(opts.sans ?? [])])].sort();
  const sansFile = path.join(dir, 'broker-sans.json');

  if (!existsSync(files.caCert) || !existsSync(files.caKey)) {
    const ca = createCa({ commonName: 'Makapix Club Dev CA', validDays: 3650 });
    await writeFile(files.caCert, ca.certPem);
    await writeFile(files.caKey, ca.keyPem, { mode: 0o600 });
  }
  const ca = { certPem: await readFile(files.caCert, 'utf8'), keyPem: await readFile(files.caKey, 'utf8') };

  const previousSans = existsSync(sansFile) ? (JSON.parse(await readFile(sansFile, 'utf8')) as string[]) : null;
  if (!existsSync(files.brokerCert) || JSON.stringify(previousSans) !== JSON.stringify(sans)) {
    const server = issueServerCert({ ca, commonName: 'makapix-broker', sans, validDays: 825 });
    await writeFile(files.brokerCert, server.certPem);
    await writeFile(files.brokerKey, server.keyPem, { mode: 0o600 });
    await writeFile(sansFile, JSON.stringify(sans));
  }
  if (!existsSync(files.crl)) await writeFile(files.crl, buildCrl({ ca, revoked: [] }));

  return {
    files,
    caCertPem: ca.certPem,
    caKeyPem: ca.keyPem,
    brokerCertPem: await readFile(files.brokerCert, 'utf8'),
    brokerKeyPem: await readFile(files.brokerKey, 'utf8'),
  };
}
