import { readFileSync } from 'node:fs';
import type net from 'node:net';
import tls from 'node:tls';
import { secretEquals } from '@makapix/broker/auth';
import { createPlainServer, listen, secureContextOptions } from '@makapix/broker/listeners';
import { Aedes } from 'aedes';
import type { ServiceConnectArgs } from './messages.ts';
import { memoryDetail, memoryDetailAfterGc } from './process-memory.ts';
import { serveRpc } from './processes.ts';

// The floor of the fixed stack: Aedes with its defaults on the same Node TLS listener settings as
// ours (same CA, certificate, CRL, TLS 1.2 minimum, client certificate required, TCP_NODELAY), and nothing of
// ours — no access check, no ACL, no limits, no inbox, no logs. Whatever this contender cannot do
// relative to Mosquitto, no hook or handler of ours can win back.

export interface BareAedesArgs {
  caCert: string;
  brokerCert: string;
  brokerKey: string;
  crl: string;
  service: Omit<ServiceConnectArgs, 'url'>;
}

let broker: Aedes | undefined;
const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
const sessions = () => broker?.connectedClients ?? 0;

async function start(args: BareAedesArgs): Promise<{ mtls: number; internal: number }> {
  const material = { keyPem: readFileSync(args.brokerKey, 'utf8'), certPem: readFileSync(args.brokerCert, 'utf8'), caPem: readFileSync(args.caCert, 'utf8') };
  const aedes = await Aedes.createBroker({
    // Devices are already authenticated by their certificate; only the service listener checks a
    // password, as Mosquitto's does.
    authenticate(client, username, password, done) {
      if ((client.conn as tls.TLSSocket).encrypted) return done(null, true);
      done(null, secretEquals(username, args.service.username) && secretEquals(password, args.service.password));
    },
  });
  broker = aedes;
  const mtls = tls.createServer({ ...secureContextOptions(material, readFileSync(args.crl, 'utf8')), requestCert: true, rejectUnauthorized: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // The socket options our listener sets too (Nagle would add 40 ms to every small reply).
    socket.setKeepAlive(true, 60_000);
    socket.setNoDelay(true);
    aedes.handle(socket);
  });
  const internal = createPlainServer(sockets, (socket) => aedes.handle(socket));
  servers.push(mtls, internal);
  return { mtls: await listen(mtls, 0, '127.0.0.1'), internal: await listen(internal, 0, '127.0.0.1') };
}

serveRpc({
  start,
  memory: () => memoryDetail(sessions()),
  gcMemory: () => memoryDetailAfterGc(sessions),
  async stop() {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await new Promise<void>((resolve) => (broker ? broker.close(() => resolve()) : resolve()));
    broker = undefined;
  },
});
