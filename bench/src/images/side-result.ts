import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * What one side (our pipeline in a Node child, or Pillow in a Python child) prints as its last
 * stdout line: the timings of the batch, its peak RSS, and per-file facts so the orchestrator can
 * check both sides did the same work (frame counts, colours, outputs).
 */

export const fileFactsSchema = z.object({
  name: z.string(),
  frames: z.number().int(),
  uniqueColors: z.number().int(),
  transparency: z.boolean(),
  /** Renditions written, the upscaled preview included. */
  outputs: z.array(z.string()),
  outputBytes: z.number().int(),
  seconds: z.number(),
});
export type FileFacts = z.infer<typeof fileFactsSchema>;

export const sideResultSchema = z.object({
  side: z.enum(['ours', 'pillow']),
  /** Wall time of the batch inside the process: read, decode, measure, render, write. No start-up. */
  seconds: z.number(),
  /** VmHWM from /proc/self/status at the end of the batch, in KiB. */
  peakRssKb: z.number().int(),
  /** VmHWM before the first file (interpreter, libraries): what the batch added is the difference. */
  baselineRssKb: z.number().int(),
  files: z.array(fileFactsSchema),
  /** Seconds per step over the batch (Pillow times its own steps; ours is profiled separately). */
  steps: z.record(z.string(), z.number()).optional(),
});
export type SideResult = z.infer<typeof sideResultSchema>;

/** The peak resident set of this process so far (the kernel's high-water mark), in KiB. */
export function readPeakRssKb(pid: number | 'self' = 'self'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]);
}

/** Steps of our pipeline timed one by one in the profile pass (see profile-child.ts). */
export const stepProfileSchema = z.object({
  name: z.string(),
  frames: z.number().int(),
  steps: z.record(z.string(), z.number()),
});
export type StepProfile = z.infer<typeof stepProfileSchema>;
