import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { S3VaultStoreOptions } from './s3-store.ts';

/**
 * A real S3-compatible HTTP server (s3rver, from npm) on loopback, for tests of the S3 vault store
 * and of the worker writing through it. S3 is the outside world (docs/architecture.md §5), so it is
 * faked by a server speaking the same wire protocol, never by a mock client.
 */
export interface TestS3Server {
  /** `http://127.0.0.1:{port}`, a port the OS chose. */
  endpoint: string;
  bucket: string;
  /** Store options for this server; each caller may add its own bucket, prefix or page size. */
  storeOptions(extra?: Partial<S3VaultStoreOptions>): S3VaultStoreOptions;
  /** The same, as the worker's VAULT_S3_* variables. */
  env(prefix?: string): Record<string, string>;
  close(): Promise<void>;
}

/** s3rver's fixed development account (it checks the key id; V4 signatures it does not verify). */
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';
const REGION = 'us-east-1';

/**
 * Runs in its own Node process: s3rver encrypts continuation tokens with DES, which OpenSSL 3 only
 * offers through its legacy provider, a flag that cannot be set inside an already running process.
 * Port 0 lets the OS pick a free port; the child exits when its stdin closes, so a killed test run
 * never leaves a server behind.
 */
const CHILD_SCRIPT = `
const S3rver = require(process.argv[1]);
const server = new S3rver({ address: '127.0.0.1', port: 0, directory: process.argv[2], silent: true,
  configureBuckets: [{ name: process.argv[3], configs: [] }] });
server.run().then(({ port }) => process.stdout.write(JSON.stringify({ port }) + '\\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

async function readPort(child: ChildProcess): Promise<number> {
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`test S3 server exited early (code ${String(code)})`);
  });
  const first = (async () => {
    for await (const line of lines) return (JSON.parse(line) as { port: number }).port;
    throw new Error('test S3 server closed its output before reporting a port');
  })();
  return Promise.race([first, exited]);
}

export async function startTestS3Server(bucket = 'makapix-vault'): Promise<TestS3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'vault-s3-'));
  const s3rverMain = createRequire(import.meta.url).resolve('s3rver');
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', CHILD_SCRIPT, s3rverMain, directory, bucket], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await readPort(child).catch(async (err: unknown) => {
    child.kill();
    await rm(directory, { recursive: true, force: true });
    throw err;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    storeOptions: (extra = {}) => ({
      bucket,
      endpoint,
      region: REGION,
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: SECRET_ACCESS_KEY,
      // Loopback has no per-bucket DNS names.
      forcePathStyle: true,
      ...extra,
    }),
    env: (prefix = '') => ({
      VAULT_S3_BUCKET: bucket,
      VAULT_S3_ENDPOINT: endpoint,
      VAULT_S3_REGION: REGION,
      VAULT_S3_ACCESS_KEY_ID: ACCESS_KEY_ID,
      VAULT_S3_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
      VAULT_S3_FORCE_PATH_STYLE: 'true',
      VAULT_S3_PREFIX: prefix,
    }),
    async close() {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.stdin?.end();
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
