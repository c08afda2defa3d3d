import { describe, expect, it } from 'vitest';
import type { SideResult } from './side-result.ts';
import { median, workDifferences } from './stats.ts';

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
