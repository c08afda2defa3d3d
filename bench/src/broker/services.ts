import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@makapix/db/test-helpers';
// Subpath imports: the package index also pulls in the vitest helpers.
import { type DevCaFiles, ensureDevCa } from '@makapix/devstack/dev-ca';
import { dataRoot } from '@makapix/devstack/paths';
import { getFreePort } from '@makapix/devstack/ports';
import { type RunningPostgres, startPostgres } from '@makapix/devstack/postgres';
import { type RunningRedis, startRedis } from '@makapix/devstack/redis';
import { type Fleet, issueFleet } from './fleet-certs.ts';
import { insertFleet } from './fleet-db.ts';
import { removeStaleRunDirs } from '@makapix/devstack/run-dirs';

/**
 * The real services behind our broker — embedded PostgreSQL, redis-server — plus one CA, server
 * certificate and CRL that BOTH contenders use, and the fleet (certificates on disk for the client
 * processes, rows in a migrated database). Everything lives in one run directory under `.data/bench`
 * (PostgreSQL as root needs a directory its own user can reach; /tmp's sticky bit must not be touched).
 */

export interface BenchServices {
  runDir: string;
  ca: DevCaFiles;
  databaseUrl: string;
  redisUrl: string;
  /** redis-server's pid: its CPU time per message is the price of shared broker state. */
  redisPid: number;
  fleet: Fleet;
  /** JSON file with the fleet (read by every client process). */
  fleetFile: string;
  stop(): Promise<void>;
}

const benchRoot = path.join(dataRoot, 'bench');

export async function startServices(playerCount: number, log: (line: string) => void): Promise<BenchServices> {
  await removeStaleRunDirs(benchRoot, 'run-');
  const runDir = path.join(benchRoot, `run-${process.pid}`);
  await rm(runDir, { recursive: true, force: true });
  await mkdir(runDir, { recursive: true });

  let postgres: RunningPostgres | undefined;
  let redis: RunningRedis | undefined;
  let database: TestDatabase | undefined;
  const stop = async () => {
    await database?.drop().catch(() => undefined);
    await redis?.stop().catch(() => undefined);
    await postgres?.stop().catch(() => undefined);
    await rm(runDir, { recursive: true, force: true });
  };
  try {
    const pgLog: string[] = [];
    postgres = await startPostgres({ dataDir: path.join(runDir, 'postgres'), port: await getFreePort(), onLog: (l) => pgLog.push(l) }).catch(
      (err: unknown) => {
        throw new Error(`PostgreSQL failed to start: ${String(err)}\n${pgLog.slice(-20).join('')}`);
      },
    );
    redis = await startRedis({ dir: path.join(runDir, 'redis'), port: await getFreePort(), persistent: false });
    database = await createTestDatabase(postgres.adminUrl);
    log(`services up: postgres ${postgres.adminUrl.replace(/:[^:@/]*@/, ':***@')}, redis ${redis.url}`);

    const ca = await ensureDevCa({ dir: path.join(runDir, 'ca') });
    const started = Date.now();
    const fleet = issueFleet({ certPem: ca.caCertPem, keyPem: ca.caKeyPem }, playerCount);
    log(`issued ${playerCount} client certificates in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await insertFleet(database.url, fleet.players);
    const fleetFile = path.join(runDir, 'fleet.json');
    await writeFile(fleetFile, JSON.stringify(fleet));
    log(`inserted 1 owner + ${playerCount} players`);
    return { runDir, ca: ca.files, databaseUrl: database.url, redisUrl: redis.url, redisPid: redis.pid, fleet, fleetFile, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
