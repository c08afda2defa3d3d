import { existsSync } from 'node:fs';
import path from 'node:path';
import { posts } from '@makapix/db';
import { type VaultExt, aliasPath, canonicalPath, upscaledAliasPath, upscaledPath, incomingPath } from '@makapix/vault';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processArtworkJob } from '../src/jobs/process-artwork.ts';
import {
  type Frames,
  colourFacts,
  decodeForTest,
  durationsOf,
  expectSamePixels,
  expectUpscaled,
  mtimeOf,
  pixelArt,
  rawInput,
  readBothLayouts,
  sha256,
} from './artwork-fixtures.ts';
import { type TestEnv, createTestEnv, insertUpload, insertUser, jobContext, listFiles } from './helpers.ts';

let env: TestEnv;
let ownerId: number;

beforeAll(async () => {
  env = await createTestEnv();
  ownerId = (await insertUser(env.dbHandle)).id;
});
afterAll(() => env.close());

/** An 8-bit palette BMP (a layout our encoder never writes), with its known pixels. */
function paletteBmp(width: number, height: number): { bytes: Uint8Array; art: Frames } {
  const palette = [[20, 30, 40], [250, 10, 10], [10, 250, 10], [10, 10, 250], [240, 240, 0]];
  const stride = Math.ceil(width / 4) * 4;
  const offset = 14 + 40 + palette.length * 4;
  const buf = Buffer.alloc(offset + stride * height);
  buf.write('BM', 0, 'ascii');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(offset, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(width, 18);
  buf.writeInt32LE(height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(8, 28);
  buf.writeUInt32LE(palette.length, 46);
  palette.forEach(([r, g, b], i) => buf.set([b as number, g as number, r as number, 0], 54 + i * 4));
  const frame = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const index = (x * y + x) % palette.length;
      buf[offset + (height - 1 - y) * stride + x] = index;
      frame.set([...(palette[index] as number[]), 255], (y * width + x) * 4);
    }
  }
  return { bytes: buf, art: { width, height, frames: [frame] } };
}

interface Case {
  name: string;
  make(): Promise<{ bytes: Uint8Array; reference?: Frames }>;
  format: VaultExt;
  frames: number;
  meta: { transparency: boolean; alpha: boolean };
  durations?: number[];
}

const gifArt = pixelArt(64, 64, 6, 24, true);
const webpArt = pixelArt(128, 64, 4, 40, true);

const CASES: Case[] = [
  { name: 'png', format: 'png', frames: 1, meta: { transparency: true, alpha: true }, make: async () => ({ bytes: await rawInput(pixelArt(64, 32, 1, 20, true)).png().toBuffer() }) },
  // cgif declares a transparent index even for opaque images: declared ≠ actually present.
  { name: 'static gif', format: 'gif', frames: 1, meta: { transparency: true, alpha: false }, make: async () => ({ bytes: await rawInput(pixelArt(16, 16, 1, 12)).gif({ dither: 0 }).toBuffer() }) },
  { name: 'static webp', format: 'webp', frames: 1, meta: { transparency: true, alpha: true }, make: async () => ({ bytes: await rawInput(pixelArt(200, 150, 1, 60, true)).webp({ lossless: true }).toBuffer() }) },
  { name: 'bmp', format: 'bmp', frames: 1, meta: { transparency: false, alpha: false }, make: async () => { const b = paletteBmp(32, 64); return { bytes: b.bytes, reference: b.art }; } },
  {
    name: 'animated gif', format: 'gif', frames: 6, meta: { transparency: true, alpha: false }, durations: [100, 50, 70, 30, 200, 80],
    make: async () => ({ bytes: await rawInput(gifArt).gif({ delay: [100, 50, 70, 30, 200, 80], loop: 0, dither: 0 }).toBuffer() }),
  },
  {
    name: 'animated webp', format: 'webp', frames: 4, meta: { transparency: true, alpha: true }, durations: [40, 40, 120, 60],
    make: async () => ({ bytes: await rawInput(webpArt).webp({ lossless: true, delay: [40, 40, 120, 60], loop: 2 }).toBuffer() }),
  },
];

