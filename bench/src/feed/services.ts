import { readFile, rm, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@makapix/db/test-helpers';
// Subpath imports: the devstack index also pulls in the vitest helpers.
import { dataRoot } from '@makapix/devstack/paths';
import { getFreePort } from '@makapix/devstack/ports';
import { type RunningPostgres, startPostgres } from '@makapix/devstack/postgres';
import { type RunningRedis, startRedis } from '@makapix/devstack/redis';
import pg from 'pg';
import { removeStaleRunDirs } from '@makapix/devstack/run-dirs';

/**
 * Embedded PostgreSQL and redis-server for one run, in a run directory under `.data/bench`
 * (PostgreSQL as root needs a directory its own user can reach). Everything is removed by `stop`.
 */
export interface FeedServices {
  runDir: string;
  databaseUrl: string;
  redisUrl: string;
  /** `server_version` of the running PostgreSQL. */
  postgresVersion: string;
  /** pid of the postmaster, whose backends' CPU time the report adds up. */
  postmasterPid: number;
  stop(): Promise<void>;
}

const benchRoot = path.join(dataRoot, 'bench');
const RUN_PREFIX = 'feed-';

export async function startServices(log: (line: string) => void): Promise<FeedServices> {
  await removeStaleRunDirs(benchRoot, RUN_PREFIX);
  const runDir = path.join(benchRoot, `${RUN_PREFIX}${process.pid}`);
  await rm(runDir, { recursive: true, force: true });
  await mkdir(runDir, { recursive: true });

  let postgres: RunningPostgres | undefined;
  let redis: RunningRedis | undefined;
  let database: TestDatabase | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await database?.drop().catch(() => undefined);
      await redis?.stop().catch(() => undefined);
      await postgres?.stop().catch(() => undefined);
      await rm(runDir, { recursive: true, force: true });
    })());
  try {
    const pgLog: string[] = [];
    const pgDir = path.join(runDir, 'postgres');
    postgres = await startPostgres({ dataDir: pgDir, port: await getFreePort(), onLog: (l) => pgLog.push(l) }).catch((err: unknown) => {
      throw new Error(`PostgreSQL failed to start: ${String(err)}\n${pgLog.slice(-20).join('')}`);
    });
    redis = await startRedis({ dir: path.join(runDir, 'redis'), port: await getFreePort(), persistent: false });
    database = await createTestDatabase(postgres.adminUrl);
    const postmasterPid = Number((await readFile(path.join(pgDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    const postgresVersion = await serverVersion(database.url);
    log(`services up: PostgreSQL ${postgresVersion}, redis ${redis.url}`);
    return { runDir, databaseUrl: database.url, redisUrl: redis.url, postgresVersion, postmasterPid, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    return rows[0]?.server_version ?? 'unknown';
  } finally {
    await client.end();
  }
}
