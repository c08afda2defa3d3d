import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';

export interface TlsMaterial {
  keyPem: string;
  certPem: string;
  caPem: string;
}

/** Every socket a listener accepted and that is still open, so shutdown can end stragglers. */
export type SocketSet = Set<net.Socket>;

function track(sockets: SocketSet, socket: net.Socket): void {
  sockets.add(socket);
  socket.once('close', () => sockets.delete(socket));
}

/** docs/device-protocol.md §1: TLS 1.2 minimum (the firmware has TLS 1.3 disabled), client certificate required. */
export function secureContextOptions(material: TlsMaterial, crlPem: string): tls.SecureContextOptions {
  return { key: material.keyPem, cert: material.certPem, ca: material.caPem, crl: crlPem, minVersion: 'TLSv1.2' };
}

/**
 * Admission on TCP accept (connection limits): a synchronous verdict, or a promise for checks that
 * need Redis (fleet-wide limits, fleet-limits.ts). false closes the socket.
 */
export interface ConnectionGate {
  admit(socket: net.Socket): boolean | Promise<boolean>;
}

export interface MtlsServerOptions {
  material: TlsMaterial;
  crlPem: string;
  handshakeTimeoutMs: number;
  maxConnections: number;
  gate: ConnectionGate;
  sockets: SocketSet;
  logger: Logger;
  onSecureSocket: (socket: tls.TLSSocket) => void;
}

/**
 * The device listener. The chain is verified against the platform CA and the CRL during the
 * handshake (`rejectUnauthorized`), so an unknown or revoked certificate never reaches MQTT. The
 * connection limits run on TCP accept: a synchronous refusal comes before any RSA work.
 */
export function createMtlsServer(options: MtlsServerOptions): tls.Server {
  const server = tls.createServer({
    ...secureContextOptions(options.material, options.crlPem),
    requestCert: true,
    rejectUnauthorized: true,
    handshakeTimeout: options.handshakeTimeoutMs,
  });
  server.maxConnections = options.maxConnections;
  server.on('connection', (socket: net.Socket) => {
    const refuse = () => {
      options.logger.warn({ remote: socket.remoteAddress }, 'connection limit exceeded; closing');
      socket.destroy();
    };
    const verdict = options.gate.admit(socket);
    if (verdict === false) return refuse();
    track(options.sockets, socket);
    if (verdict !== true) verdict.then((ok) => ok || refuse(), refuse);
  });
  server.on('secureConnection', (socket: tls.TLSSocket) => {
    // Dead peers that never send a FIN are found even with keepalive 0.
    socket.setKeepAlive(true, 60_000);
    socket.setNoDelay(true);
    options.onSecureSocket(socket);
  });
  server.on('tlsClientError', (err: Error & { code?: string }, socket: tls.TLSSocket) => {
    options.logger.info({ remote: socket.remoteAddress, code: err.code, err: err.message }, 'TLS handshake refused');
  });
  return server;
}

/** A plain TCP listener (internal services, conformance mode). */
export function createPlainServer(sockets: SocketSet, onSocket: (socket: net.Socket) => void): net.Server {
  return net.createServer((socket) => {
    track(sockets, socket);
    socket.setNoDelay(true);
    onSocket(socket);
  });
}

/** Listens and resolves to the bound port (port 0 picks a free one). */
export function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error(`no address for listener on ${host}:${port}`));
    });
  });
}

/**
 * Stops accepting new connections; resolves once every accepted connection has ended too (end them
 * with `endSockets`). A listener that never started resolves at once.
 */
export function stopAccepting(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

export function endSockets(sockets: SocketSet): void {
  for (const socket of sockets) socket.destroy();
}
