import { corrupt } from './errors.ts';

/**
 * Bounds-checked little/big-endian reads. Every header parser goes through these, so a truncated
 * or lying file surfaces as a typed `corrupt_image` error instead of `undefined` arithmetic.
 */
export class ByteView {
  constructor(
    readonly bytes: Uint8Array,
    /** Names the format in error messages. */
    readonly label: string,
  ) {}

  get length(): number {
    return this.bytes.length;
  }

  need(offset: number, count: number, what: string): void {
    if (offset < 0 || count < 0 || offset + count > this.bytes.length) {
      throw corrupt(`${this.label}: truncated while reading ${what}`);
    }
  }

  u8(offset: number, what = 'a byte'): number {
    this.need(offset, 1, what);
    return this.bytes[offset] as number;
  }

  u16le(offset: number, what = 'a 16-bit field'): number {
    this.need(offset, 2, what);
    return (this.bytes[offset] as number) | ((this.bytes[offset + 1] as number) << 8);
  }

  u16be(offset: number, what = 'a 16-bit field'): number {
    this.need(offset, 2, what);
    return ((this.bytes[offset] as number) << 8) | (this.bytes[offset + 1] as number);
  }

  u24le(offset: number, what = 'a 24-bit field'): number {
    this.need(offset, 3, what);
    return this.u16le(offset) + (this.bytes[offset + 2] as number) * 0x10000;
  }

  u32le(offset: number, what = 'a 32-bit field'): number {
    this.need(offset, 4, what);
    return this.u24le(offset) + (this.bytes[offset + 3] as number) * 0x1000000;
  }

  i32le(offset: number, what = 'a 32-bit field'): number {
    return this.u32le(offset, what) | 0;
  }

  u32be(offset: number, what = 'a 32-bit field'): number {
    this.need(offset, 4, what);
    return (this.bytes[offset] as number) * 0x1000000 + this.u24be(offset + 1);
  }

  private u24be(offset: number): number {
    return ((this.bytes[offset] as number) << 16) | ((this.bytes[offset + 1] as number) << 8) | (this.bytes[offset + 2] as number);
  }

  ascii(offset: number, count: number, what = 'a tag'): string {
    this.need(offset, count, what);
    let text = '';
    for (let i = 0; i < count; i++) text += String.fromCharCode(this.bytes[offset + i] as number);
    return text;
  }
}

/** True when `bytes` holds `ascii` at `offset` (no throw: used for sniffing). */
export function hasAscii(bytes: Uint8Array, offset: number, ascii: string): boolean {
  if (offset + ascii.length > bytes.length) return false;
  for (let i = 0; i < ascii.length; i++) if (bytes[offset + i] !== ascii.charCodeAt(i)) return false;
  return true;
}
