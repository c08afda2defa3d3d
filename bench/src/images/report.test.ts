import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeResultsSection } from './report.ts';
import type { SideResult } from './side-result.ts';
import { median, workDifferences } from './stats.ts';

describe('writeResultsSection', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bench-report-'));
    file = path.join(dir, 'RESULTS.md');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('creates the file with a title when it is missing', async () => {
    await writeResultsSection(file, '## Image pipeline vs Pillow\n\nv1\n');
    expect(await readFile(file, 'utf8')).toBe('# Benchmark results\n\n## Image pipeline vs Pillow\n\nv1\n');
  });

  it('appends after the sections other benchmarks wrote', async () => {
    await writeFile(file, '# Benchmark results\n\n## Broker vs Mosquitto\n\nbroker\n');
    await writeResultsSection(file, '## Image pipeline vs Pillow\n\nv1\n\n### Goals\n\nx\n');
    expect(await readFile(file, 'utf8')).toBe(
      '# Benchmark results\n\n## Broker vs Mosquitto\n\nbroker\n\n## Image pipeline vs Pillow\n\nv1\n\n### Goals\n\nx\n',
    );
  });

  it('replaces only its own section, subsections included, keeping the ones before and after', async () => {
    await writeFile(file, '# R\n\n## Broker\n\nb\n\n## Image pipeline vs Pillow\n\nold\n\n### Goals\n\nold goals\n\n## Feed\n\nf\n');
    await writeResultsSection(file, '## Image pipeline vs Pillow\n\nnew\n');
    expect(await readFile(file, 'utf8')).toBe('# R\n\n## Broker\n\nb\n\n## Image pipeline vs Pillow\n\nnew\n\n## Feed\n\nf\n');
  });
});

describe('median', () => {
  it('takes the middle of an odd count and the mean of the middle two of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });
});

describe('workDifferences', () => {
  const facts = { name: 'a', frames: 2, uniqueColors: 5, transparency: false, outputs: ['.gif', '.webp', '_upscaled.webp'], outputBytes: 1, seconds: 1 };
  const side = (s: SideResult['side'], files: SideResult['files']): SideResult => ({ side: s, seconds: 1, peakRssKb: 1, baselineRssKb: 1, files });

  it('finds nothing when both sides did the same work, whatever the output order', () => {
    const pillow = side('pillow', [{ ...facts, outputs: ['_upscaled.webp', '.webp', '.gif'] }]);
    expect(workDifferences(side('ours', [facts]), pillow)).toEqual([]);
  });

  it('names each disagreement', () => {
    const pillow = side('pillow', [{ ...facts, frames: 1, uniqueColors: 6, outputs: ['.gif', '_upscaled.webp'] }]);
    expect(workDifferences(side('ours', [facts, { ...facts, name: 'b' }]), pillow)).toEqual([
      "a: 2 frames vs Pillow's 1",
      "a: 5 colours vs Pillow's 6",
      "a: wrote .gif .webp _upscaled.webp vs Pillow's .gif _upscaled.webp",
      'b: not processed by Pillow',
    ]);
  });
});
