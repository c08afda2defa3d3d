/**
 * The entropy-coding half of our VP8L (lossless WebP) writer: an LSB-first bit writer and canonical
 * prefix (Huffman) codes serialised the way the WebP lossless bitstream specification (RFC 9649
 * §3.7.2) reads them. Kept apart from vp8l-encode.ts, which decides what to code.
 */

export class BitWriter {
  private buf = new Uint8Array(1 << 12);
  private length = 0;
  private acc = 0;
  private used = 0;

  /** Appends the low `n` bits of `value`, least significant first (n ≤ 24). */
  write(value: number, n: number): void {
    this.acc |= value << this.used;
    this.used += n;
    while (this.used >= 8) {
      if (this.length === this.buf.length) this.grow();
      this.buf[this.length++] = this.acc & 255;
      this.acc >>>= 8;
      this.used -= 8;
    }
  }

  private grow(): void {
    const next = new Uint8Array(this.buf.length * 2);
    next.set(this.buf);
    this.buf = next;
  }

  /** The bytes written so far, the last partial byte zero-padded. */
  finish(): Uint8Array {
    if (this.used > 0) this.write(0, 8 - this.used);
    return this.buf.subarray(0, this.length);
  }
}

/** A canonical prefix code: per symbol its length and its bit-reversed code, ready to write. */
export interface PrefixCode {
  lengths: Uint8Array;
  codes: Uint16Array;
  /** Symbols with a non-zero length (a single used symbol is coded with zero bits). */
  used: number[];
}

/** Huffman code lengths for `counts`, none longer than `maxLength`. Needs ≥ 2 used symbols. */
function huffmanLengths(counts: ArrayLike<number>, maxLength: number): Uint8Array {
  const lengths = new Uint8Array(counts.length);
  let weights = Array.from(counts, (c) => c);
  for (;;) {
    // Nodes: leaves 0..n-1, internal nodes appended; two-queue construction over sorted leaves.
    const leaves = weights.map((w, s) => ({ w, s })).filter((l) => l.w > 0).sort((a, b) => a.w - b.w || a.s - b.s);
    const parent: number[] = [];
    const weight: number[] = leaves.map((l) => l.w);
    let leaf = 0;
    let internal = leaves.length;
    const take = () => (leaf < leaves.length && (internal >= weight.length || (weight[leaf] as number) <= (weight[internal] as number)) ? leaf++ : internal++);
    while (weight.length < 2 * leaves.length - 1) {
      const a = take();
      const b = take();
      parent[a] = parent[b] = weight.length;
      weight.push((weight[a] as number) + (weight[b] as number));
    }
    const depth = new Array<number>(weight.length).fill(0);
    for (let node = weight.length - 2; node >= 0; node--) depth[node] = (depth[parent[node] as number] as number) + 1;
    const longest = Math.max(...leaves.map((_, i) => depth[i] as number));
    if (longest <= maxLength) {
      leaves.forEach((l, i) => (lengths[l.s] = depth[i] as number));
      return lengths;
    }
    // Flatten the distribution and retry: converges to a balanced tree (⌈log2 n⌉ ≤ maxLength).
    weights = weights.map((w) => (w > 0 ? Math.max(1, w >> 1) : 0));
  }
}

function reverseBits(code: number, length: number): number {
  let out = 0;
  for (let i = 0; i < length; i++) out = (out << 1) | ((code >>> i) & 1);
  return out;
}

/** Canonical codes (shorter first, then by symbol), as RFC 9649 §3.7.2.1.2 assigns them. */
function canonical(lengths: Uint8Array): Uint16Array {
  const codes = new Uint16Array(lengths.length);
  const count = new Array<number>(16).fill(0);
  for (const l of lengths) if (l) count[l] = (count[l] as number) + 1;
  const next = new Array<number>(16).fill(0);
  for (let l = 1, code = 0; l < 16; l++) {
    code = (code + (count[l - 1] as number)) << 1;
    next[l] = code;
  }
  lengths.forEach((l, s) => {
    if (l) codes[s] = reverseBits((next[l] as number)++, l);
  });
  return codes;
}

/** Builds the code for a histogram; an unused alphabet still needs a (one-symbol) code. */
export function buildPrefixCode(counts: ArrayLike<number>, maxLength = 15): PrefixCode {
  const used: number[] = [];
  for (let s = 0; s < counts.length; s++) if ((counts[s] as number) > 0) used.push(s);
  // A lone length code (no literal at all) cannot be a simple code: pair it with a dummy literal.
  if (used.length === 1 && (used[0] as number) >= 256) return buildPrefixCode(Array.from(counts, (c, s) => (s === 0 ? 1 : c)), maxLength);
  if (used.length <= 1) {
    const lengths = new Uint8Array(counts.length);
    const only = used[0] ?? 0;
    // A lone symbol costs zero bits in the data; the decoder knows it from the code alone.
    return { lengths, codes: new Uint16Array(counts.length), used: [only] };
  }
  const lengths = huffmanLengths(counts, maxLength);
  return { lengths, codes: canonical(lengths), used };
}

export function writeSymbol(out: BitWriter, code: PrefixCode, symbol: number): void {
  const length = code.lengths[symbol] as number;
  if (length) out.write(code.codes[symbol] as number, length);
}

/** RFC 9649 §3.7.2.1.2: the order in which code-length-code lengths are stored. */
const CODE_LENGTH_ORDER = [17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/** Writes `code` as a simple code (1–2 symbols below 256) or a normal code-length-coded one. */
export function writePrefixCode(out: BitWriter, code: PrefixCode): void {
  const { used } = code;
  if (used.length === 1 || (used.length === 2 && (used[1] as number) < 256)) {
    const first = used[0] as number;
    out.write(1, 1); // simple code
    out.write(used.length - 1, 1);
    if (first < 2) out.write(0, 1), out.write(first, 1);
    else out.write(1, 1), out.write(first, 8);
    if (used.length === 2) out.write(used[1] as number, 8);
    return;
  }
  // Normal code: lengths 0–15 as themselves, runs of zeros as 17 (3–10) and 18 (11–138).
  const tokens: [number, number][] = [];
  const { lengths } = code;
  for (let s = 0; s < lengths.length; ) {
    let run = 0;
    while (s + run < lengths.length && lengths[s + run] === 0 && run < 138) run++;
    if (run >= 11) tokens.push([18, run - 11]);
    else if (run >= 3) tokens.push([17, run - 3]);
    else {
      tokens.push([lengths[s] as number, 0]);
      run = 1;
    }
    s += run;
  }
  const counts = new Array<number>(19).fill(0);
  for (const [t] of tokens) counts[t] = (counts[t] as number) + 1;
  // Two used symbols at least, so no code-length code degenerates to zero bits.
  if (counts.filter((c) => c > 0).length < 2) counts[counts[0] ? 1 : 0] = 1;
  const lengthCode = buildPrefixCode(counts, 7);
  let stored = 19;
  while (stored > 4 && lengthCode.lengths[CODE_LENGTH_ORDER[stored - 1] as number] === 0) stored--;
  out.write(0, 1); // normal code
  out.write(stored - 4, 4);
  for (let i = 0; i < stored; i++) out.write(lengthCode.lengths[CODE_LENGTH_ORDER[i] as number] as number, 3);
  out.write(0, 1); // max_symbol = alphabet size
  for (const [t, extra] of tokens) {
    writeSymbol(out, lengthCode, t);
    if (t === 17) out.write(extra, 3);
    if (t === 18) out.write(extra, 7);
  }
}
