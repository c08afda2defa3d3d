import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { repoRoot } from '../paths.ts';

export interface ProcessSpec {
  name: string;
  /** Entry file relative to the repo root; the process is skipped when it does not exist yet. */
  entry: string;
  command: string;
  args: string[];
  env: Record<string, string>;
}

const COLORS = [36, 35, 33, 32, 34, 91, 96, 93];

/** Runs child processes with one readable, name-prefixed log stream, and stops them together. */
export class ProcessGroup {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;

  constructor(private readonly onUnexpectedExit: (name: string, code: number | null) => void) {}

  start(spec: ProcessSpec): boolean {
    if (!existsSync(path.join(repoRoot, spec.entry))) return false;
    const color = COLORS[this.children.size % COLORS.length];
    const prefix = `\x1b[${color}m${spec.name.padEnd(8)}\x1b[0m│ `;
    const child = spawn(spec.command, spec.args, {
      cwd: repoRoot,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group, so Ctrl-C in the terminal reaches only us and we stop children in order.
      detached: true,
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) readline.createInterface({ input: stream }).on('line', (line) => process.stdout.write(prefix + line + '\n'));
    }
    child.on('exit', (code) => {
      this.children.delete(spec.name);
      if (!this.stopping) this.onUnexpectedExit(spec.name, code);
    });
    this.children.set(spec.name, child);
    return true;
  }

  /** Runs a one-off child (e.g. the demo seed) to completion with the same log prefixing; resolves to its exit code. */
  runOnce(spec: ProcessSpec): Promise<number | null> {
    if (!existsSync(path.join(repoRoot, spec.entry))) return Promise.resolve(null);
    const child = spawn(spec.command, spec.args, { cwd: repoRoot, env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const prefix = `\x1b[1m${spec.name.padEnd(8)}\x1b[0m│ `;
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) readline.createInterface({ input: stream }).on('line', (line) => process.stdout.write(prefix + line + '\n'));
    }
    return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  log(name: string, line: string) {
    process.stdout.write(`\x1b[1m${name.padEnd(8)}\x1b[0m│ ${line}\n`);
  }

  /** SIGTERM every child's process group; SIGKILL whatever is still alive after the grace period. */
  async stopAll(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    const waits = [...this.children.entries()].map(
      ([, child]) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.pid === undefined) return resolve();
          const timer = setTimeout(() => {
            try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
          }, graceMs);
          child.once('exit', () => { clearTimeout(timer); resolve(); });
          try { process.kill(-child.pid, 'SIGTERM'); } catch { resolve(); }
        }),
    );
    await Promise.all(waits);
  }
}
