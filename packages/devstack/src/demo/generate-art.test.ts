import { checkUploadRules } from '@makapix/media';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { generateArtwork } from './generate-art.ts';
import { decodeBmp } from '@makapix/media/pixels/bmp-decode';

describe('demo artwork generator', () => {
  it('is deterministic per seed and varies between seeds', async () => {
    const a = await generateArtwork(42, { format: 'png', width: 64, height: 64 });
    const b = await generateArtwork(42, { format: 'png', width: 64, height: 64 });
    const c = await generateArtwork(43, { format: 'png', width: 64, height: 64 });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('produces valid uploads in every format, still and animated', async () => {
    const specs = [
      { format: 'png', width: 32, height: 32 },
      { format: 'bmp', width: 128, height: 64 },
      { format: 'gif', width: 16, height: 16 },
      { format: 'webp', width: 200, height: 150 },
      { format: 'gif', width: 64, height: 64, frames: 8 },
      { format: 'webp', width: 128, height: 128, frames: 6 },
    ] as const;
    for (const [i, spec] of specs.entries()) {
      const bytes = await generateArtwork(i, spec);
      const check = checkUploadRules({ bytes });
      expect(check, JSON.stringify(spec)).toMatchObject({
        ok: true,
        header: { format: spec.format, width: spec.width, height: spec.height, frameCount: 'frames' in spec ? spec.frames : 1 },
      });
      if (spec.format === 'bmp') expect(decodeBmp(bytes).frames).toHaveLength(1);
      else expect((await sharp(bytes, { animated: true }).metadata()).pages ?? 1).toBe('frames' in spec ? spec.frames : 1);
    }
  });

  it('refuses animation in still-only formats', async () => {
    await expect(generateArtwork(1, { format: 'png', width: 8, height: 8, frames: 2 })).rejects.toThrow(/cannot be animated/);
  });
});
