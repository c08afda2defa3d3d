import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time per process from /proc (Linux), so a run can say where the machine's two cores went:
 * the server under test, PostgreSQL's backends, and the load generator itself.
 */

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface Stat {
  ppid: number;
  /** utime + stime, ms. */
  cpuMs: number;
}

function statOf(pid: number): Stat | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may hold spaces): state ppid … utime stime.
    const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(rest[1]), cpuMs: ((Number(rest[11]) + Number(rest[12])) * 1000) / CLK_TCK };
  } catch {
    return null;
  }
}

/** The postmaster and every process it forked (backends, background workers). */
function postgresPids(postmasterPid: number): number[] {
  const pids = [postmasterPid];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (pid && statOf(pid)?.ppid === postmasterPid) pids.push(pid);
  }
  return pids;
}

export interface CpuGroups {
  server: number;
  postgres: number;
  loadGenerator: number;
}

export type CpuSnapshot = { server: Map<number, number>; postgres: Map<number, number>; loadGenerator: number };

const snapshotOf = (pids: number[]) => new Map(pids.flatMap((pid) => { const s = statOf(pid); return s ? [[pid, s.cpuMs] as const] : []; }));

export function cpuSnapshot(serverPid: number, postmasterPid: number): CpuSnapshot {
  const own = process.cpuUsage();
  return {
    server: snapshotOf([serverPid]),
    postgres: snapshotOf(postgresPids(postmasterPid)),
    loadGenerator: (own.user + own.system) / 1000,
  };
}

/** CPU ms spent by each group between two snapshots (processes born in between count from zero). */
export function cpuSince(before: CpuSnapshot, serverPid: number, postmasterPid: number): CpuGroups {
  const after = cpuSnapshot(serverPid, postmasterPid);
  const delta = (a: Map<number, number>, b: Map<number, number>) => [...a].reduce((sum, [pid, ms]) => sum + ms - (b.get(pid) ?? 0), 0);
  return {
    server: delta(after.server, before.server),
    postgres: delta(after.postgres, before.postgres),
    loadGenerator: after.loadGenerator - before.loadGenerator,
  };
}
