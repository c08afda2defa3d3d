import { describe, expect, it } from 'vitest';
import { goalsOf } from './findings.ts';
import { best, type RunResult } from './load.ts';
import { parseOptions } from './options.ts';
import { summarize } from './profile.ts';

const run = (label: string, reqPerSec: number, p99: number): RunResult => ({
  label,
  seconds: 20,
  requests: reqPerSec * 20,
  reqPerSec,
  latencyMs: { mean: 1, p50: 1, p90: 1, p99, max: p99 },
  failures: { non2xx: 0, errors: 0, timeouts: 0 },
  bytesPerResponse: 100,
  cpuMsPerRequest: { server: 0.1, postgres: 0, loadGenerator: 0.1 },
  load1: 1,
});

describe('goals and best runs', () => {
  it('takes the run with the highest throughput as the better one', () => {
    expect(best([run('a', 100, 5), run('b', 300, 50), run('c', 200, 1)]).label).toBe('b');
  });

  it('passes at exactly half the reference throughput and 20 ms p99, fails just beyond', () => {
    expect(goalsOf(run('ref', 1000, 2), run('con', 500, 20), run('mem', 300, 40), 50).map((g) => g.pass)).toEqual([true, true, true, true]);
    expect(goalsOf(run('ref', 1000, 2), run('con', 499, 21), run('mem', 300, 40), 50).map((g) => g.pass).slice(0, 2)).toEqual([false, false]);
  });

  it('member goals: p99 at most 40 ms and at most 0.4 ms of PostgreSQL CPU per page', () => {
    const member = (p99: number, postgres: number) => ({ ...run('mem', 300, p99), cpuMsPerRequest: { server: 1, postgres, loadGenerator: 0.1 } });
    expect(goalsOf(run('ref', 1000, 2), run('con', 500, 20), member(40, 0.4), 50).map((g) => g.pass).slice(2)).toEqual([true, true]);
    expect(goalsOf(run('ref', 1000, 2), run('con', 500, 20), member(41, 0.41), 50).map((g) => g.pass).slice(2)).toEqual([false, false]);
  });
});

describe('parseOptions', () => {
  it('--quick shrinks the data and the runs and never writes RESULTS.md', () => {
    const o = parseOptions(['--quick', '--out', 'x.md'], 'RESULTS.md');
    expect([o.posts, o.runSeconds, o.out, o.maxWaitMinutes]).toEqual([10_000, 5, null, 0]);
  });

  it('defaults to the brief: 100k posts, 50 connections, 10 s warm-up, 2 × 20 s, load wait', () => {
    const o = parseOptions([], 'RESULTS.md');
    expect([o.posts, o.connections, o.warmupSeconds, o.runSeconds, o.rounds, o.out, o.maxLoad, o.maxWaitMinutes]).toEqual([
      100_000, 50, 10, 20, 2, 'RESULTS.md', 2.5, 20,
    ]);
  });

  it('rejects an unknown flag', () => {
    expect(() => parseOptions(['--fast'], 'RESULTS.md')).toThrow();
  });
});

describe('summarize (CPU profile)', () => {
  const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
  it('groups self time by package or repo file, leaves idle out, and counts api functions inclusively', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2, 5] },
        { id: 2, callFrame: frame('toPostSummary', 'file:///repo/api/src/features/posts/present.ts'), children: [3, 4] },
        { id: 3, callFrame: frame('encode', 'file:///repo/node_modules/sqids/esm/sqids.js') },
        { id: 4, callFrame: frame('artUrl', 'file:///repo/vault/src/paths.ts') },
        { id: 5, callFrame: frame('(idle)', '') },
      ],
      samples: [3, 3, 3, 4, 5, 5, 5, 5],
      timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
    };
    const s = summarize(profile);
    expect(s.busyMs).toBe(4);
    expect(s.byPackage).toEqual([
      { name: 'sqids', share: 0.75 },
      { name: 'vault/paths.ts', share: 0.25 },
    ]);
    expect(s.apiInclusive).toEqual([{ name: 'toPostSummary (api/features/posts/present.ts)', share: 1 }]);
  });
});
