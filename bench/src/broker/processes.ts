import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { repoRoot } from '@makapix/devstack/paths';
import { inheritedEnv } from './config.ts';

/**
 * Child processes of the benchmark. Each one runs with the file-descriptor limit raised (10,000 TLS
 * sockets need as many descriptors; the hard limit caps what `ulimit -n` may ask for) and is tracked
 * so that every exit path of the orchestrator — normal end, error, signal — kills what it started.
 */

const live = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

const RAISE_FD_LIMIT = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"';

export interface ChildHandle {
  readonly name: string;
  readonly pid: number;
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface RpcChild extends ChildHandle {
  call<T>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T>;
}

export interface SpawnOptions {
  name: string;
  /** stdout and stderr of the child are appended here. */
  logFile: string;
  env?: Record<string, string>;
}

function spawnTracked(command: string, args: string[], opts: SpawnOptions, ipc: boolean): ChildProcess {
  const log = openSync(opts.logFile, 'a');
  try {
    const child = spawn('bash', ['-c', RAISE_FD_LIMIT, command, ...args], {
      cwd: repoRoot,
      env: inheritedEnv(opts.env),
      stdio: ipc ? ['ignore', log, log, 'ipc'] : ['ignore', log, log],
    });
    live.add(child);
    child.once('exit', () => live.delete(child));
    if (child.pid === undefined) throw new Error(`${opts.name}: spawn failed`);
    return child;
  } finally {
    closeSync(log);
  }
}

function handleOf(name: string, child: ChildProcess): ChildHandle {
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
  return {
    name,
    pid: child.pid ?? -1,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A native program (mosquitto). */
export function spawnProgram(program: string, args: string[], opts: SpawnOptions): ChildHandle {
  return handleOf(opts.name, spawnTracked(program, args, opts, false));
}

/** A TypeScript entry point run by Node with tsx, without RPC (the api server). */
export function spawnScript(script: string, opts: SpawnOptions & { nodeArgs?: string[] }): ChildHandle {
  return handleOf(opts.name, spawnTracked(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', script], opts, false));
}

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** A TypeScript entry point that serves `serveRpc` handlers over the IPC channel. */
export function spawnRpc(script: string, opts: SpawnOptions & { nodeArgs?: string[] }): RpcChild {
  const child = spawnTracked(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', script], opts, true);
  const handle = handleOf(opts.name, child);
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let nextId = 1;
  child.on('message', (raw) => {
    const reply = raw as Reply;
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    clearTimeout(waiter.timer);
    if (reply.ok) waiter.resolve(reply.result);
    else waiter.reject(new Error(`${opts.name}: ${reply.error ?? 'failed'}`));
  });
  void handle.exited.then((code) => {
    for (const [, waiter] of pending) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`${opts.name} exited (${code}) during a call; see ${opts.logFile}`));
    }
    pending.clear();
  });
  return {
    ...handle,
    call<T>(cmd: string, args?: unknown, timeoutMs = 60_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (!child.connected) return reject(new Error(`${opts.name} is not running; see ${opts.logFile}`));
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${opts.name}: ${cmd} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        child.send({ id, cmd, args });
      });
    },
  };
}

type Handlers = Record<string, (args: never) => Promise<unknown> | unknown>;

/** Child side of spawnRpc; the child exits when the orchestrator goes away (channel closed). */
export function serveRpc(handlers: Handlers): void {
  if (!process.send) throw new Error('serveRpc needs an IPC channel (start it with spawnRpc)');
  const send = process.send.bind(process);
  process.on('message', (raw) => {
    const { id, cmd, args } = raw as { id: number; cmd: string; args: never };
    const handler = handlers[cmd];
    if (!handler) {
      send({ id, ok: false, error: `unknown command ${cmd}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(args))
      .then(
        (result) => send({ id, ok: true, result }),
        (err: unknown) => send({ id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
      );
  });
  process.once('disconnect', () => process.exit(0));
  // A clean exit on SIGTERM lets Node write what it writes at exit (e.g. --cpu-prof profiles).
  process.once('SIGTERM', () => process.exit(0));
}
