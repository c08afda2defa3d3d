import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID, X509Certificate } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createDb, type DbHandle, players, users } from '@makapix/db';
import { createTestDatabase, type TestDatabase } from '@makapix/db/test-helpers';
import { allocateRedisDb } from '@makapix/devstack';
import { buildCrl, type CaMaterial, type ClientCert, issueClientCert, normalizeSerial, randomSerialHex, type RevokedEntry } from '@makapix/pki';
import { DEVICE_INBOX_STREAM, parseDeviceInboxEntry, type DeviceInboxEntry } from '@makapix/protocol';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { inject } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { type BrokerServer, createBrokerServer } from '../src/server.ts';

/** Broker environment variables (strings, as process.env would hold them). */
export type EnvOverrides = Record<string, string>;

export const SERVICE_USERNAME = 'makapix-api';
export const SERVICE_PASSWORD = 'test-service-password-0123456789';

/** One isolated world per test file: its own database, Redis logical db, CRL file and broker. */
export interface Harness {
  ca: CaMaterial;
  caDir: string;
  dir: string;
  crlFile: string;
  db: DbHandle;
  databaseUrl: string;
  redisUrl: string;
  redis: Redis;
  broker: BrokerServer;
  /** One RSA key shared by the fast test certificates (see issueFastClientCert). */
  deviceKey: { keyPem: string; publicKeyFile: string };
  /** Starts another broker over the same database / Redis / CRL (for limit tests). */
  startExtraBroker(env?: EnvOverrides): Promise<BrokerServer>;
  /** The environment a broker of this world runs with (for brokers in child processes). */
  brokerEnv(env?: EnvOverrides): EnvOverrides;
  /** Atomically replaces the CRL file (write + rename, as the api does). */
  writeCrl(revoked: RevokedEntry[]): Promise<void>;
  close(): Promise<void>;
}

