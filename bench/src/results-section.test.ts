import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeResultsSection } from './results-section.ts';

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

  it('refuses a section without a ## title', async () => {
    await expect(writeResultsSection(file, 'no title\n')).rejects.toThrow('## ');
  });

  it('replaces only its own section, subsections included, keeping the ones before and after', async () => {
    await writeFile(file, '# R\n\n## Broker\n\nb\n\n## Image pipeline vs Pillow\n\nold\n\n### Goals\n\nold goals\n\n## Feed\n\nf\n');
    await writeResultsSection(file, '## Image pipeline vs Pillow\n\nnew\n');
    expect(await readFile(file, 'utf8')).toBe('# R\n\n## Broker\n\nb\n\n## Image pipeline vs Pillow\n\nnew\n\n## Feed\n\nf\n');
  });
});
