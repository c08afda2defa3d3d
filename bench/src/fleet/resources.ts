import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// RSS and CPU of the platform's processes from /proc (Linux). CPU is a percentage of one core over a
// sampling window, so "150 %" means one and a half of this machine's cores.
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

function cpuMsOf(pid: number): number {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export type ProcessGroups = Record<string, number[]>;
export interface GroupSample {
  rssBytes: number;
  cpuPercent: number;
}

/** RSS now and CPU over `windowMs`, per group (a group's pids are summed, e.g. PostgreSQL's backends). */
export async function sampleGroups(groups: () => ProcessGroups, windowMs = 5_000): Promise<Record<string, GroupSample>> {
  const before = groups();
  const cpu0 = Object.fromEntries(Object.entries(before).map(([k, pids]) => [k, pids.reduce((s, p) => s + cpuMsOf(p), 0)]));
  await new Promise((r) => setTimeout(r, windowMs));
  const after = groups();
  const out: Record<string, GroupSample> = {};
  for (const [name, pids] of Object.entries(after)) {
    const cpu1 = pids.reduce((s, p) => s + cpuMsOf(p), 0);
    out[name] = { rssBytes: pids.reduce((s, p) => s + rssOf(p), 0), cpuPercent: Math.max(0, ((cpu1 - (cpu0[name] ?? 0)) / windowMs) * 100) };
  }
  return out;
}
