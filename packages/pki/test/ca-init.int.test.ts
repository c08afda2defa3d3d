import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCrl, verifyCrlSignedBy, verifySignedBy } from '../src/index.ts';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../src/cli/ca-init.ts', import.meta.url));
const FILES = ['ca.pem', 'ca-key.pem', 'broker.pem', 'broker-key.pem', 'crl.pem'] as const;

// The docker-compose `ca-init` one-shot runs before every start of the stack, so a second run must
// keep the CA every player certificate chains to (docs/device-protocol.md §1) and the CRL the api re-signs.
let dir: string;

const caInit = (sans: string) => run(process.execPath, ['--import', 'tsx', CLI, '--dir', dir, '--sans', sans]);
async function snapshot(): Promise<Record<string, string>> {
  return Object.fromEntries(await Promise.all(FILES.map(async (f) => [f, await readFile(path.join(dir, f), 'utf8')] as const)));
}

beforeAll(async () => {
  dir = path.join(await mkdtemp(path.join(tmpdir(), 'makapix-ca-init-')), 'ca');
});
afterAll(async () => {
  await rm(path.dirname(dir), { recursive: true, force: true });
});

describe('ca-init CLI', () => {
  let first: Record<string, string>;

  it('creates the CA, a broker certificate with the given SANs and an empty CRL', async () => {
    const { stdout } = await caInit('mqtt.makapix.example, 10.0.0.5');
    expect(stdout).toMatch(/CA created/);
    first = await snapshot();

    const broker = new X509Certificate(first['broker.pem']!);
    expect(broker.subjectAltName?.split(', ').sort()).toEqual(['DNS:localhost', 'DNS:mqtt.makapix.example', 'IP Address:10.0.0.5', 'IP Address:127.0.0.1']);
    expect(verifySignedBy(first['broker.pem']!, first['ca.pem']!)).toBe(true);
    expect(verifyCrlSignedBy(first['crl.pem']!, first['ca.pem']!)).toBe(true);
    expect(parseCrl(first['crl.pem']!).serials).toEqual([]);
    for (const key of ['ca-key.pem', 'broker-key.pem']) expect((await stat(path.join(dir, key))).mode & 0o777).toBe(0o600);
  });

  it('keeps every file on a second run with the same SANs', async () => {
    const { stdout } = await caInit('mqtt.makapix.example,10.0.0.5');
    expect(stdout).toMatch(/CA kept/);
    expect(stdout).toMatch(/broker certificate kept/);
    expect(stdout).toMatch(/CRL kept/);
    expect(await snapshot()).toEqual(first);
  });

  it('re-issues only the broker certificate when the SANs change', async () => {
    await caInit('mqtt2.makapix.example');
    const now = await snapshot();
    expect(now['broker.pem']).not.toEqual(first['broker.pem']);
    expect(new X509Certificate(now['broker.pem']!).subjectAltName).toContain('DNS:mqtt2.makapix.example');
    expect(verifySignedBy(now['broker.pem']!, first['ca.pem']!)).toBe(true);
    for (const f of ['ca.pem', 'ca-key.pem', 'crl.pem'] as const) expect(now[f]).toEqual(first[f]);
  });

  it('refuses to replace a CA whose key is missing', async () => {
    await unlink(path.join(dir, 'ca-key.pem'));
    await expect(caInit('mqtt2.makapix.example')).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/incomplete CA/) });
    expect(await readFile(path.join(dir, 'ca.pem'), 'utf8')).toEqual(first['ca.pem']);
  });

  it('exits 2 with usage when --dir is missing', async () => {
    await expect(run(process.execPath, ['--import', 'tsx', CLI])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/usage: ca-init/) });
  });
});
