import { spawn, type ChildProcess } from 'node:child_process';
import { rm, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { getFreePort, repoRoot, waitForPort } from '@makapix/devstack';

/** Where the reference page lives while the benchmark runs (Next reads public/ when it starts). */
const STATIC_NAME = '__bench-static-feed.html';

export interface BenchNextServer {
  origin: string;
  staticPath: string;
  stop(): Promise<void>;
}

/**
 * A second `next start` of the web's production build (the one the stack just built), with one
 * extra public file: the server-rendered feed page's exact bytes. Both pages are then answered by
 * the same Next server, which is what the comparison needs; the file is removed afterwards.
 */
export async function startBenchNext(feedHtml: Buffer, env: { apiUpstream: string; publicBaseUrl: string }): Promise<BenchNextServer> {
  const webDir = path.join(repoRoot, 'web');
  const file = path.join(webDir, 'public', STATIC_NAME);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, feedHtml);
  const port = await getFreePort();
  const child: ChildProcess = spawn(process.execPath, [path.join(repoRoot, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: webDir,
    env: { ...process.env, NODE_ENV: 'production', API_UPSTREAM: env.apiUpstream, PUBLIC_BASE_URL: env.publicBaseUrl, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(file, { force: true });
  };
  try {
    await waitForPort(port, '127.0.0.1', 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { origin: `http://127.0.0.1:${port}`, staticPath: `/${STATIC_NAME}`, stop };
}
