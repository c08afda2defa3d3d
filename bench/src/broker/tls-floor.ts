import { fork } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { secureContextOptions } from '@makapix/broker/listeners';
import { ensureDevCa } from '@makapix/devstack/dev-ca';
import { repoRoot } from '@makapix/devstack/paths';
import { writeResultsSection } from '../results-section.ts';
import { issueFleet } from './fleet-certs.ts';

// `npm run bench:tls-floor -w @makapix/bench`: what Node's TLS layer alone costs per idle mTLS
// connection and per delivered message, with no MQTT at all — a floor under any Node broker,
// measured with our listener's TLS settings (secureContextOptions, requestCert, TLS 1.2) and the
// benchmark fleet's certificate profile. The broker benchmark's goals are judged against it.

// As many connections as the goal's fleet (each process needs that many file descriptors).
const CONNECTIONS = process.argv.includes('--quick') ? 500 : 10_000;
const ROUNDS = 5;
const MESSAGE = Buffer.alloc(90, 0x30); // about one `swap_next` command PUBLISH
const ACK = Buffer.from([0x40, 2, 0, 1]); // a PUBACK's size

interface ServerReading {
  cpuMs: number;
  rss: number;
  heapUsed: number;
  sockets: number;
}

/** Child: a TLS server that holds the sockets, and on demand writes one message to each. */
async function serve(): Promise<void> {
  const files = JSON.parse(process.env.TLS_FLOOR_FILES ?? '{}') as { key: string; cert: string; ca: string; crl: string };
  const material = { keyPem: await readFile(files.key, 'utf8'), certPem: await readFile(files.cert, 'utf8'), caPem: await readFile(files.ca, 'utf8') };
  const sockets: tls.TLSSocket[] = [];
  const server = tls.createServer({ ...secureContextOptions(material, await readFile(files.crl, 'utf8')), requestCert: true, rejectUnauthorized: true }, (socket) => {
    socket.setNoDelay(true);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    sockets.push(socket);
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as { port: number }).port }));
  process.on('message', (cmd) => {
    if (cmd === 'fanout') for (let r = 0; r < ROUNDS; r++) for (const s of sockets) s.write(MESSAGE);
    // CPU first: the full GC for the heap figure is the probe's own work, not the server's.
    const cpu = process.cpuUsage();
    (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    process.send?.({ cpuMs: (cpu.user + cpu.system) / 1000, rss: mem.rss, heapUsed: mem.heapUsed, sockets: sockets.length } satisfies ServerReading);
  });
  process.once('disconnect', () => process.exit(0));
}

async function measure(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tls-floor-'));
  try {
    const ca = await ensureDevCa({ dir });
    const fleet = issueFleet({ certPem: ca.caCertPem, keyPem: ca.caKeyPem }, 1);
    const env = { ...process.env, TLS_FLOOR_FILES: JSON.stringify({ key: ca.files.brokerKey, cert: ca.files.brokerCert, ca: ca.files.caCert, crl: ca.files.crl }) };
    const child = fork(fileURLToPath(import.meta.url), ['server'], { env, execArgv: ['--expose-gc', '--import', 'tsx'] });
    try {
      const next = <T>() => new Promise<T>((resolve) => child.once('message', (m) => resolve(m as T)));
      const { port } = await next<{ port: number }>();
      const read = async (cmd: 'read' | 'fanout') => {
        const reply = next<ServerReading>();
        child.send(cmd);
        return reply;
      };
      const options: tls.ConnectionOptions = { host: '127.0.0.1', port, ca: ca.caCertPem, cert: fleet.players[0]!.certPem, key: fleet.keyPem, servername: 'localhost', maxVersion: 'TLSv1.2' };
      options.secureContext = tls.createSecureContext(options);
      let received = 0;
      let allReceived: () => void = () => undefined;
      const delivered = new Promise<void>((resolve) => (allReceived = resolve));
      const onData = (socket: tls.TLSSocket) => (data: Buffer) => {
        const messages = Math.round(data.length / MESSAGE.length);
        for (let i = 0; i < messages; i++) socket.write(ACK);
        received += messages;
        if (received >= CONNECTIONS * ROUNDS) allReceived();
      };
      const before = await read('read');
      const started = Date.now();
      let opened = 0;
      const openOne = () =>
        new Promise<void>((resolve, reject) => {
          const socket = tls.connect(options, () => resolve());
          socket.on('data', onData(socket));
          socket.once('error', reject);
        });
      // 16 handshakes in flight, like a few busy client processes.
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (opened < CONNECTIONS) {
          opened++;
          await openOne();
        }
      }));
      const connectS = (Date.now() - started) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const idle = await read('read');
      await read('fanout');
      await delivered;
      await new Promise((resolve) => setTimeout(resolve, 500));
      const after = await read('read');
      const kib = (bytes: number) => (bytes / 1024 / CONNECTIONS).toFixed(1);
      return [
        '## Node TLS floor (diagnostic for the broker goals)',
        '',
        `* Date: ${new Date().toISOString()}; command: \`npm run bench:tls-floor -w @makapix/bench\`; Node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}.`,
        `* A bare \`tls.createServer\` with our listener's settings (same CA, server certificate and CRL profile, \`requestCert\`, TLS 1.2 clients with the fleet's RSA-2048 certificate) and no MQTT: ${idle.sockets.toLocaleString('en-US')} idle connections, then ${ROUNDS} rounds of a ${MESSAGE.length}-byte message to every connection, each answered with ${ACK.length} bytes.`,
        '',
        '| Figure | Node TLS alone |',
        '|---|---:|',
        `| Memory per idle connection (RSS Δ, KiB) | ${kib(idle.rss - before.rss)} |`,
        `| … of which V8 heap after a full GC (KiB) | ${kib(idle.heapUsed - before.heapUsed)} |`,
        `| Server CPU per connection (ms) | ${((idle.cpuMs - before.cpuMs) / CONNECTIONS).toFixed(2)} |`,
        `| Connects per second (one client process, 16 handshakes in flight) | ${(CONNECTIONS / connectS).toFixed(0)} |`,
        `| Server CPU per delivered message + ack (ms) | ${((after.cpuMs - idle.cpuMs) / (CONNECTIONS * ROUNDS)).toFixed(4)} |`,
        '',
      ].join('\n');
    } finally {
      child.kill();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'server') {
  await serve();
} else {
  const section = await measure();
  process.stdout.write(`${section}\n`);
  if (!process.argv.includes('--quick')) await writeResultsSection(path.join(repoRoot, 'bench/RESULTS.md'), section);
  process.exit(0);
}
