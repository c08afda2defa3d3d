import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { repoRoot } from '@makapix/devstack/paths';

/**
 * The two HTTP servers under test run in child processes, so each has its own event loop and the
 * load generator (autocannon, in the orchestrator) does not share theirs. A child reports the port
 * it listens on over the IPC channel and answers small RPC calls (stats, captured queries).
 * Every child is killed on every exit path of the orchestrator.
 */

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface ServerChild {
  name: string;
  pid: number;
  port: number;
  url(pathAndQuery: string): string;
  call<T>(cmd: string, timeoutMs?: number): Promise<T>;
  /** SIGTERM, SIGKILL after 5 s; resolves once the process is gone. */
  stop(): Promise<void>;
}

/** Messages of the child → orchestrator protocol (see serveChild). */
export type ChildMessage = { type: 'ready'; port: number } | { type: 'reply'; id: number; ok: boolean; result?: unknown; error?: string };

export async function spawnServer(
  name: string,
  script: string,
  config: unknown,
  opts: { logFile: string; readyTimeoutMs?: number },
): Promise<ServerChild> {
  const log = openSync(opts.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(config)], {
      cwd: repoRoot,
      stdio: ['ignore', log, log, 'ipc'],
    });
  } finally {
    closeSync(log);
  }
  live.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => live.delete(child));

  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: not ready after ${opts.readyTimeoutMs ?? 60_000} ms; see ${opts.logFile}`)), opts.readyTimeoutMs ?? 60_000);
    child.on('message', (raw) => {
      const msg = raw as ChildMessage;
      if (msg.type === 'ready') {
        clearTimeout(timer);
        resolve(msg.port);
        return;
      }
      const waiter = pending.get(msg.id);
      if (!waiter) return;
      pending.delete(msg.id);
      if (msg.ok) waiter.resolve(msg.result);
      else waiter.reject(new Error(`${name}: ${msg.error ?? 'failed'}`));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready; see ${opts.logFile}`));
      for (const [, waiter] of pending) waiter.reject(new Error(`${name} exited (${code}); see ${opts.logFile}`));
      pending.clear();
    });
  }).catch(async (err: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw err;
  });

  return {
    name,
    pid: child.pid ?? -1,
    port,
    url: (pathAndQuery) => `http://127.0.0.1:${port}${pathAndQuery}`,
    call<T>(cmd: string, timeoutMs = 30_000) {
      return new Promise<T>((resolve, reject) => {
        if (!child.connected) return reject(new Error(`${name} is not running; see ${opts.logFile}`));
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${name}: ${cmd} timed out`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => (clearTimeout(timer), resolve(v as T)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        });
        child.send({ id, cmd });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Child side (api-child.ts, bare-child.ts): announce the port, answer RPC calls by name, and go
 * away with the orchestrator (IPC channel closed) or on SIGTERM after `close`.
 */
export function serveChild(port: number, handlers: Record<string, () => unknown>, close: () => Promise<void>): void {
  if (!process.send) throw new Error('this entry point is started by the feed benchmark (IPC channel missing)');
  const send = (msg: ChildMessage) => process.send?.(msg);
  process.on('message', (raw) => {
    const { id, cmd } = raw as { id: number; cmd: string };
    const handler = handlers[cmd];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${cmd}`);
        return handler();
      })
      .then(
        (result) => send({ type: 'reply', id, ok: true, result }),
        (err: unknown) => send({ type: 'reply', id, ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
  });
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(1), 4_000);
    force.unref();
    void close().finally(() => process.exit(0));
  };
  process.once('disconnect', shutdown);
  process.once('SIGTERM', shutdown);
  send({ type: 'ready', port });
}
