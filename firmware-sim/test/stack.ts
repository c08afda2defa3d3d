import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { getFreePort, repoRoot } from '@makapix/devstack';
import { inject } from 'vitest';
import { createPlayerTestApp, type PlayerTestApp } from '../../api/test/fixtures/players.ts';

// The real device plane for simulator tests: an api (its own database and Redis db, listening on a
// loopback port so the simulator speaks plain HTTP to it like a device) and the real broker as a
// CHILD PROCESS on fixed ports, so a test can SIGKILL it and start it again where players expect it.

const SERVICE_PASSWORD = 'sim-test-service-password-0123456789';

export interface SimStack {
  t: PlayerTestApp;
  apiBaseUrl: string;
  mtlsPort: number;
  killBroker(): Promise<void>;
  startBroker(): Promise<void>;
  close(): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
}

export async function startSimStack(): Promise<SimStack> {
  const [apiPort, mtlsPort, internalPort] = [await getFreePort(), await getFreePort(), await getFreePort()];
  const origin = `http://127.0.0.1:${apiPort}`;
  const t = await createPlayerTestApp({
    BROKER_INTERNAL_URL: `mqtt://127.0.0.1:${internalPort}`,
    BROKER_SERVICE_PASSWORD: SERVICE_PASSWORD,
    BROKER_PUBLIC_HOST: '127.0.0.1',
    BROKER_PUBLIC_PORT: String(mtlsPort),
    PUBLIC_BASE_URL: origin,
    VAULT_PUBLIC_BASE_URL: `${origin}/vault`,
  });
  await t.app.listen({ host: '127.0.0.1', port: apiPort });
  const caDir = inject('caDir');
  const env = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    BROKER_INSTANCE_ID: `sim-test-${mtlsPort}`,
    BROKER_MTLS_HOST: '127.0.0.1',
    BROKER_MTLS_PORT: String(mtlsPort),
    BROKER_INTERNAL_PORT: String(internalPort),
    BROKER_CERT_FILE: path.join(caDir, 'broker.pem'),
    BROKER_KEY_FILE: path.join(caDir, 'broker-key.pem'),
    CA_CERT_FILE: path.join(caDir, 'ca.pem'),
    CRL_FILE: t.crlFile,
    BROKER_SERVICE_USERNAME: t.config.broker.username,
    BROKER_SERVICE_PASSWORD: SERVICE_PASSWORD,
    BROKER_MAX_CONNECTIONS_PER_IP_PER_MINUTE: '10000',
    DATABASE_URL: t.config.db.url,
    REDIS_URL: t.config.redis.url,
  };
  let child: ChildProcess | null = null;
  let output = '';
  const startBroker = async () => {
    output = '';
    child = spawn(process.execPath, ['--import', 'tsx', 'broker/src/main.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const s of [child.stdout, child.stderr]) s?.on('data', (b: Buffer) => (output += b.toString()));
    const deadline = Date.now() + 60_000;
    while (!(await portOpen(mtlsPort))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`broker did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const killBroker = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  };
  await startBroker();
  return {
    t,
    apiBaseUrl: `${origin}/api`,
    mtlsPort,
    killBroker,
    startBroker,
    close: async () => {
      await killBroker();
      await t.close();
    },
  };
}
