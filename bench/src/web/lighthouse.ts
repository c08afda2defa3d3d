import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@makapix/web-e2e/harness/browser.ts';

/** Debian's Chromium, headless, with the browser tests' flags. */
const CHROMIUM_FLAGS = ['--headless=new', ...CHROMIUM_ARGS];

export const CATEGORIES = ['performance', 'accessibility', 'seo'] as const;
export type Category = (typeof CATEGORIES)[number];
export type Scores = Record<Category, number>;

export interface LighthouseResult {
  label: string;
  url: string;
  runs: Scores[];
  median: Scores;
  /** The median run's key timings (ms), to say where a low performance score comes from. */
  metrics: { fcp: number; lcp: number; tbt: number; cls: number; si: number };
  /** Failed audits of the median run (score < 1), by id, for accessibility and SEO. */
  failing: string[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/**
 * Lighthouse's default configuration (mobile: a Moto G-class screen, simulated slow 4G and 4× CPU
 * slowdown) run `runs` times on one page, each run in a fresh Chromium; the median per category.
 */
export async function lighthouseMedian(label: string, url: string, runs: number, log: (l: string) => void): Promise<LighthouseResult> {
  const all: { scores: Scores; runner: NonNullable<Awaited<ReturnType<typeof lighthouse>>> }[] = [];
  for (let i = 0; i < runs; i++) {
    const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM_PATH, chromeFlags: CHROMIUM_FLAGS, logLevel: 'silent' });
    try {
      const result = await lighthouse(url, { port: chrome.port, logLevel: 'error', output: 'json', onlyCategories: [...CATEGORIES] });
      if (!result) throw new Error(`lighthouse gave no result for ${url}`);
      if (result.lhr.runtimeError) throw new Error(`lighthouse ${url}: ${result.lhr.runtimeError.code} ${result.lhr.runtimeError.message}`);
      const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((result.lhr.categories[c]?.score ?? 0) * 100)])) as Scores;
      all.push({ scores, runner: result });
      log(`lighthouse ${label} run ${i + 1}/${runs}: ${CATEGORIES.map((c) => `${c} ${scores[c]}`).join(', ')}`);
    } finally {
      await chrome.kill();
    }
  }
  const med = Object.fromEntries(CATEGORIES.map((c) => [c, median(all.map((r) => r.scores[c]))])) as Scores;
  // The run whose performance score is the median one stands for the timings and failed audits.
  const representative = all.find((r) => r.scores.performance === med.performance)!.runner.lhr;
  const num = (id: string) => Math.round(representative.audits[id]?.numericValue ?? NaN);
  const failing = CATEGORIES.filter((c) => c !== 'performance').flatMap((c) =>
    (representative.categories[c]?.auditRefs ?? [])
      .filter((ref) => ref.weight > 0 && (representative.audits[ref.id]?.score ?? 1) < 1)
      .map((ref) => `${c}: ${ref.id}`),
  );
  return {
    label,
    url,
    runs: all.map((r) => r.scores),
    median: med,
    metrics: {
      fcp: num('first-contentful-paint'),
      lcp: num('largest-contentful-paint'),
      tbt: num('total-blocking-time'),
      cls: Number((representative.audits['cumulative-layout-shift']?.numericValue ?? NaN).toFixed(3)),
      si: num('speed-index'),
    },
    failing,
  };
}
