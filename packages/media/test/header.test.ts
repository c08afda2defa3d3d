import { describe, expect, it } from 'vitest';
import { ImageHeaderError, readImageHeader, sniffFormat } from '../src/index.ts';
import { bmp, gif, png, webpAnimated, webpLossy, webpSimple } from './builders.ts';

const errorCode = (bytes: Uint8Array) => {
  try {
    readImageHeader(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(ImageHeaderError);
    return (err as ImageHeaderError).code;
  }
  return 'no error';
};

describe('sniffFormat', () => {
  it('decides by magic bytes only', () => {
    expect(sniffFormat(png({ width: 8, height: 8 }))).toBe('png');
    expect(sniffFormat(new TextEncoder().encode('GIF87a....'))).toBe('gif');
    expect(sniffFormat(new TextEncoder().encode('GIF89a....'))).toBe('gif');
    expect(sniffFormat(webpSimple(8, 8))).toBe('webp');
    expect(sniffFormat(bmp({ width: 8, height: 8 }))).toBe('bmp');
    expect(sniffFormat(new TextEncoder().encode('RIFF....WAVE'))).toBeNull();
    expect(sniffFormat(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBeNull();
    expect(sniffFormat(new Uint8Array())).toBeNull();
  });
});

describe('PNG headers', () => {
  it('reads IHDR and classifies alpha and transparency', () => {
    expect(readImageHeader(png({ width: 32, height: 16, colorType: 6 }))).toMatchObject({
      format: 'png', width: 32, height: 16, frameCount: 1, animated: false, hasAlphaDeclared: true, hasTransparencyDeclared: true,
    });
    expect(readImageHeader(png({ width: 8, height: 8, colorType: 2 }))).toMatchObject({ hasAlphaDeclared: false, hasTransparencyDeclared: false });
    // tRNS on truecolour is a colour key: transparency without an alpha channel.
    expect(readImageHeader(png({ width: 8, height: 8, colorType: 2, trns: [0, 0, 0, 0, 0, 0] }))).toMatchObject({ hasAlphaDeclared: false, hasTransparencyDeclared: true });
    expect(readImageHeader(png({ width: 8, height: 8, colorType: 3, trns: [0, 255] }))).toMatchObject({ hasAlphaDeclared: false, hasTransparencyDeclared: true });
    expect(readImageHeader(png({ width: 8, height: 8, colorType: 3, trns: [128] }))).toMatchObject({ hasAlphaDeclared: true });
  });

  it('refuses a bad CRC, a missing IEND and an invalid depth as corrupt', () => {
    const bad = png({ width: 8, height: 8 });
    bad[29] = (bad[29] as number) ^ 0xff; // inside the IHDR CRC
    expect(errorCode(bad)).toBe('corrupt_image');
    expect(errorCode(png({ width: 8, height: 8, iend: false }))).toBe('corrupt_image');
    expect(errorCode(png({ width: 8, height: 8, colorType: 2, depth: 4 }))).toBe('corrupt_image');
    expect(errorCode(png({ width: 8, height: 8 }).subarray(0, 20))).toBe('corrupt_image');
  });

  it('refuses animated PNG as unsupported but accepts a one-frame acTL', () => {
    expect(errorCode(png({ width: 8, height: 8, apngFrames: 3 }))).toBe('unsupported_format');
    expect(readImageHeader(png({ width: 8, height: 8, apngFrames: 1 })).frameCount).toBe(1);
  });
});

describe('GIF headers', () => {
  it('counts frames by walking blocks and collects delays, loop and transparency', () => {
    const header = readImageHeader(gif({
      width: 16, height: 16, loop: 0,
      frames: [{ width: 16, height: 16, delayCs: 10 }, { width: 8, height: 8, left: 8, top: 8, delayCs: 5, transparent: true }, { width: 16, height: 16 }],
    }));
    expect(header).toMatchObject({
      format: 'gif', width: 16, height: 16, frameCount: 3, animated: true, hasAlphaDeclared: false,
      hasTransparencyDeclared: true, frameDurationsMs: [100, 50, 0], loopCount: 0, frameExtent: { width: 16, height: 16 },
    });
  });

  it('counts plays: NETSCAPE repeats + 1, a missing extension plays once', () => {
    const two = [{ width: 8, height: 8 }, { width: 8, height: 8 }];
    expect(readImageHeader(gif({ width: 8, height: 8, frames: two, loop: 2 })).loopCount).toBe(3);
  });

  it('treats a still GIF as static and a missing loop extension as play-once', () => {
    expect(readImageHeader(gif({ width: 8, height: 8, frames: [{ width: 8, height: 8 }] }))).toMatchObject({ frameCount: 1, animated: false, loopCount: null, frameDurationsMs: [] });
    expect(readImageHeader(gif({ width: 8, height: 8, frames: [{ width: 8, height: 8 }, { width: 8, height: 8 }] })).loopCount).toBe(1);
  });

  it('accepts a missing trailer but not a cut inside a block', () => {
    expect(readImageHeader(gif({ width: 8, height: 8, trailer: false, frames: [{ width: 8, height: 8 }] })).frameCount).toBe(1);
    const whole = gif({ width: 8, height: 8, frames: [{ width: 8, height: 8 }] });
    expect(errorCode(whole.subarray(0, whole.length - 4))).toBe('corrupt_image');
    expect(errorCode(gif({ width: 8, height: 8, frames: [] }))).toBe('corrupt_image');
  });

  it('reports frames that reach beyond the logical screen through frameExtent', () => {
    const header = readImageHeader(gif({ width: 8, height: 8, frames: [{ width: 60000, height: 60000 }] }));
    expect(header.frameExtent).toEqual({ width: 60000, height: 60000 });
  });
});

describe('WebP headers', () => {
  it('reads simple lossless and lossy files', () => {
    expect(readImageHeader(webpSimple(64, 32, true))).toMatchObject({ format: 'webp', width: 64, height: 32, frameCount: 1, hasAlphaDeclared: true });
    expect(readImageHeader(webpLossy(16, 16))).toMatchObject({ width: 16, height: 16, hasAlphaDeclared: false });
  });

  it('counts ANMF frames with their durations and the ANIM loop count', () => {
    const header = readImageHeader(webpAnimated({
      width: 32, height: 32, loop: 3, alphaFlag: true,
      frames: [{ width: 32, height: 32, durationMs: 80 }, { width: 16, height: 16, x: 16, y: 16, durationMs: 120 }],
    }));
    expect(header).toMatchObject({ frameCount: 2, animated: true, frameDurationsMs: [80, 120], loopCount: 3, hasAlphaDeclared: true, frameExtent: { width: 32, height: 32 } });
  });

  it('refuses truncated containers and frame size mismatches', () => {
    const whole = webpSimple(8, 8);
    expect(errorCode(whole.subarray(0, whole.length - 2))).toBe('corrupt_image');
    const anim = webpAnimated({ width: 8, height: 8, frames: [{ width: 8, height: 8, durationMs: 10 }] });
    anim[anim.length - 5] = 0x00; // the inner VP8L size bits no longer match the ANMF frame size
    expect(errorCode(anim)).toBe('corrupt_image');
  });
});

describe('BMP headers', () => {
  it('reads INFO, CORE and V4 headers with top-down rows', () => {
    expect(readImageHeader(bmp({ width: 16, height: 8 }))).toMatchObject({ format: 'bmp', width: 16, height: 8, hasAlphaDeclared: false });
    expect(readImageHeader(bmp({ width: 8, height: -32 }))).toMatchObject({ width: 8, height: 32 });
    expect(readImageHeader(bmp({ width: 8, height: 8, header: 12, bpp: 8 }))).toMatchObject({ width: 8, height: 8 });
    expect(readImageHeader(bmp({ width: 8, height: 8, header: 108, bpp: 32, compression: 3, alphaMask: 0xff000000 }))).toMatchObject({ hasAlphaDeclared: true, hasTransparencyDeclared: true });
    // BI_RGB: the fourth byte of a 32-bit pixel is reserved, not alpha.
    expect(readImageHeader(bmp({ width: 8, height: 8, bpp: 32 })).hasAlphaDeclared).toBe(false);
  });

  it('refuses truncated pixel data, bad depths and embedded JPEG', () => {
    expect(errorCode(bmp({ width: 8, height: 8, truncate: 3 }))).toBe('corrupt_image');
    expect(errorCode(bmp({ width: 8, height: 8, bpp: 7 }))).toBe('unsupported_format');
    expect(errorCode(bmp({ width: 8, height: 8, compression: 4 }))).toBe('unsupported_format');
    expect(errorCode(bmp({ width: 8, height: 0 }))).toBe('corrupt_image');
    expect(errorCode(bmp({ width: 8, height: 8 }).subarray(0, 20))).toBe('corrupt_image');
  });
});