export async function openHarness(env: EnvOverrides = {}): Promise<Harness> {
  const caDir = inject('caDir');
  const ca: CaMaterial = {
    certPem: await readFile(path.join(caDir, 'ca.pem'), 'utf8'),
    keyPem: await readFile(path.join(caDir, 'ca-key.pem'), 'utf8'),
  };
  const dir = await mkdtemp(path.join(inject('scratchDir'), 'broker-'));
  const crlFile = path.join(dir, 'crl.pem');
  await copyFile(path.join(caDir, 'crl.pem'), crlFile);
  const testDb: TestDatabase = await createTestDatabase(inject('databaseUrl'));
  const redisDb = await allocateRedisDb(inject('redisUrl'));
  const db = createDb(testDb.url, { max: 2 });
  const redis = new Redis(redisDb.url);

  const deviceKeys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const publicKeyFile = path.join(dir, 'device-pub.pem');
  await writeFile(publicKeyFile, deviceKeys.publicKey);

  const extras: BrokerServer[] = [];
  const brokerEnv = (overrides: EnvOverrides): EnvOverrides => ({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    BROKER_INSTANCE_ID: `test-${randomUUID().slice(0, 8)}`,
    BROKER_MTLS_HOST: '127.0.0.1',
    BROKER_MTLS_PORT: '0',
    BROKER_INTERNAL_PORT: '0',
    BROKER_CERT_FILE: path.join(caDir, 'broker.pem'),
    BROKER_KEY_FILE: path.join(caDir, 'broker-key.pem'),
    CA_CERT_FILE: path.join(caDir, 'ca.pem'),
    CRL_FILE: crlFile,
    BROKER_CRL_POLL_MS: '200',
    BROKER_SERVICE_USERNAME: SERVICE_USERNAME,
    BROKER_SERVICE_PASSWORD: SERVICE_PASSWORD,
    DATABASE_URL: testDb.url,
    REDIS_URL: redisDb.url,
    BROKER_MAX_CONNECTIONS_PER_IP_PER_MINUTE: '10000',
    ...env,
    ...overrides,
  });
  const start = async (overrides: EnvOverrides) => {
    const config = loadConfig(brokerEnv(overrides));
    const logger = pino({ level: config.log.level, base: { test: true } });
    const server = createBrokerServer(config, logger);
    await server.start();
    return server;
  };
  const broker = await start({});

  return {
    ca,
    caDir,
    dir,
    crlFile,
    db,
    databaseUrl: testDb.url,
    redisUrl: redisDb.url,
    redis,
    broker,
    deviceKey: { keyPem: deviceKeys.privateKey, publicKeyFile },
    brokerEnv,
    async startExtraBroker(overrides = {}) {
      const server = await start(overrides);
      extras.push(server);
      return server;
    },
    async writeCrl(revoked) {
      const tmp = `${crlFile}.${process.pid}.tmp`;
      await writeFile(tmp, buildCrl({ ca, revoked }));
      await rename(tmp, crlFile);
    },
    async close() {
      for (const server of extras) await server.stop();
      await broker.stop();
      redis.disconnect();
      await db.close();
      await testDb.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A client certificate with the docs/device-protocol.md §2.3 profile, signed by the platform CA with the OpenSSL
 * CLI over one shared RSA key: RSA key generation dominates the cost of `issueClientCert` (seconds on
 * a busy machine), and only a few tests need the platform's own issuance path.
 */
export async function issueFastClientCert(h: Harness, playerKey: string, subject = `/CN=${playerKey}`): Promise<ClientCert> {
  const serial = randomSerialHex();
  const extensions = [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=clientAuth',
    `subjectAltName=DNS:player-${playerKey}`,
  ].join('\n');
  const extFile = path.join(h.dir, `ext-${playerKey}.cnf`);
  await writeFile(extFile, extensions);
  const certPem = await new Promise<string>((resolve, reject) => {
    execFile(
      'openssl',
      ['x509', '-new', '-subj', subject, '-force_pubkey', h.deviceKey.publicKeyFile, '-CA', path.join(h.caDir, 'ca.pem'),
        '-CAkey', path.join(h.caDir, 'ca-key.pem'), '-set_serial', `0x${serial}`, '-days', '30', '-sha256', '-extfile', extFile],
      (err, stdout, stderr) => (err ? reject(new Error(`openssl failed: ${stderr}`)) : resolve(stdout)),
    );
  });
  await rm(extFile);
  return { certPem, keyPem: h.deviceKey.keyPem, serial: normalizeSerial(serial), notAfter: new Date(new X509Certificate(certPem).validTo) };
}

let handles = 0;

export interface TestPlayer {
  key: string;
  playerId: number;
  ownerId: number;
  cert: ClientCert;
}

/**
 * A registered player with an eligible owner and a certificate on record (docs/device-protocol.md §2.2).
 * `platformCert` issues it with @makapix/pki exactly as the api does (slow: a fresh RSA key).
 */
export async function createPlayer(h: Harness, options: { ownerId?: number; platformCert?: boolean } = {}): Promise<TestPlayer> {
  let ownerId = options.ownerId;
  if (ownerId === undefined) {
    const handle = `owner${process.pid}${++handles}`;
    const [user] = await h.db.db.insert(users).values({ email: `${handle}@example.test`, handle, handleCanonical: handle }).returning();
    ownerId = user!.id;
  }
  const key = randomUUID();
  const cert = options.platformCert ? issueClientCert({ ca: h.ca, playerKey: key }) : await issueFastClientCert(h, key);
  const [player] = await h.db.db
    .insert(players)
    .values({ playerKey: key, ownerId, name: 'Test player', registeredAt: new Date(), certSerial: cert.serial, certNotAfter: cert.notAfter, certPem: cert.certPem })
    .returning();
  return { key, playerId: player!.id, ownerId, cert };
}

/** Every inbox entry so far, parsed with the protocol schema (throws on a malformed one). */
export async function readInbox(redis: Redis): Promise<DeviceInboxEntry[]> {
  const entries = await redis.xrange(DEVICE_INBOX_STREAM, '-', '+');
  return entries.map(([id, fields]) => {
    const parsed = parseDeviceInboxEntry(fields);
    if (!parsed.success) throw new Error(`inbox entry ${id} does not match the contract: ${parsed.error.message}`);
    return parsed.data;
  });
}

/** Polls until `check` returns a value that is not undefined / false, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
