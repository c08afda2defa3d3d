import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EnvOverrides, Harness } from './harness.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(REPO_ROOT, 'broker/src/main.ts');

/** A free loopback port (closed again at once: the broker binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A broker run exactly as in production (`broker/src/main.ts`), in its own OS process. */
export interface BrokerProcess {
  ports: { mtls: number; internal: number };
  /** Instance ids of its broker processes (one per cluster worker), as they announced themselves. */
  instanceIds: string[];
  /** Every JSON log line so far. */
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

/**
 * Starts main.ts with this harness' environment on fresh ports, shared state in Redis, and waits
 * until each of its `processes` broker processes logged "broker listening".
 */
export async function startBrokerProcess(h: Harness, env: EnvOverrides = {}, processes = 1): Promise<BrokerProcess> {
  const ports = { mtls: await freePort(), internal: await freePort() };
  const childEnv = {
    ...process.env,
    ...h.brokerEnv({
      LOG_LEVEL: 'info',
      BROKER_SHARED_STATE: 'redis',
      BROKER_PROCESSES: String(processes),
      BROKER_MTLS_PORT: String(ports.mtls),
      BROKER_INTERNAL_PORT: String(ports.internal),
      ...env,
    }),
  };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  const instanceIds: string[] = [];
  let stderr = '';
  let buffered = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    process.stderr.write(chunk); // a crash trace belongs in the test output
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        logs.push(entry);
        // pino levels: 50 error, 60 fatal.
        if (typeof entry.level === 'number' && entry.level >= 50) process.stderr.write(`${line}\n`);
        if (entry.msg === 'broker listening') instanceIds.push(String(entry.instanceId));
        if (instanceIds.length === processes) resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`broker process exited (${code}) before listening: ${stderr}`)));
    setTimeout(() => reject(new Error(`broker process not listening after 30 s: ${stderr}`)), 30_000).unref();
  });
  try {
    await ready;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    ports,
    instanceIds,
    logs,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
