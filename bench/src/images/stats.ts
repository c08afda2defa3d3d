import type { SideRun } from './run-side.ts';
import type { SideResult } from './side-result.ts';

/** Reduces the repeated runs of one side on one workload to medians (each field on its own). */

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface Summary {
  runs: number;
  files: number;
  frames: number;
  /** Median in-process batch time (no interpreter start-up). */
  seconds: number;
  /** Every run's batch time, for the spread. */
  allSeconds: number[];
  /** Median spawn-to-exit time (start-up included). */
  wallSeconds: number;
  filesPerSecond: number;
  framesPerSecond: number;
  peakRssMb: number;
  baselineRssMb: number;
  outputBytes: number;
}

const mb = (kb: number) => (kb * 1024) / 1e6;

export function summarize(runs: readonly SideRun[]): Summary {
  const first = runs[0]?.result;
  if (!first) throw new Error('no runs to summarize');
  const files = first.files.length;
  const frames = first.files.reduce((n, f) => n + f.frames, 0);
  const seconds = median(runs.map((r) => r.result.seconds));
  return {
    runs: runs.length,
    files,
    frames,
    seconds,
    allSeconds: runs.map((r) => r.result.seconds),
    wallSeconds: median(runs.map((r) => r.wallSeconds)),
    filesPerSecond: files / seconds,
    framesPerSecond: frames / seconds,
    peakRssMb: mb(median(runs.map((r) => r.result.peakRssKb))),
    baselineRssMb: mb(median(runs.map((r) => r.result.baselineRssKb))),
    outputBytes: first.files.reduce((n, f) => n + f.outputBytes, 0),
  };
}

/**
 * Places where the two sides did not do the same work on the same file: frame count, unique
 * colours, transparency, or the set of renditions written.
 */
export function workDifferences(ours: SideResult, pillow: SideResult): string[] {
  const theirs = new Map(pillow.files.map((f) => [f.name, f]));
  const differences: string[] = [];
  for (const file of ours.files) {
    const other = theirs.get(file.name);
    if (!other) {
      differences.push(`${file.name}: not processed by Pillow`);
      continue;
    }
    if (file.frames !== other.frames) differences.push(`${file.name}: ${file.frames} frames vs Pillow's ${other.frames}`);
    if (file.uniqueColors !== other.uniqueColors) differences.push(`${file.name}: ${file.uniqueColors} colours vs Pillow's ${other.uniqueColors}`);
    if (file.transparency !== other.transparency) differences.push(`${file.name}: transparency ${file.transparency} vs Pillow's ${other.transparency}`);
    const a = [...file.outputs].sort().join(' ');
    const b = [...other.outputs].sort().join(' ');
    if (a !== b) differences.push(`${file.name}: wrote ${a} vs Pillow's ${b}`);
  }
  return differences;
}

export interface Goal {
  name: string;
  target: string;
  measured: string;
  pass: boolean;
}
