import { readFile } from 'node:fs/promises';
import { checkUploadRules } from '@makapix/media';
import { sha256Hex } from '@makapix/worker/artwork/pipeline';
import { encodeBmp } from '@makapix/media/pixels/bmp';
import { decodeArtwork } from '@makapix/worker/images/decode';
import { type Animation, analyzePixels, firstDifference, upscaleFactor, upscaleFrame } from '@makapix/media/pixels/frames';
import { encodeGif } from '@makapix/media/pixels/gif-encode';
import { webpEffort } from '@makapix/worker/images/renditions';
import { decodeWithSharp, encodePng, encodeWebpLossless } from '@makapix/media/pixels/sharp-pipeline';
import { muxAnimatedWebp } from '@makapix/media/pixels/webp-mux';
import { manifestSchema } from './corpus.ts';
import type { StepProfile } from './side-result.ts';

/**
 * Where our pipeline's time goes: the steps of processArtworkBytes and buildRenditions
 * (worker/src/artwork/pipeline.ts, worker/src/images/renditions.ts) called one by one, in the same
 * order with the same arguments, each timed. Not part of the measured runs (timing adds overhead);
 * its total is printed next to the measured time so the breakdown can be trusted.
 * Usage: node --import tsx profile-child.ts <manifest.json>
 */

const steps: Record<string, number> = {};

async function timed<T>(step: string, work: () => T | Promise<T>): Promise<T> {
  const t0 = performance.now();
  const value = await work();
  steps[step] = (steps[step] ?? 0) + (performance.now() - t0) / 1000;
  return value;
}

/** encodeWebp of renditions.ts, split into its three costs: libwebp encode, decode-and-compare, mux. */
async function webp(prefix: string, count: number, frameAt: (i: number) => Uint8Array, w: number, h: number, animation: Animation | null, alpha: boolean) {
  const effort = webpEffort(w * h * count);
  const stills: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const frame = prefix === 'preview' ? await timed('preview: nearest-neighbour upscale (TS)', () => frameAt(i)) : frameAt(i);
    const bytes = await timed(`${prefix}: libwebp encode via sharp (effort ${effort})`, () => encodeWebpLossless(frame, w, h, effort));
    const decoded = await timed(`${prefix}: verify, sharp decode`, async () => (await decodeWithSharp(bytes)).frames[0] as Uint8Array);
    await timed(`${prefix}: verify, pixel compare (TS)`, () => firstDifference(decoded, frame));
    stills.push(bytes);
  }
  if (animation) await timed(`${prefix}: mux ANMF (TS)`, () => muxAnimatedWebp(stills, w, h, animation, alpha));
}

async function profileOne(bytes: Uint8Array): Promise<void> {
  const check = await timed('checks + sha256: upload rules (headers)', () => checkUploadRules({ bytes }));
  if (!check.ok) throw new Error(check.message);
  const { header } = check;
  await timed('checks + sha256: sha256', () => sha256Hex(bytes));
  const image = await timed('decode to RGBA', () => decodeArtwork(bytes, header));
  const facts = await timed('unique colours + alpha (TS)', () => analyzePixels(image));
  const { width, height, frames } = image;
  const animation = header.animated ? { delaysMs: header.frameDurationsMs, loopCount: header.loopCount ?? 0 } : null;
  const first = frames[0] as Uint8Array;
  for (const ext of animation ? (['gif', 'webp'] as const) : (['png', 'gif', 'webp', 'bmp'] as const)) {
    if (ext === header.format) continue;
    if (ext === 'png') {
      const png = await timed('png: encode', () => encodePng(first, width, height));
      const decoded = await timed('png: verify, sharp decode', async () => (await decodeWithSharp(png)).frames[0] as Uint8Array);
      await timed('png: verify, pixel compare (TS)', () => firstDifference(decoded, first));
    }
    if (ext === 'bmp') await timed('bmp: encode (TS)', () => encodeBmp(first, width, height));
    if (ext === 'gif') await timed('gif: exact palette + LZW (TS)', () => encodeGif(image, animation));
    if (ext === 'webp') await webp('webp', frames.length, (i) => frames[i] as Uint8Array, width, height, animation, facts.transparencyActual);
  }
  const factor = upscaleFactor(width, height);
  const scaled = (i: number) => upscaleFrame(frames[i] as Uint8Array, width, height, factor);
  await webp('preview', frames.length, scaled, width * factor, height * factor, animation, facts.transparencyActual);
}

const manifestPath = process.argv[2];
if (!manifestPath) throw new Error('usage: profile-child.ts <manifest.json>');
const manifest = manifestSchema.parse(JSON.parse(await readFile(manifestPath, 'utf8')));
let frameCount = 0;
for (const entry of manifest.files) {
  const bytes = await readFile(entry.file);
  await profileOne(bytes);
  frameCount += entry.frames;
}
const profile: StepProfile = { name: manifest.files.length === 1 ? (manifest.files[0]?.name ?? '') : `${manifest.files.length} files`, frames: frameCount, steps };
process.stdout.write(`${JSON.stringify(profile)}\n`);
