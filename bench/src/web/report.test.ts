import { describe, expect, it } from 'vitest';
import type { LighthouseResult } from './lighthouse.ts';
import type { LoadResult } from './load.ts';
import { renderSection, type WebBenchReport } from './report.ts';

const page = (label: string, performance: number, accessibility: number, seo: number): LighthouseResult => ({
  label, url: 'http://localhost/', runs: [{ performance, accessibility, seo }], median: { performance, accessibility, seo },
  metrics: { fcp: 900, lcp: 1200, tbt: 10, cls: 0, si: 1000 }, failing: seo < 95 ? ['seo: meta-description'] : [],
});
const load = (label: string, reqPerSec: number, p99: number): LoadResult => ({
  label, url: 'http://127.0.0.1/', reqPerSec, latencyMs: { p50: 10, p90: 20, p99, max: p99 + 5 }, bytesPerResponse: 20480, failures: 0, failed: { non2xx: 0, errors: 0, timeouts: 0 }, load1: 1.5,
});
const report = (over: Partial<WebBenchReport>): WebBenchReport => ({
  date: '2026-12-07 23:00 UTC', command: 'npm run bench:web', machine: '2 × cpu', loadBefore: [1, 1, 1], loadAfter: [2, 2, 2],
  lighthouseRuns: 5, pages: [page('home', 95, 100, 100)], connections: 50, seconds: 20,
  feed: load('feed', 600, 80), reference: load('static', 1000, 20), ...over,
});

// The section is what the coordinator reads: every goal judged, a miss written as FAIL.
describe('renderSection', () => {
  it('marks every goal met when the numbers reach them', () => {
    const text = renderSection(report({}));
    expect(text.startsWith('## Web')).toBe(true);
    expect(text).not.toContain('FAIL');
    expect(text).toContain('60 % of the static page');
  });

  it('marks each missed goal FAIL and lists the failed audits', () => {
    const text = renderSection(report({ pages: [page('home', 80, 96, 90)], feed: load('feed', 400, 150) }));
    expect(text.match(/\*\*FAIL\*\*/g)).toHaveLength(5);
    expect(text).toContain('seo: meta-description');
  });
});
