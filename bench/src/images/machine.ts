import { readFile } from 'node:fs/promises';
import os from 'node:os';
import sharp from 'sharp';
import { SYSTEM_PYTHON, runChild } from './run-side.ts';

/** The facts RESULTS.md needs to make a number meaningful on another day or another machine. */
export interface Machine {
  os: string;
  cpu: string;
  nproc: number;
  ramGb: number;
  node: string;
  pillow: string;
  sharp: string;
}

async function osName(): Promise<string> {
  const release = await readFile('/etc/os-release', 'utf8').catch(() => '');
  return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1] ?? `${os.type()} ${os.release()}`;
}

async function pillowVersion(): Promise<string> {
  const probe = 'import PIL, PIL.features as f; print(PIL.__version__, f.version("webp"))';
  const { stdout } = await runChild(SYSTEM_PYTHON, ['-c', probe], 30_000);
  const [pil, webp] = stdout.trim().split(' ');
  return `Pillow ${pil} (Debian python3-pil, libwebp ${webp})`;
}

export async function describeMachine(): Promise<Machine> {
  const { versions } = sharp;
  const sharpVersion = (await import('sharp/package.json', { with: { type: 'json' } })).default.version;
  return {
    os: await osName(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    nproc: os.availableParallelism(),
    ramGb: os.totalmem() / 1e9,
    node: process.version,
    pillow: await pillowVersion(),
    sharp: `sharp ${sharpVersion} (libvips ${versions.vips}, libwebp ${versions.webp ?? '?'}, libspng ${versions.spng ?? '?'})`,
  };
}

export const loadAverage = () => os.loadavg()[0] as number;

/**
 * The machine is shared with other agents: wait until the 1-minute load average drops below
 * `maxLoad`, polling every `pollMs`, for at most `limitMs`. Returns the load it started with (and
 * whether it had to give up), so the report can say how quiet the machine really was.
 */
export async function waitForQuietMachine(maxLoad: number, pollMs: number, limitMs: number, log: (line: string) => void) {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const load = loadAverage();
    if (load < maxLoad) return { load, gaveUp: false };
    if (Date.now() + pollMs > deadline) return { load, gaveUp: true };
    log(`1-minute load ${load.toFixed(2)} ≥ ${maxLoad}; waiting ${pollMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
