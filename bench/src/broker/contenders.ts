import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PACKET_OVERHEAD_BYTES } from '@makapix/broker/limits';
import { getFreePort, waitForPort } from '@makapix/devstack/ports';
import { heartbeatKey } from '@makapix/protocol';
import { Redis } from 'ioredis';
import type { ServiceConnectArgs } from './messages.ts';
import { writeMosquittoFiles } from './mosquitto-conf.ts';
import { type ChildHandle, spawnProgram, spawnRpc, spawnScript } from './processes.ts';
import type { MemoryDetail } from './process-memory.ts';
import type { BenchServices } from './services.ts';
import { waitUntil } from './stats.ts';

/**
 * Our broker — one process with in-memory state (the default), one process with its state in Redis,
 * and two cluster processes sharing state through Redis (BROKER_PROCESSES=2) — Aedes alone on the
 * same Node TLS settings (the stack's floor), and Mosquitto.
 */
export type ContenderName = 'ours' | 'ours-redis' | 'ours-x2' | 'aedes' | 'mosquitto';
export const CONTENDERS: readonly ContenderName[] = ['ours', 'ours-redis', 'ours-x2', 'aedes', 'mosquitto'];
export const CONTENDER_LABELS: Record<ContenderName, string> = {
  ours: 'Ours, 1 process',
  'ours-redis': 'Ours, 1 process, Redis state',
  'ours-x2': 'Ours, 2 processes',
  aedes: 'Bare Aedes',
  mosquitto: 'Mosquitto',
};
export const isOurs = (name: ContenderName) => name.startsWith('ours');
export type { MemoryDetail };

export interface Contender {
  name: ContenderName;
  /** The broker process (its RSS and CPU time are read from /proc). */
  pid: number;
  /** Every broker process (the cluster primary and its workers); RSS and CPU are summed over them. */
  pids(): Promise<number[]>;
  mtlsPort: number;
  service: ServiceConnectArgs;
  memoryDetail(afterGc: boolean): Promise<MemoryDetail | null>;
  /** What answers device requests: the real api for ours, a minimal echo client for the others. */
  startResponder(): Promise<ChildHandle>;
  stop(): Promise<void>;
}

export interface ContenderContext {
  services: BenchServices;
  /** Logs and configuration of this run (one per contender and fleet size). */
  dir: string;
  /** Diagnostic: write V8 CPU profiles of our processes here. */
  profileDir: string | null;
}

const SERVICE_USERNAME = 'makapix-api';
const MAX_PAYLOAD_BYTES = 256 * 1024;
const script = (name: string) => path.join('bench/src/broker', name);
const secret = () => randomBytes(24).toString('hex');
const profiling = (ctx: ContenderContext, name: string) =>
  ctx.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(ctx.profileDir, `${name}-${path.basename(ctx.dir)}`)}`] : [];

type Ports = { mtls: number; internal: number };

/** A Node broker (ours or bare Aedes) in its own process, driven over RPC, and the Contender around it. */
async function startNodeBroker(
  ctx: ContenderContext,
  name: 'ours' | 'ours-redis' | 'aedes',
  file: string,
  startArgs: (password: string) => unknown,
  startResponder: (service: ServiceConnectArgs) => Promise<ChildHandle>,
): Promise<Contender> {
  await mkdir(ctx.dir, { recursive: true });
  const password = secret();
  const broker = spawnRpc(script(file), { name: `${name}-broker`, logFile: path.join(ctx.dir, 'broker.log'), nodeArgs: ['--expose-gc', ...profiling(ctx, name)] });
  const ports = await broker.call<Ports>('start', startArgs(password), 120_000);
  const service = { url: `mqtt://127.0.0.1:${ports.internal}`, username: SERVICE_USERNAME, password };
  return {
    name,
    pid: broker.pid,
    pids: async () => [broker.pid],
    mtlsPort: ports.mtls,
    service,
    memoryDetail: (afterGc) => broker.call<MemoryDetail>(afterGc ? 'gcMemory' : 'memory'),
    startResponder: () => startResponder(service),
    async stop() {
      await broker.call('stop', undefined, 30_000).catch(() => undefined);
      await broker.stop();
    },
  };
}

