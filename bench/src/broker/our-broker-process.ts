import { loadConfig } from '@makapix/broker/config';
import { type BrokerServer, createBrokerServer } from '@makapix/broker/server';
import { pino } from 'pino';
import { serveRpc } from './processes.ts';

// Our broker in a process of its own (its RSS is measured from /proc), started exactly like
// broker/src/main.ts does — same config parser, same pino JSON logger on stdout at the configured
// level — but configured over RPC so the benchmark can read the bound ports and, as a diagnostic
// only, the V8 heap figures behind the RSS.

let server: BrokerServer | undefined;

interface MemoryDetail {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  sessions: number;
}

function memory(): MemoryDetail {
  const m = process.memoryUsage();
  return { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, sessions: server?.sessions.livePlayers ?? 0 };
}

serveRpc({
  async start(env: Record<string, string>) {
    const config = loadConfig(env);
    const logger = pino({ name: 'broker', level: config.log.level, base: { instanceId: config.instanceId } });
    server = createBrokerServer(config, logger);
    await server.start();
    return server.ports;
  },
  memory,
  /** After a full GC: what the heap retains, without garbage not yet collected. */
  gcMemory() {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) throw new Error('start with --expose-gc');
    gc();
    return memory();
  },
  async stop() {
    await server?.stop();
    server = undefined;
  },
});
