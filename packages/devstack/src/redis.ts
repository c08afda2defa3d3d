import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import { waitForPort } from './ports.ts';

export interface RedisOptions {
  dir: string;
  port: number;
  /** AOF persistence for the dev stack; tests run with no persistence at all. */
  persistent: boolean;
  onLog?: (line: string) => void;
}

export interface RunningRedis {
  url: string;
  /** The redis-server process (benchmarks read its CPU time). */
  pid: number;
  stop(): Promise<void>;
}

/** Starts Debian's `redis-server` as a child process on a project port (installed by scripts/setup.sh). */
export async function startRedis(opts: RedisOptions): Promise<RunningRedis> {
  const dir = path.resolve(opts.dir);
  await mkdir(dir, { recursive: true });
  const args = [
    '--port', String(opts.port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--daemonize', 'no',
    '--save', '',
    '--appendonly', opts.persistent ? 'yes' : 'no',
    // BullMQ requires noeviction: an evicted job key would silently lose work.
    '--maxmemory-policy', 'noeviction',
    '--databases', '64',
  ];
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (err) =>
      reject(new Error(`cannot start redis-server (${err.message}); run scripts/setup.sh to install it`)),
    );
  });
  child.stdout?.on('data', (b: Buffer) => opts.onLog?.(b.toString()));
  child.stderr?.on('data', (b: Buffer) => opts.onLog?.(b.toString()));
  await Promise.race([waitForPort(opts.port), spawnError]);

  const url = `redis://127.0.0.1:${opts.port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await probe.connect();
  await probe.ping();
  probe.disconnect();

  return {
    url,
    pid: child.pid ?? -1,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        // SIGTERM makes redis flush the AOF before exiting.
        child.kill('SIGTERM');
      }),
  };
}
