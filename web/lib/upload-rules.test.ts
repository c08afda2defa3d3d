import { describe, expect, it } from 'vitest';
import { crc32 } from '@makapix/media';
import { checkUpload, nearestAllowedSize } from './upload-rules.ts';

const u16le = (n: number) => [n & 0xff, (n >>> 8) & 0xff];
const u32be = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

function pngChunk(type: string, data: number[]): number[] {
  const body = Uint8Array.from([...ascii(type), ...data]);
  return [...u32be(data.length), ...body, ...u32be(crc32(body))];
}

/** Just enough PNG for the header rules (they read headers, never pixels). */
function png(width: number, height: number): Uint8Array {
  return Uint8Array.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
    ...pngChunk('IHDR', [...u32be(width), ...u32be(height), 8, 6, 0, 0, 0]),
    ...pngChunk('IDAT', [0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]),
    ...pngChunk('IEND', []),
  ]);
}

/** A one-frame GIF89a with a two-colour global table. */
function gif(width: number, height: number): Uint8Array {
  const out = [...ascii('GIF89a'), ...u16le(width), ...u16le(height), 0x80, 0, 0, 0, 0, 0, 255, 255, 255];
  out.push(0x21, 0xf9, 4, 0, 0, 0, 0, 0);
  out.push(0x2c, 0, 0, 0, 0, ...u16le(width), ...u16le(height), 0, 2, 2, 0x4c, 0x01, 0, 0x3b);
  return Uint8Array.from(out);
}

describe('checkUpload', () => {
  it('accepts an allowed PNG and GIF by their magic bytes', () => {
    expect(checkUpload(png(32, 32)).ok).toBe(true);
    expect(checkUpload(png(200, 150)).ok).toBe(true);
    expect(checkUpload(gif(8, 8)).ok).toBe(true);
  });

  it('refuses a file that is not an image by content, whatever its name', () => {
    const verdict = checkUpload(new TextEncoder().encode('<html>not an image</html>'));
    expect(verdict).toMatchObject({ ok: false, code: 'unsupported_format' });
  });

  it('refuses more than 5 MiB in words, before reading it', () => {
    const big = new Uint8Array(5 * 1024 * 1024 + 1);
    big.set(png(32, 32));
    const verdict = checkUpload(big);
    expect(verdict).toMatchObject({ ok: false, code: 'file_too_large' });
    if (!verdict.ok) expect(verdict.words).toContain('5 MiB');
  });

  it('accepts exactly 5 MiB', () => {
    const edge = new Uint8Array(5 * 1024 * 1024);
    edge.set(png(64, 64));
    expect(checkUpload(edge).ok).toBe(true);
  });

  it('names the nearest allowed size for a refused one', () => {
    const verdict = checkUpload(png(30, 30));
    expect(verdict).toMatchObject({ ok: false, code: 'invalid_dimensions' });
    if (!verdict.ok) expect(verdict.words).toContain('nearest allowed size is 32×32');
    const tooBig = checkUpload(png(300, 200));
    if (!tooBig.ok) expect(tooBig.words).toContain('nearest allowed size is 256×200');
    expect(tooBig.ok).toBe(false);
  });
});

describe('nearestAllowedSize', () => {
  it('picks listed small sizes and the free range', () => {
    expect(nearestAllowedSize(10, 10)).toEqual([8, 8]);
    expect(nearestAllowedSize(12, 12)).toEqual([16, 16]);
    expect(nearestAllowedSize(60, 30)).toEqual([64, 32]);
    expect(nearestAllowedSize(120, 130)).toEqual([128, 130]);
    expect(nearestAllowedSize(100, 40)).toEqual([64, 32]);
    expect(nearestAllowedSize(512, 512)).toEqual([256, 256]);
    expect(nearestAllowedSize(8, 100)).toEqual([32, 64]);
  });
});