/** Our broker's environment: production defaults; only listeners, files, secrets and services are set. */
function ourEnv(services: BenchServices, password: string, ports: { mtls: number; internal: number } = { mtls: 0, internal: 0 }) {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    BROKER_INSTANCE_ID: `bench-${process.pid}`,
    BROKER_MTLS_HOST: '127.0.0.1',
    BROKER_MTLS_PORT: String(ports.mtls),
    BROKER_INTERNAL_HOST: '127.0.0.1',
    BROKER_INTERNAL_PORT: String(ports.internal),
    BROKER_CERT_FILE: services.ca.brokerCert,
    BROKER_KEY_FILE: services.ca.brokerKey,
    CA_CERT_FILE: services.ca.caCert,
    CRL_FILE: services.ca.crl,
    BROKER_SERVICE_USERNAME: SERVICE_USERNAME,
    BROKER_SERVICE_PASSWORD: password,
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
  };
}

/** Our broker in one process; `redis` keeps its Aedes state in Redis as a multi-broker fleet does. */
export function startOurs(ctx: ContenderContext, state: 'memory' | 'redis' = 'memory'): Promise<Contender> {
  const env = (password: string) => ({ ...ourEnv(ctx.services, password), BROKER_SHARED_STATE: state });
  const name = state === 'memory' ? 'ours' : 'ours-redis';
  return startNodeBroker(ctx, name, 'our-broker-process.ts', env, (service) => startApiResponder(ctx, service));
}

/**
 * BROKER_PROCESSES=2: broker/src/main.ts exactly as deployed, a cluster primary and two workers
 * sharing the listeners and their state through Redis. Ready once both workers beat (heartbeat keys).
 */
export async function startOursCluster(ctx: ContenderContext): Promise<Contender> {
  await mkdir(ctx.dir, { recursive: true });
  const password = secret();
  const ports = { mtls: await getFreePort(), internal: await getFreePort() };
  const instanceId = `bench-x2-${process.pid}`;
  const broker = spawnScript('broker/src/main.ts', {
    name: 'ours-x2-broker',
    logFile: path.join(ctx.dir, 'broker.log'),
    nodeArgs: profiling(ctx, 'ours-x2'),
    env: { ...ourEnv(ctx.services, password, ports), BROKER_INSTANCE_ID: instanceId, BROKER_PROCESSES: '2' },
  });
  const redis = new Redis(ctx.services.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await Promise.race([
      waitUntil(async () => (await redis.keys(heartbeatKey('broker', `${instanceId}-w*`))).length >= 2, 120_000, 'two broker workers', 250),
      broker.exited.then((code) => {
        throw new Error(`broker exited (${code}) before its workers were up; see ${ctx.dir}/broker.log`);
      }),
    ]);
  } catch (err) {
    await broker.stop();
    throw err;
  } finally {
    redis.disconnect();
  }
  const service = { url: `mqtt://127.0.0.1:${ports.internal}`, username: SERVICE_USERNAME, password };
  return {
    name: 'ours-x2',
    pid: broker.pid,
    pids: async () => [broker.pid, ...(await childPids(broker.pid))],
    mtlsPort: ports.mtls,
    service,
    memoryDetail: async () => null,
    startResponder: () => startApiResponder(ctx, service),
    stop: () => broker.stop(),
  };
}

