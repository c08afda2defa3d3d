import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DECODE_BUDGET_BYTES, type ImageFormat, SMALL_SIZES, checkUploadRules, decodedBytes } from '@makapix/media';
import { type ArtworkSpec, generateArtwork } from '@makapix/devstack/demo/generate-art';
import { z } from 'zod';

/**
 * The benchmark corpus: deterministic demo artwork (same seeds → same bytes on every machine),
 * shaped like real uploads (docs/product.md §2 sizes and formats), plus the worst case the rules allow.
 */

export const corpusFileSchema = z.object({
  name: z.string(),
  file: z.string(),
  format: z.enum(['png', 'gif', 'webp', 'bmp']),
  width: z.number().int(),
  height: z.number().int(),
  frames: z.number().int(),
  bytes: z.number().int(),
});
export type CorpusFile = z.infer<typeof corpusFileSchema>;

/** What a side (ours or Pillow) is handed: the files and the directory its renditions go to. */
export const manifestSchema = z.object({ files: z.array(corpusFileSchema), outDir: z.string() });
export type Manifest = z.infer<typeof manifestSchema>;

const STILL_FORMATS: readonly ImageFormat[] = ['png', 'gif', 'webp', 'bmp'];
/** Sizes ≥128 on both sides are free (docs/product.md §2): a few typical ones up to the 256×256 maximum. */
const FREE_SIZES: readonly (readonly [number, number])[] = [
  [128, 128], [160, 144], [192, 192], [256, 256], [256, 128], [128, 256], [200, 150], [240, 240],
];
const STILL_SIZES = [...SMALL_SIZES, ...FREE_SIZES];
const ANIMATION_SIZES = [64, 128] as const;
const ANIMATION_FRAMES = [8, 12, 16, 24, 32, 40, 48, 56, 64, 64] as const;

export interface CorpusPlan {
  stills: number;
  animations: number;
  /** The worst case: one animated upload with the most frames the rules allow (docs/product.md §2). */
  worst: ArtworkSpec;
}

/**
 * The full plan (the issue's mix) or a small one for developing the bench itself. The worst case
 * is a square GIF of `worstSide` px: 128 (the issue's case) by default; 256 is the largest the
 * rules allow at 1024 frames (exactly the decode budget).
 */
export function corpusPlan(quick: boolean, worstSide = 128): CorpusPlan {
  const worst: ArtworkSpec = { format: 'gif', width: worstSide, height: worstSide, frames: quick ? 128 : 1024 };
  return quick ? { stills: 8, animations: 2, worst } : { stills: 40, animations: 10, worst };
}

function stillSpec(i: number): ArtworkSpec {
  const [width, height] = STILL_SIZES[i % STILL_SIZES.length] as readonly [number, number];
  return { format: STILL_FORMATS[i % STILL_FORMATS.length] as ImageFormat, width, height };
}

function animationSpec(i: number): ArtworkSpec {
  const side = ANIMATION_SIZES[i % ANIMATION_SIZES.length] as number;
  const frames = ANIMATION_FRAMES[i % ANIMATION_FRAMES.length] as number;
  return { format: i % 2 === 0 ? 'gif' : 'webp', width: side, height: side, frames };
}

async function writeOne(dir: string, name: string, seed: number, spec: ArtworkSpec): Promise<CorpusFile> {
  const bytes = await generateArtwork(seed, spec);
  // A corpus file the upload rules refuse would benchmark the error path, not the pipeline.
  const check = checkUploadRules({ bytes });
  if (!check.ok) throw new Error(`corpus file ${name} breaks the upload rules: ${check.message}`);
  const file = path.join(dir, `${name}.${spec.format}`);
  await writeFile(file, bytes);
  const frames = spec.frames ?? 1;
  return { name, file, format: spec.format, width: spec.width, height: spec.height, frames, bytes: bytes.length };
}

export interface Corpus {
  /** The mix: stills and short animations, processed as one batch for throughput. */
  mix: CorpusFile[];
  worst: CorpusFile;
}

export async function generateCorpus(dir: string, plan: CorpusPlan): Promise<Corpus> {
  const mix: CorpusFile[] = [];
  for (let i = 0; i < plan.stills; i++) {
    const spec = stillSpec(i);
    mix.push(await writeOne(dir, `still-${String(i).padStart(2, '0')}-${spec.width}x${spec.height}`, 1000 + i, spec));
  }
  for (let i = 0; i < plan.animations; i++) {
    const spec = animationSpec(i);
    mix.push(await writeOne(dir, `anim-${String(i).padStart(2, '0')}-${spec.width}x${spec.height}x${spec.frames}`, 2000 + i, spec));
  }
  const { worst: spec } = plan;
  const worst = await writeOne(dir, `worst-${spec.width}x${spec.height}x${spec.frames ?? 1}`, 3000, spec);
  return { mix, worst };
}

export const frameTotal = (files: readonly CorpusFile[]) => files.reduce((n, f) => n + f.frames, 0);

/** One paragraph for the report: what the corpus is made of. */
const countBy = (files: readonly CorpusFile[], pick: (f: CorpusFile) => string) => {
  const counts = new Map<string, number>();
  for (const f of files) counts.set(pick(f), (counts.get(pick(f)) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
};

export function describeCorpus({ mix, worst }: Corpus): string {
  const stills = mix.filter((f) => f.frames === 1);
  const animations = mix.filter((f) => f.frames > 1);
  const sides = stills.map((f) => f.width * f.height);
  const smallest = stills[sides.indexOf(Math.min(...sides))];
  const largest = stills[sides.indexOf(Math.max(...sides))];
  const frames = animations.map((f) => f.frames);
  const budget = (100 * decodedBytes(worst.width, worst.height, worst.frames)) / DECODE_BUDGET_BYTES;
  return [
    `deterministic demo artwork from \`generateArtwork\` (packages/devstack/src/demo/generate-art.ts), written to a temp dir.`,
    `${stills.length} stills (${countBy(stills, (f) => f.format.toUpperCase())}), sizes cycling through the docs/product.md §2 small sizes and free sizes`,
    `from ${smallest?.width}×${smallest?.height} to ${largest?.width}×${largest?.height};`,
    `${animations.length} animations (${countBy(animations, (f) => `${f.format.toUpperCase()} ${f.width}×${f.height}`)}) with ${Math.min(...frames)}–${Math.max(...frames)} frames.`,
    `Worst case: one ${worst.width}×${worst.height} animated ${worst.format.toUpperCase()} of ${worst.frames} frames (docs/product.md §2 allows 1024),`,
    worst.width === 128
      ? `the issue's worst case; it decodes to ${budget.toFixed(0)} % of the 256 MiB decode budget (256×256×1024, the largest upload the rules allow, would use all of it; \`--worst-side 256\` runs that).`
      : `which decodes to ${budget.toFixed(0)} % of the 256 MiB decode budget.`,
  ].join(' ');
}
