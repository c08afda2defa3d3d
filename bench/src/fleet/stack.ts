import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, closeSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { createTestDatabase } from '@makapix/db/test-helpers';
import { ensureDevCa } from '@makapix/devstack/dev-ca';
import { dataRoot, repoRoot } from '@makapix/devstack/paths';
import { getFreePort } from '@makapix/devstack/ports';
import { startPostgres } from '@makapix/devstack/postgres';
import { startRedis } from '@makapix/devstack/redis';
import { removeStaleRunDirs } from '@makapix/devstack/run-dirs';
import { startSmtpSink } from '@makapix/devstack/smtp-sink';

/**
 * The platform the fleet soak runs against, each part its own process so its RSS and CPU can be read
 * from /proc: embedded PostgreSQL, redis-server, the broker, the api and the worker (the same entry
 * points the dev command starts), on free loopback ports under `.data/bench/fleet-{pid}`.
 */
export interface FleetStack {
  runDir: string;
  vaultDir: string;
  apiBaseUrl: string;
  databaseUrl: string;
  mtlsPort: number;
  pids(): { broker: number; api: number; worker: number; postgres: number[]; redis: number };
  /** SIGKILL the broker, as a crash would; resolves once it is gone. */
  killBroker(): Promise<void>;
  startBroker(): Promise<void>;
  stop(): Promise<void>;
}

const RUN_PREFIX = 'fleet-';
const RAISE_FD_LIMIT = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"';

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
}

async function waitForPort(port: number, what: string, child: ChildProcess, logFile: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await portOpen(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${what} did not start; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function childPids(parent: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) out.push(pid);
    } catch {
      // gone between readdir and read
    }
  }
  return out;
}

function redisPid(port: number): number {
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!pid) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.startsWith('redis-server') && cmd.includes(String(port))) return pid;
    } catch {
      // gone
    }
  }
  throw new Error(`no redis-server process for port ${port}`);
}

export async function startFleetStack(opts: { count: number; log: (line: string) => void }): Promise<FleetStack> {
  const benchRoot = path.join(dataRoot, 'bench');
  await removeStaleRunDirs(benchRoot, RUN_PREFIX);
  const runDir = path.join(benchRoot, `${RUN_PREFIX}${process.pid}`);
  await rm(runDir, { recursive: true, force: true });
  await mkdir(runDir, { recursive: true });
  const pgDir = path.join(runDir, 'postgres');
  const postgres = await startPostgres({ dataDir: pgDir, port: await getFreePort() });
  const redisPort = await getFreePort();
  const redis = await startRedis({ dir: path.join(runDir, 'redis'), port: redisPort, persistent: false });
  const sink = await startSmtpSink({ dir: path.join(runDir, 'mail'), smtpPort: await getFreePort(), httpPort: await getFreePort() });
  const database = await createTestDatabase(postgres.adminUrl);
  const ca = await ensureDevCa({ dir: path.join(runDir, 'ca') });
  const postmaster = Number((await readFile(path.join(pgDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const [apiPort, mtlsPort, internalPort] = [await getFreePort(), await getFreePort(), await getFreePort()];
  const origin = `http://127.0.0.1:${apiPort}`;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: database.url,
    DATABASE_MIGRATE_ON_START: 'false',
    REDIS_URL: redis.url,
    SMTP_URL: `smtp://127.0.0.1:${sink.smtpPort}`,
    PUBLIC_BASE_URL: origin,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    VAULT_DIR: path.join(runDir, 'vault'),
    VAULT_INCOMING_DIR: path.join(runDir, 'incoming'),
    VAULT_PUBLIC_BASE_URL: `${origin}/vault`,
    CA_CERT_FILE: ca.files.caCert,
    CA_KEY_FILE: ca.files.caKey,
    CRL_FILE: ca.files.crl,
    BROKER_CERT_FILE: ca.files.brokerCert,
    BROKER_KEY_FILE: ca.files.brokerKey,
    BROKER_MTLS_HOST: '127.0.0.1',
    BROKER_MTLS_PORT: String(mtlsPort),
    BROKER_INTERNAL_PORT: String(internalPort),
    BROKER_INTERNAL_URL: `mqtt://127.0.0.1:${internalPort}`,
    BROKER_PUBLIC_HOST: '127.0.0.1',
    BROKER_PUBLIC_PORT: String(mtlsPort),
    // The whole fleet comes from this one host; the per-IP limit is for the internet, not a soak.
    BROKER_MAX_CONNECTIONS_PER_IP_PER_MINUTE: String(opts.count * 10 + 1000),
    BROKER_MAX_CONNECTIONS: String(opts.count + 1000),
  };
  const children = new Map<string, ChildProcess>();
  const spawnPart = (name: string, entry: string): ChildProcess => {
    const logFile = path.join(runDir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    try {
      const child = spawn('bash', ['-c', RAISE_FD_LIMIT, process.execPath, '--import', 'tsx', entry], { cwd: repoRoot, env, stdio: ['ignore', fd, fd] });
      children.set(name, child);
      return child;
    } finally {
      closeSync(fd);
    }
  };
  const startBroker = async () => {
    const child = spawnPart('broker', 'broker/src/main.ts');
    await waitForPort(mtlsPort, 'broker', child, path.join(runDir, 'broker.log'));
  };
  const stopChild = async (name: string, signal: NodeJS.Signals) => {
    const c = children.get(name);
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(timer);
  };
  process.once('exit', () => {
    for (const c of children.values()) c.kill('SIGKILL');
  });
  await startBroker();
  const api = spawnPart('api', 'api/src/server.ts');
  await waitForPort(apiPort, 'api', api, path.join(runDir, 'api.log'));
  spawnPart('worker', 'worker/src/main.ts');
  opts.log(`stack up in ${runDir}: api ${origin}, broker mqtts://127.0.0.1:${mtlsPort}`);
  return {
    runDir,
    vaultDir: path.join(runDir, 'vault'),
    apiBaseUrl: `${origin}/api`,
    databaseUrl: database.url,
    mtlsPort,
    pids: () => ({
      broker: children.get('broker')!.pid!,
      api: children.get('api')!.pid!,
      worker: children.get('worker')!.pid!,
      postgres: [postmaster, ...childPids(postmaster)],
      redis: redisPid(redisPort),
    }),
    killBroker: () => stopChild('broker', 'SIGKILL'),
    startBroker,
    stop: async () => {
      for (const name of ['worker', 'api', 'broker']) await stopChild(name, 'SIGTERM');
      await database.drop().catch(() => undefined);
      await sink.stop().catch(() => undefined);
      await redis.stop().catch(() => undefined);
      await postgres.stop().catch(() => undefined);
      await rm(runDir, { recursive: true, force: true });
    },
  };
}