/** The cluster workers: children of the primary (Linux /proc). */
async function childPids(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

/** The real api answers our broker's requests (device-inbox consumer + device-requests handlers). */
async function startApiResponder(ctx: ContenderContext, service: ServiceConnectArgs): Promise<ChildHandle> {
  const { services } = ctx;
  const apiPort = await getFreePort();
  const api = spawnScript('api/src/server.ts', {
    name: 'api',
    nodeArgs: profiling(ctx, 'api'),
    logFile: path.join(ctx.dir, 'api.log'),
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      DATABASE_URL: services.databaseUrl,
      DATABASE_MIGRATE_ON_START: 'false',
      REDIS_URL: services.redisUrl,
      JWT_SECRET: secret(),
      KEY_ENCRYPTION_SECRET: secret(),
      BROKER_INTERNAL_URL: service.url,
      BROKER_SERVICE_USERNAME: service.username,
      BROKER_SERVICE_PASSWORD: service.password,
      CA_CERT_FILE: services.ca.caCert,
      CA_KEY_FILE: services.ca.caKey,
      CRL_FILE: services.ca.crl,
      VAULT_INCOMING_DIR: path.join(ctx.dir, 'incoming'),
      VAULT_MIN_FREE_BYTES: '0',
      DEVICE_INBOX_ENABLED: 'true',
    },
  });
  await Promise.race([
    waitForPort(apiPort, '127.0.0.1', 120_000),
    api.exited.then((code) => {
      throw new Error(`api exited (${code}) before listening; see ${ctx.dir}/api.log`);
    }),
  ]);
  return api;
}

/** The minimal echo client that answers requests for the raw brokers (subscribed to every request). */
async function startEchoResponder(ctx: ContenderContext, service: ServiceConnectArgs): Promise<ChildHandle> {
  const responder = spawnRpc(script('service-client.ts'), { name: 'echo-responder', logFile: path.join(ctx.dir, 'responder.log') });
  await responder.call('startResponder', service, 30_000);
  return responder;
}

/** Aedes with its defaults and no hooks of ours, on the same Node TLS settings (bare-aedes-process.ts). */
export function startBareAedes(ctx: ContenderContext): Promise<Contender> {
  const { ca } = ctx.services;
  const args = (password: string) => ({ caCert: ca.caCert, brokerCert: ca.brokerCert, brokerKey: ca.brokerKey, crl: ca.crl, service: { username: SERVICE_USERNAME, password } });
  return startNodeBroker(ctx, 'aedes', 'bare-aedes-process.ts', args, (service) => startEchoResponder(ctx, service));
}

export function startContender(name: ContenderName, ctx: ContenderContext): Promise<Contender> {
  if (name === 'ours') return startOurs(ctx);
  if (name === 'ours-redis') return startOurs(ctx, 'redis');
  if (name === 'ours-x2') return startOursCluster(ctx);
  if (name === 'aedes') return startBareAedes(ctx);
  return startMosquitto(ctx);
}

/** Debian's Mosquitto with the same CA, server certificate, CRL and mTLS policy. */
export async function startMosquitto(ctx: ContenderContext): Promise<Contender> {
  await mkdir(ctx.dir, { recursive: true });
  const { ca } = ctx.services;
  const mtlsPort = await getFreePort();
  const servicePort = await getFreePort();
  const password = secret();
  const conf = await writeMosquittoFiles({
    dir: ctx.dir,
    mtlsPort,
    servicePort,
    tls: { caFile: ca.caCert, certFile: ca.brokerCert, keyFile: ca.brokerKey, crlFile: ca.crl },
    service: { username: SERVICE_USERNAME, password },
    maxPacketBytes: MAX_PAYLOAD_BYTES + PACKET_OVERHEAD_BYTES,
  });
  const broker = spawnProgram('/usr/sbin/mosquitto', ['-c', conf], { name: 'mosquitto', logFile: path.join(ctx.dir, 'stderr.log') });
  await Promise.race([
    Promise.all([waitForPort(mtlsPort), waitForPort(servicePort)]),
    broker.exited.then((code) => {
      throw new Error(`mosquitto exited (${code}); see ${ctx.dir}`);
    }),
  ]);
  const service = { url: `mqtt://127.0.0.1:${servicePort}`, username: SERVICE_USERNAME, password };
  return {
    name: 'mosquitto',
    pid: broker.pid,
    pids: async () => [broker.pid],
    mtlsPort,
    service,
    memoryDetail: async () => null,
    startResponder: () => startEchoResponder(ctx, service),
    stop: () => broker.stop(),
  };
}