describe('process-artwork renders every format pixel-exactly (docs/product.md §2)', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { bytes, reference: known } = await c.make();
      const reference = known ?? (await decodeForTest(bytes));
      const { postId, storageKey } = await insertUpload(env, ownerId, bytes);
      const result = await processArtworkJob.handle({ postId }, jobContext(env.services));

      const animated = c.frames > 1;
      const targets: VaultExt[] = animated ? ['gif', 'webp'] : ['png', 'gif', 'webp', 'bmp'];
      const exts = [...new Set<VaultExt>([c.format, ...targets])];
      expect(result).toMatchObject({ state: 'ready', skipped: [] });

      // Exactly these files, at both layouts (docs/device-protocol.md §8), nothing else (no temp files).
      const expected = exts.flatMap((ext) => [canonicalPath(storageKey, ext), aliasPath(storageKey, ext)]);
      expected.push(upscaledPath(storageKey), upscaledAliasPath(storageKey));
      const vaultFiles = await listFiles(env.config.vault.dir);
      expect(vaultFiles.filter((f) => f.includes(storageKey)).sort()).toEqual(expected.sort());
      expect(vaultFiles.filter((f) => f.includes('.tmp'))).toEqual([]);

      expect((await readBothLayouts(env.config.vault.dir, storageKey, c.format)).equals(Buffer.from(bytes))).toBe(true);
      // The native file is the upload itself (checked above); every other format is compared to it.
      for (const ext of targets.filter((t) => t !== c.format)) {
        const file = await readBothLayouts(env.config.vault.dir, storageKey, ext);
        expectSamePixels(await decodeForTest(file), reference, `${c.name} → ${ext}`);
        if (animated) expect(durationsOf(file), `${ext} durations`).toEqual(c.durations);
      }
      const factor = Math.floor(768 / Math.max(reference.width, reference.height));
      const preview = await readBothLayouts(env.config.vault.dir, storageKey, 'upscaled');
      expectUpscaled(await decodeForTest(preview), reference, factor);
      if (animated) expect(durationsOf(preview)).toEqual(c.durations);

      const [post] = await env.dbHandle.db.select().from(posts).where(eq(posts.id, postId));
      const facts = colourFacts(reference);
      expect(post).toMatchObject({
        state: 'ready',
        failureReason: null,
        nativeFormat: c.format,
        width: reference.width,
        height: reference.height,
        fileBytes: bytes.length,
        frameCount: c.frames,
        minFrameDurationMs: c.durations ? Math.min(...c.durations) : null,
        maxFrameDurationMs: c.durations ? Math.max(...c.durations) : null,
        totalDurationMs: c.durations ? c.durations.reduce((a, b) => a + b) : null,
        uniqueColors: facts.uniqueColors,
        transparencyActual: facts.transparency,
        alphaActual: facts.alpha,
        transparencyMeta: c.meta.transparency,
        alphaMeta: c.meta.alpha,
        sha256: sha256(bytes),
        storageShard: canonicalPath(storageKey, 'png').split('/').slice(0, 3).join('/'),
      });
      expect(existsSync(incomingPath(env.config.vault.incomingDir, storageKey))).toBe(false);
    });
  }

  it('skips (and reports) a GIF that cannot be exact, keeping every other rendition exact', async () => {
    // Lossy WebP: thousands of colours and no GIF can hold them without changing pixels.
    const bytes = await rawInput(pixelArt(128, 128, 1, 200)).blur(2).webp({ quality: 70 }).toBuffer();
    const reference = await decodeForTest(bytes);
    expect(colourFacts(reference).uniqueColors).toBeGreaterThan(256);
    const { postId, storageKey } = await insertUpload(env, ownerId, bytes);
    const result = await processArtworkJob.handle({ postId }, jobContext(env.services));
    expect(result).toMatchObject({ state: 'ready', skipped: [{ ext: 'gif', reason: expect.stringMatching(/256 colours/) }] });
    expect(existsSync(path.join(env.config.vault.dir, canonicalPath(storageKey, 'gif')))).toBe(false);
    for (const ext of ['png', 'bmp', 'webp'] as const) {
      expectSamePixels(await decodeForTest(await readBothLayouts(env.config.vault.dir, storageKey, ext)), reference, ext);
    }
  });

  it('is a no-op for an already-ready post', async () => {
    const bytes = await rawInput(pixelArt(32, 32, 1, 5)).png().toBuffer();
    const { postId, storageKey } = await insertUpload(env, ownerId, bytes);
    await processArtworkJob.handle({ postId }, jobContext(env.services));
    const [before] = await env.dbHandle.db.select().from(posts).where(eq(posts.id, postId));
    const file = path.join(env.config.vault.dir, canonicalPath(storageKey, 'webp'));
    const mtime = await mtimeOf(file);
    const files = await listFiles(env.config.vault.dir);

    const again = await processArtworkJob.handle({ postId }, jobContext(env.services));
    expect(again).toEqual({ skipped: true, state: 'ready' });
    expect(await mtimeOf(file)).toBe(mtime);
    expect(await listFiles(env.config.vault.dir)).toEqual(files);
    const [after] = await env.dbHandle.db.select().from(posts).where(eq(posts.id, postId));
    expect(after).toEqual(before);
  });
});
