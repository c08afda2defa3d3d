import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureDevCa } from '../dev-ca.ts';
import { testDataDir } from '../paths.ts';
import { getFreePort } from '../ports.ts';
import { startPostgres } from '../postgres.ts';
import { startRedis } from '../redis.ts';
import { startSmtpSink } from '../smtp-sink.ts';
import './provided.ts';
import { removeStaleRunDirs } from '../run-dirs.ts';

/**
 * Starts the real services every integration test needs, once per `vitest run`: embedded
 * PostgreSQL (a fresh cluster), redis-server without persistence, the SMTP sink and a dev CA.
 * Ports are picked free and data lives in a per-run directory, so neither a running dev stack nor
 * a second test run on the same machine is ever touched.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await removeStaleRunDirs(testDataDir, 'run-');
  const runDir = path.join(testDataDir, `run-${process.pid}`);
  await rm(runDir, { recursive: true, force: true });
  await mkdir(path.join(runDir, 'scratch'), { recursive: true });

  const logs: string[] = [];
  const postgres = await startPostgres({
    dataDir: path.join(runDir, 'postgres'),
    port: await getFreePort(),
    onLog: (l) => logs.push(l),
  }).catch((err: unknown) => {
    throw new Error(`PostgreSQL failed to start: ${String(err)}\n${logs.slice(-20).join('')}`);
  });
  const redis = await startRedis({ dir: path.join(runDir, 'redis'), port: await getFreePort(), persistent: false });
  const sink = await startSmtpSink({
    dir: path.join(runDir, 'mail'),
    smtpPort: await getFreePort(),
    httpPort: await getFreePort(),
  });
  const ca = await ensureDevCa({ dir: path.join(runDir, 'ca') });

  project.provide('databaseUrl', postgres.adminUrl);
  project.provide('redisUrl', redis.url);
  project.provide('smtpPort', sink.smtpPort);
  project.provide('mailApiUrl', sink.apiUrl);
  project.provide('caDir', ca.files.dir);
  project.provide('scratchDir', path.join(runDir, 'scratch'));

  return async () => {
    await sink.stop();
    await redis.stop();
    await postgres.stop();
    await rm(runDir, { recursive: true, force: true });
  };
}
