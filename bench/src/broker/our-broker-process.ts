import { loadConfig } from '@makapix/broker/config';
import { type BrokerServer, createBrokerServer } from '@makapix/broker/server';
import { pino } from 'pino';
import { memoryDetail, memoryDetailAfterGc } from './process-memory.ts';
import { serveRpc } from './processes.ts';

// Our broker in a process of its own (its RSS is measured from /proc), started exactly like
// broker/src/main.ts does — same config parser, same pino JSON logger on stdout at the configured
// level — but configured over RPC so the benchmark can read the bound ports and, as a diagnostic
// only, the V8 heap figures behind the RSS.

let server: BrokerServer | undefined;
const sessions = () => server?.sessions.livePlayers ?? 0;

serveRpc({
  async start(env: Record<string, string>) {
    const config = loadConfig(env);
    const logger = pino({ name: 'broker', level: config.log.level, base: { instanceId: config.instanceId } });
    server = createBrokerServer(config, logger);
    await server.start();
    return server.ports;
  },
  memory: () => memoryDetail(sessions()),
  gcMemory: () => memoryDetailAfterGc(sessions),
  async stop() {
    await server?.stop();
    server = undefined;
  },
});
