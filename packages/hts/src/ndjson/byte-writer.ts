/**
 * A growable byte buffer with the few writes NDJSON needs. Formatting records byte by byte is
 * what makes bam2ndjson fast: `JSON.stringify` per record runs at 0.14 M records/s here
 * (node-toolchain.md §6), far below the BAM decoder.
 */
const QUOTE = 34;
const BACKSLASH = 92;
const HEX = '0123456789abcdef';

export class ByteWriter {
  buffer: Uint8Array;
  /** A DataView of `buffer`, for word-at-a-time writes (kept in step with `buffer`). */
  view: DataView;
  length = 0;

  /** `initial`: a capacity, or a buffer to write into (a recycled one). */
  constructor(initial: number | Uint8Array = 1 << 20) {
    this.buffer = typeof initial === 'number' ? new Uint8Array(initial) : initial;
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  /**
   * The bytes written so far, handed over; the writer continues in a spare buffer. Give the
   * bytes back with `recycle` once written: fresh buffers cost ~1 s per GB of output here in
   * page faults and zero-filling (measured with bench/README.md's bam2ndjson run).
   */
  take(): Uint8Array {
    const out = this.buffer.subarray(0, this.length);
    const spare = this.spares.pop();
    this.buffer = spare && spare.length >= this.buffer.length ? spare : new Uint8Array(this.buffer.length);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    this.length = 0;
    return out;
  }

  /** Returns a buffer from `take()` for reuse; the caller must not touch it again. */
  recycle(taken: Uint8Array): void {
    if (this.spares.length < 4)
      this.spares.push(new Uint8Array(taken.buffer, taken.byteOffset, taken.buffer.byteLength - taken.byteOffset));
  }

  private spares: Uint8Array[] = [];

  bytes(source: Uint8Array, start = 0, end = source.length): void {
    const n = end - start;
    this.reserve(n);
    if (n > 64) {
      this.buffer.set(source.subarray(start, end), this.length);
    } else {
      // Short copies (keys, names) by hand: a subarray object per copy costs more than the copy.
      const buffer = this.buffer;
      let at = this.length;
      for (let i = start; i < end; i++) buffer[at++] = source[i]!;
    }
    this.length += n;
  }
}

function writeControlEscape(buffer: Uint8Array, at: number, b: number): number {
  const short = b === 10 ? 110 : b === 13 ? 114 : b === 9 ? 116 : b === 8 ? 98 : b === 12 ? 102 : 0;
  buffer[at++] = BACKSLASH;
  if (short) {
    buffer[at++] = short;
    return at;
  }
  for (const c of 'u00') buffer[at++] = c.charCodeAt(0);
  buffer[at++] = HEX.charCodeAt(b >> 4);
  buffer[at++] = HEX.charCodeAt(b & 15);
  return at;
}

/** A signed integer in decimal at `at`; returns the new cursor. */
export function writeInt(buffer: Uint8Array, at: number, value: number): number {
  if (value < 0) {
    buffer[at++] = 45;
    value = -value;
  }
  if (value < 10) {
    buffer[at++] = 48 + value;
    return at;
  }
  if (value >= 2147483648) {
    // Beyond int32 (uint32 tags): the general path.
    const text = String(value);
    for (let i = 0; i < text.length; i++) buffer[at++] = text.charCodeAt(i);
    return at;
  }
  const digits =
    value < 100
      ? 2
      : value < 1000
        ? 3
        : value < 10000
          ? 4
          : value < 100000
            ? 5
            : value < 1000000
              ? 6
              : value < 10000000
                ? 7
                : value < 100000000
                  ? 8
                  : value < 1000000000
                    ? 9
                    : 10;
  let p = at + digits;
  do {
    const quotient = (value / 10) | 0;
    buffer[--p] = 48 + value - quotient * 10;
    value = quotient;
  } while (value > 0);
  return at + digits;
}

/**
 * A JSON string from UTF-8 bytes at `at` (quotes, backslashes and control bytes escaped); returns
 * the new cursor, or -1 when the bytes are not valid UTF-8 (JSON text cannot carry them, and a
 * reader would turn them into U+FFFD).
 */
export function writeJsonString(buffer: Uint8Array, at: number, source: Uint8Array, from: number, to: number): number {
  buffer[at++] = QUOTE;
  for (let i = from; i < to; i++) {
    const b = source[i]!;
    if (b >= 0x20 && b < 0x80 && b !== QUOTE && b !== BACKSLASH) {
      buffer[at++] = b;
    } else if (b < 0x80) {
      at = writeAsciiEscape(buffer, at, b);
    } else {
      const n = utf8SequenceLength(source, i, to);
      if (n === 0) return -1;
      for (let k = 0; k < n; k++) buffer[at++] = source[i + k]!;
      i += n - 1;
    }
  }
  buffer[at++] = QUOTE;
  return at;
}

/**
 * A JSON string from bytes taken as Latin-1 (read names, `A` tags: one character per byte, as
 * BamRecordView reads them): bytes above 0x7f become \u0080-\u00ff, so a reader gets each byte back.
 */
export function writeLatin1JsonString(buffer: Uint8Array, at: number, source: Uint8Array, from: number, to: number): number {
  buffer[at++] = QUOTE;
  for (let i = from; i < to; i++) {
    const b = source[i]!;
    if (b >= 0x20 && b < 0x80 && b !== QUOTE && b !== BACKSLASH) buffer[at++] = b;
    else if (b < 0x80) at = writeAsciiEscape(buffer, at, b);
    else at = writeUnicodeEscape(buffer, at, b);
  }
  buffer[at++] = QUOTE;
  return at;
}

function writeAsciiEscape(buffer: Uint8Array, at: number, b: number): number {
  if (b === QUOTE || b === BACKSLASH) {
    buffer[at++] = BACKSLASH;
    buffer[at++] = b;
    return at;
  }
  return writeControlEscape(buffer, at, b);
}

function writeUnicodeEscape(buffer: Uint8Array, at: number, b: number): number {
  buffer[at++] = BACKSLASH;
  for (const c of 'u00') buffer[at++] = c.charCodeAt(0);
  buffer[at++] = HEX.charCodeAt(b >> 4);
  buffer[at++] = HEX.charCodeAt(b & 15);
  return at;
}

/** Length of the valid UTF-8 sequence starting at bytes[i] (a byte >= 0x80), or 0 (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
function utf8SequenceLength(bytes: Uint8Array, i: number, end: number): number {
  const b = bytes[i]!;
  const continuation = (k: number, low = 0x80, high = 0xbf): boolean => i + k < end && bytes[i + k]! >= low && bytes[i + k]! <= high;
  if (b >= 0xc2 && b <= 0xdf) return continuation(1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const low = b === 0xe0 ? 0xa0 : 0x80;
    const high = b === 0xed ? 0x9f : 0xbf;
    return continuation(1, low, high) && continuation(2) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const low = b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xf4 ? 0x8f : 0xbf;
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}
