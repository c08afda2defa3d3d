import { describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES, SMALL_SIZES, checkUploadRules, isAllowedDimensions } from '../src/index.ts';
import { bmp, gif, png, webpAnimated } from './builders.ts';

const codeOf = (bytes: Uint8Array) => {
  const result = checkUploadRules({ bytes });
  return result.ok ? 'ok' : result.code;
};

describe('isAllowedDimensions (docs/product.md §2)', () => {
  it('allows any size from 128×128 to 256×256', () => {
    for (const [w, h] of [[128, 128], [256, 256], [129, 255], [200, 128]]) expect(isAllowedDimensions(w as number, h as number)).toBe(true);
  });

  it('allows exactly the listed small sizes', () => {
    for (const [w, h] of SMALL_SIZES) expect(isAllowedDimensions(w, h)).toBe(true);
    for (const [w, h] of [[8, 64], [64, 8], [16, 64], [128, 32], [127, 127], [100, 100], [1, 1], [200, 64], [64, 200]]) {
      expect(isAllowedDimensions(w as number, h as number), `${w}×${h}`).toBe(false);
    }
  });

  it('refuses anything over 256 and non-positive sides', () => {
    for (const [w, h] of [[257, 256], [256, 257], [0, 8], [8, -8], [8.5, 8]]) expect(isAllowedDimensions(w as number, h as number)).toBe(false);
  });
});

describe('checkUploadRules', () => {
  it('accepts a valid file and returns its header', () => {
    const result = checkUploadRules({ bytes: png({ width: 64, height: 32 }) });
    expect(result).toMatchObject({ ok: true, header: { format: 'png', width: 64, height: 32 } });
  });

  it('refuses unknown formats by content, not by name', () => {
    expect(codeOf(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe('unsupported_format');
    expect(codeOf(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('unsupported_format');
    expect(codeOf(png({ width: 16, height: 16, apngFrames: 2 }))).toBe('unsupported_format');
  });

  it('refuses files over 5 MiB', () => {
    const small = png({ width: 8, height: 8 });
    const big = new Uint8Array(MAX_UPLOAD_BYTES + 1);
    big.set(small);
    expect(codeOf(big)).toBe('file_too_large');
    const exact = new Uint8Array(MAX_UPLOAD_BYTES);
    exact.set(gif({ width: 8, height: 8, frames: [{ width: 8, height: 8 }] }));
    expect(codeOf(exact)).toBe('ok');
  });

  it('refuses dimensions outside the allowed set', () => {
    expect(codeOf(png({ width: 100, height: 100 }))).toBe('invalid_dimensions');
    expect(codeOf(png({ width: 257, height: 256 }))).toBe('invalid_dimensions');
    expect(codeOf(bmp({ width: 64, height: 8 }))).toBe('invalid_dimensions');
    expect(codeOf(bmp({ width: 128, height: -64 }))).toBe('ok');
  });

  it('refuses more than 1024 frames', () => {
    const frames = (n: number) => Array.from({ length: n }, () => ({ width: 16, height: 16, delayCs: 2 }));
    expect(codeOf(gif({ width: 16, height: 16, frames: frames(1024) }))).toBe('ok');
    expect(codeOf(gif({ width: 16, height: 16, frames: frames(1025) }))).toBe('too_many_frames');
    const webpFrames = Array.from({ length: 1025 }, () => ({ width: 8, height: 8, durationMs: 20 }));
    expect(codeOf(webpAnimated({ width: 8, height: 8, frames: webpFrames }))).toBe('too_many_frames');
  });

  it('refuses decompression bombs from the header, before any decoding', () => {
    // 20000×20000 RGBA is 1.6 GB decoded, from a file of a few dozen bytes.
    expect(codeOf(png({ width: 20000, height: 20000 }))).toBe('decompression_bomb');
    expect(codeOf(bmp({ width: 30000, height: 30000, pixelBytes: 16 }))).toBe('decompression_bomb');
    // A frame far larger than its logical screen.
    expect(codeOf(gif({ width: 16, height: 16, frames: [{ width: 65535, height: 65535 }] }))).toBe('decompression_bomb');
    expect(codeOf(webpAnimated({ width: 16, height: 16, frames: [{ width: 16, height: 16, x: 8, durationMs: 10 }] }))).toBe('decompression_bomb');
    // Within the allowed sides, too many frames of a big canvas exceed the budget too.
    const frames = Array.from({ length: 1100 }, () => ({ width: 256, height: 256 }));
    expect(codeOf(gif({ width: 256, height: 256, frames }))).toBe('decompression_bomb');
  });

  it('reports corrupt files with a message', () => {
    const result = checkUploadRules({ bytes: png({ width: 8, height: 8 }).subarray(0, 40) });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe('corrupt_image');
      expect(result.message).toMatch(/PNG/);
    }
  });
});
