import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaMaterial, buildCrl, createCa, issueClientCert, issueServerCert } from '../src/index.ts';

// Proves the certificates and CRL work with OpenSSL as the broker will use it (docs/device-protocol.md §1–2):
// mTLS, TLS 1.2 (the firmware has 1.3 disabled), host name verification, and CRL-based refusal.

const PLAYER = '11111111-2222-4333-8444-555555555555';
const REVOKED_PLAYER = '66666666-7777-4888-9999-aaaaaaaaaaaa';

interface Outcome {
  ok: boolean;
  data: string;
  protocol: string | null;
  error: string;
}

let ca: CaMaterial;
let server: tls.Server;
let port: number;
// Same policy but rejectUnauthorized off: it reports OpenSSL's verdict, proving *why* the strict server
// refuses (Node drops a rejected peer without saying why).
let reporter: tls.Server;
let reporterPort: number;
let good: { certPem: string; keyPem: string };
let revoked: { certPem: string; keyPem: string };
let foreign: { certPem: string; keyPem: string };

beforeAll(async () => {
  ca = createCa({ commonName: 'TLS Test CA', validDays: 30 });
  const serverCert = issueServerCert({ ca, commonName: 'broker', sans: ['broker.test'], validDays: 30 });
  good = issueClientCert({ ca, playerKey: PLAYER });
  const revokedCert = issueClientCert({ ca, playerKey: REVOKED_PLAYER });
  revoked = revokedCert;
  const otherCa = createCa({ commonName: 'TLS Test CA', validDays: 30 });
  foreign = issueClientCert({ ca: otherCa, playerKey: PLAYER });
  const crl = buildCrl({ ca, revoked: [{ serial: revokedCert.serial, revokedAt: new Date() }] });

  const policy = {
    cert: serverCert.certPem,
    key: serverCert.keyPem,
    ca: ca.certPem,
    crl,
    requestCert: true,
    minVersion: 'TLSv1.2',
  } as const;
  server = tls.createServer({ ...policy, rejectUnauthorized: true });
  // The server answers with the CN it authenticated, so a passing client proves the whole handshake.
  server.on('secureConnection', (socket) => {
    const cn = socket.getPeerCertificate().subject?.CN;
    socket.end(`hello ${String(cn)}`);
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  reporter = tls.createServer({ ...policy, rejectUnauthorized: false });
  reporter.on('secureConnection', (socket) => socket.end(`verdict ${socket.authorizationError ?? 'OK'}`));
  await new Promise<void>((resolve) => reporter.listen(0, '127.0.0.1', resolve));
  reporterPort = (reporter.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => reporter.close(() => resolve()));
});

interface ConnectOptions {
  cert?: string;
  key?: string;
  servername?: string;
  port?: number;
}

function connect(options: ConnectOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    let data = '';
    let protocol: string | null = null;
    let error = '';
    const socket = tls.connect({
      host: '127.0.0.1',
      port: options.port ?? port,
      ca: ca.certPem,
      maxVersion: 'TLSv1.2',
      ...options,
    });
    socket.setEncoding('utf8');
    socket.on('secureConnect', () => {
      protocol = socket.getProtocol();
    });
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('error', (err: Error & { code?: string }) => {
      error = `${err.code ?? ''} ${err.message}`;
    });
    socket.on('close', () => resolve({ ok: data.startsWith('hello') && !error, data, protocol, error }));
  });
}

describe('platform certificates over real TLS sockets', () => {
  it('accepts a valid client certificate over TLS 1.2, verifying the server as 127.0.0.1', async () => {
    const outcome = await connect({ cert: good.certPem, key: good.keyPem });
    expect(outcome).toMatchObject({ ok: true, data: `hello ${PLAYER}`, protocol: 'TLSv1.2', error: '' });
  });

  it('verifies the server host name localhost and a configured name', async () => {
    expect(await connect({ cert: good.certPem, key: good.keyPem, servername: 'localhost' })).toMatchObject({ ok: true });
    expect(await connect({ cert: good.certPem, key: good.keyPem, servername: 'broker.test' })).toMatchObject({ ok: true });
  });

  it('fails host name verification for a name the server certificate does not carry', async () => {
    const outcome = await connect({ cert: good.certPem, key: good.keyPem, servername: 'elsewhere.test' });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('refuses a client certificate from another CA', async () => {
    const outcome = await connect({ cert: foreign.certPem, key: foreign.keyPem });
    expect(outcome.ok).toBe(false);
    expect(outcome.data).toBe('');
    const verdict = await connect({ cert: foreign.certPem, key: foreign.keyPem, port: reporterPort });
    expect(verdict.data).toMatch(/^verdict UNABLE_TO_(GET_ISSUER_CERT|VERIFY_LEAF_SIGNATURE)/);
  });

  it('refuses a client certificate whose serial is in the CRL', async () => {
    const outcome = await connect({ cert: revoked.certPem, key: revoked.keyPem });
    expect(outcome.ok).toBe(false);
    expect(outcome.data).toBe('');
    const verdict = await connect({ cert: revoked.certPem, key: revoked.keyPem, port: reporterPort });
    expect(verdict.data).toBe('verdict CERT_REVOKED');
    // The CRL check is not vacuous: the valid certificate passes the same checks.
    expect((await connect({ cert: good.certPem, key: good.keyPem, port: reporterPort })).data).toBe('verdict OK');
  });

  it('refuses a client with no certificate', async () => {
    const outcome = await connect({});
    expect(outcome.ok).toBe(false);
    expect(outcome.data).toBe('');
    expect((await connect({ port: reporterPort })).data).toBe('verdict UNABLE_TO_GET_ISSUER_CERT');
  });
});
