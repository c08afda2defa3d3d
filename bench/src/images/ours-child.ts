import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { processArtworkBytes } from '@makapix/worker/artwork/pipeline';
import { type FileFacts, type SideResult, readPeakRssKb } from './side-result.ts';
import { manifestSchema } from './corpus.ts';

/**
 * Child process for the contender: the exact function process-artwork calls (processArtworkBytes:
 * upload rules, decode, metadata, every rendition and `_upscaled.webp`), one file after another,
 * renditions written to a temp directory instead of the vault. Run as its own process so its peak
 * RSS is the pipeline's and nothing else's. Usage: node --import tsx ours-child.ts <manifest.json>
 */

async function main(manifestPath: string): Promise<SideResult> {
  const manifest = manifestSchema.parse(JSON.parse(await readFile(manifestPath, 'utf8')));
  const baselineRssKb = readPeakRssKb();
  const files: FileFacts[] = [];
  const started = performance.now();
  for (const entry of manifest.files) {
    const t0 = performance.now();
    const bytes = await readFile(entry.file);
    const { metadata, renditions } = await processArtworkBytes(bytes);
    const outputs: string[] = [];
    let outputBytes = 0;
    for (const rendition of renditions.files) {
      const suffix = rendition.upscaled ? '_upscaled' : '';
      const name = `${entry.name}${suffix}.${rendition.ext}`;
      await writeFile(path.join(manifest.outDir, name), rendition.bytes);
      outputs.push(`${suffix}.${rendition.ext}`);
      outputBytes += rendition.bytes.length;
    }
    files.push({
      name: entry.name,
      frames: metadata.frameCount,
      uniqueColors: metadata.uniqueColors,
      transparency: metadata.transparencyActual,
      outputs,
      outputBytes,
      seconds: (performance.now() - t0) / 1000,
    });
  }
  const seconds = (performance.now() - started) / 1000;
  return { side: 'ours', seconds, peakRssKb: readPeakRssKb(), baselineRssKb, files };
}

const manifestPath = process.argv[2];
if (!manifestPath) throw new Error('usage: ours-child.ts <manifest.json>');
const result = await main(manifestPath);
process.stdout.write(`${JSON.stringify(result)}\n`);
