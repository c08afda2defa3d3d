/**
 * MQTT framing read straight off the socket bytes, before Aedes' parser (mqtt-packet) sees them:
 * mqtt-packet decodes strings leniently (ill-formed UTF-8 becomes U+FFFD, lone surrogates too) and
 * ignores a few length rules, so the rules in inbound-rules.ts need the raw frame.
 */

/** A complete frame: the first byte's fields, the remaining-length body, and the whole frame. */
export interface Frame {
  type: number;
  flags: number;
  body: Buffer;
  raw: Buffer;
}

export type NextFrame =
  | { kind: 'frame'; frame: Frame }
  /** More bytes are needed. */
  | { kind: 'incomplete' }
  /** The bytes can never form a valid frame: a 5-byte length, or a frame above the limit. */
  | { kind: 'malformed_length' }
  | { kind: 'too_large'; declaredBytes: number };

/**
 * Incremental frame splitter (MQTT 3.1.1 §2.2.3, 5.0 §2.1.4), one frame at a time so the caller can
 * judge each frame (and the next one's first byte) before reading on. A frame over `maxFrameBytes`
 * is refused as soon as its declared length is known, before its body is buffered.
 */
export class FrameSplitter {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxFrameBytes: number) {}

  append(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
  }

  /** The first byte of the next frame, once it has arrived. */
  peekFirstByte(): number | undefined {
    return this.pending[0];
  }

  next(): NextFrame {
    if (this.pending.length < 2) return { kind: 'incomplete' };
    let length = 0;
    let multiplier = 1;
    let i = 1;
    for (;;) {
      if (i >= this.pending.length) return { kind: 'incomplete' };
      const byte = this.pending[i++]!;
      length += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) break;
      multiplier *= 128;
      // MQTT 3.1.1 §2.2.3 / MQTT 5.0 §1.5.5: at most four length bytes.
      if (i > 4) return { kind: 'malformed_length' };
    }
    const wireBytes = i + length;
    if (wireBytes > this.maxFrameBytes) return { kind: 'too_large', declaredBytes: wireBytes };
    if (this.pending.length < wireBytes) return { kind: 'incomplete' };
    const first = this.pending[0]!;
    const frame = { type: first >> 4, flags: first & 0x0f, body: this.pending.subarray(i, wireBytes), raw: this.pending.subarray(0, wireBytes) };
    this.pending = this.pending.length === wireBytes ? Buffer.alloc(0) : this.pending.subarray(wireBytes);
    return { kind: 'frame', frame };
  }
}

/** Encodes a frame (used for the CONNACK / DISCONNECT a refusal sends). */
export function encodeFrame(firstByte: number, body: Buffer): Buffer {
  const length: number[] = [];
  let n = body.length;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    length.push(byte);
  } while (n > 0);
  return Buffer.concat([Buffer.from([firstByte, ...length]), body]);
}

/** Thrown by BodyReader when a field runs past the end of the frame (a malformed packet). */
export class TruncatedError extends Error {}

/** Sequential reader over a frame body. */
export class BodyReader {
  pos = 0;

  constructor(readonly body: Buffer) {}

  get remaining(): number {
    return this.body.length - this.pos;
  }

  byte(): number {
    if (this.remaining < 1) throw new TruncatedError('packet too short');
    return this.body[this.pos++]!;
  }

  uint16(): number {
    if (this.remaining < 2) throw new TruncatedError('packet too short');
    const value = this.body.readUInt16BE(this.pos);
    this.pos += 2;
    return value;
  }

  /** A length-prefixed field (string bytes or binary data). */
  lengthPrefixed(): Buffer {
    const length = this.uint16();
    if (this.remaining < length) throw new TruncatedError('field runs past the packet');
    const value = this.body.subarray(this.pos, this.pos + length);
    this.pos += length;
    return value;
  }

  /** Skips an MQTT 5 property block (variable byte integer length, then the properties). */
  skipProperties(): Buffer {
    let length = 0;
    let multiplier = 1;
    for (let i = 0; ; i++) {
      if (i >= 4) throw new TruncatedError('malformed property length');
      const byte = this.byte();
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if ((byte & 0x80) === 0) break;
    }
    if (this.remaining < length) throw new TruncatedError('properties run past the packet');
    const properties = this.body.subarray(this.pos, this.pos + length);
    this.pos += length;
    return properties;
  }
}
