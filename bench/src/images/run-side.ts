import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { CorpusFile } from './corpus.ts';
import { type SideResult, type StepProfile, sideResultSchema, stepProfileSchema } from './side-result.ts';

/**
 * Runs one side of the benchmark in its own process, bounded in time, and parses the one JSON line
 * it prints. Every child is tracked so that any exit of the orchestrator kills what it started.
 */

export type Side = SideResult['side'];

const here = path.dirname(fileURLToPath(import.meta.url));
export const benchDir = path.resolve(here, '../..');
const OURS_CHILD = path.join(here, 'ours-child.ts');
const PROFILE_CHILD = path.join(here, 'profile-child.ts');
const PILLOW_SCRIPT = path.join(benchDir, 'pillow/renditions.py');
/** Debian's python3 with python3-pil, not whatever python3 comes first on PATH. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface ChildOutput {
  stdout: string;
  /** Spawn to exit, start-up included. */
  wallSeconds: number;
}

export async function runChild(command: string, args: string[], timeoutMs: number): Promise<ChildOutput> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: benchDir, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    const wallSeconds = (performance.now() - started) / 1000;
    if (code !== 0) {
      const why = code === null ? `was killed (time limit ${timeoutMs / 1000} s)` : `exited with ${code}`;
      throw new Error(`${path.basename(args.find((a) => /\.(ts|py)$/.test(a)) ?? command)} ${why}: ${stderr.slice(-2000)}`);
    }
    return { stdout, wallSeconds };
  } finally {
    clearTimeout(timer);
    live.delete(child);
  }
}

/** The last non-empty stdout line, parsed with the given schema. */
export function lastJsonLine<T extends z.ZodType>(stdout: string, schema: T): z.infer<T> {
  const line = stdout.trim().split('\n').at(-1);
  if (!line) throw new Error('the child printed nothing');
  return schema.parse(JSON.parse(line));
}

export interface SideRun {
  result: SideResult;
  wallSeconds: number;
  /** Where the renditions were written; removed unless the caller asked to keep them. */
  outDir: string;
}

/** Node child running our pipeline (tsx as a loader, so the child's RSS is the pipeline's own). */
export function nodeArgs(script: 'ours' | 'profile', manifest: string): string[] {
  return ['--import', 'tsx', script === 'ours' ? OURS_CHILD : PROFILE_CHILD, manifest];
}

export async function runSide(side: Side, files: readonly CorpusFile[], work: string, timeoutMs: number, keep = false): Promise<SideRun> {
  const outDir = await mkdtemp(path.join(work, `out-${side}-`));
  const manifest = path.join(outDir, '..', `${path.basename(outDir)}.json`);
  await writeFile(manifest, JSON.stringify({ files, outDir }));
  try {
    const { stdout, wallSeconds } =
      side === 'ours'
        ? await runChild(process.execPath, nodeArgs('ours', manifest), timeoutMs)
        : await runChild(SYSTEM_PYTHON, [PILLOW_SCRIPT, manifest], timeoutMs);
    const result = lastJsonLine(stdout, sideResultSchema);
    if (!keep) await rm(outDir, { recursive: true, force: true });
    return { result, wallSeconds, outDir };
  } catch (err) {
    await rm(outDir, { recursive: true, force: true });
    throw err;
  } finally {
    await rm(manifest, { force: true });
  }
}

const checkResultSchema = z.object({ checked: z.number().int(), mismatches: z.array(z.string()) });

/** Decodes a finished run's renditions with Pillow and lists those that differ from the sources. */
export async function checkOutputs(files: readonly CorpusFile[], outDir: string, timeoutMs: number): Promise<{ checked: number; mismatches: string[] }> {
  const manifest = `${outDir}.check.json`;
  await writeFile(manifest, JSON.stringify({ files, outDir }));
  try {
    const { stdout } = await runChild(SYSTEM_PYTHON, [PILLOW_SCRIPT, manifest, '--check'], timeoutMs);
    return lastJsonLine(stdout, checkResultSchema);
  } finally {
    await rm(manifest, { force: true });
  }
}

/** The step-by-step timing of our pipeline on these files (profile-child.ts), in its own process. */
export async function profileOurs(files: readonly CorpusFile[], work: string, timeoutMs: number): Promise<StepProfile> {
  const manifest = path.join(work, `profile-${files.length}-${files[0]?.name ?? 'none'}.json`);
  await writeFile(manifest, JSON.stringify({ files, outDir: work }));
  try {
    const { stdout } = await runChild(process.execPath, nodeArgs('profile', manifest), timeoutMs);
    return lastJsonLine(stdout, stepProfileSchema);
  } finally {
    await rm(manifest, { force: true });
  }
}
