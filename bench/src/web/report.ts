import type { LighthouseResult } from './lighthouse.ts';
import type { LoadResult } from './load.ts';

export interface WebBenchReport {
  date: string;
  command: string;
  machine: string;
  loadBefore: number[];
  loadAfter: number[];
  lighthouseRuns: number;
  pages: LighthouseResult[];
  connections: number;
  seconds: number;
  feed: LoadResult;
  reference: LoadResult;
}

export const GOALS = { performance: 90, accessibility: 100, seo: 95, ratio: 0.5, p99Ms: 100 } as const;

const mark = (ok: boolean) => (ok ? 'met' : '**FAIL**');
const loads = (l: number[]) => l.map((v) => v.toFixed(2)).join(' / ');

/** The `## Web` section of bench/RESULTS.md. */
export function renderSection(r: WebBenchReport): string {
  const ratio = r.feed.reqPerSec / r.reference.reqPerSec;
  const lines = [
    '## Web (Lighthouse, server-rendered feed under load)',
    '',
    `Run ${r.date} with \`${r.command}\` on ${r.machine}. Load average (1/5/15 min) ${loads(r.loadBefore)} before, ${loads(r.loadAfter)} after.`,
    '',
    `Lighthouse ${r.lighthouseRuns}× per page (npm \`lighthouse\` 12.8, Debian's Chromium, default mobile profile: simulated slow 4G, 4× CPU slowdown), median per category; the whole platform from the README's run command, pages through Caddy.`,
    '',
    '| page | performance (goal ≥ 90) | accessibility (goal 100) | SEO (goal ≥ 95) | FCP / LCP / TBT / CLS of the median run | every run (perf/a11y/seo) |',
    '|---|---|---|---|---|---|',
    ...r.pages.map((p) => {
      const m = p.median;
      return `| ${p.label} | ${m.performance} (${mark(m.performance >= GOALS.performance)}) | ${m.accessibility} (${mark(m.accessibility >= GOALS.accessibility)}) | ${m.seo} (${mark(m.seo >= GOALS.seo)}) | ${p.metrics.fcp} ms / ${p.metrics.lcp} ms / ${p.metrics.tbt} ms / ${p.metrics.cls} | ${p.runs.map((s) => `${s.performance}/${s.accessibility}/${s.seo}`).join(', ')} |`;
    }),
    '',
    ...r.pages.filter((p) => p.failing.length).flatMap((p) => [`Failed audits (${p.label}, median run): ${p.failing.join(', ')}.`, '']),
    `Server-rendered home feed (\`/\`, a visitor) against a static file of the same bytes (${Math.round(r.reference.bytesPerResponse)} B) from the same \`next start\`, ${r.connections} connections, ${r.seconds} s each after a 3 s warm-up (autocannon, on the same machine):`,
    '',
    '| page | req/s | p50 | p90 | p99 | bytes/response | failures |',
    '|---|---|---|---|---|---|---|',
    ...[r.feed, r.reference].map((l) => `| ${l.label} | ${l.reqPerSec.toFixed(0)} | ${l.latencyMs.p50} ms | ${l.latencyMs.p90} ms | ${l.latencyMs.p99} ms | ${Math.round(l.bytesPerResponse)} | ${l.failures ? `${l.failures} (non-2xx ${l.failed.non2xx}, errors ${l.failed.errors}, timeouts ${l.failed.timeouts})` : 0} |`),
    '',
    `Feed page throughput: ${(ratio * 100).toFixed(0)} % of the static page (goal ≥ ${GOALS.ratio * 100} %: ${mark(ratio >= GOALS.ratio)}); p99 ${r.feed.latencyMs.p99} ms (goal ≤ ${GOALS.p99Ms} ms: ${mark(r.feed.latencyMs.p99 <= GOALS.p99Ms)}).`,
    '',
  ];
  return lines.join('\n');
}
