/**
 * Tables of numbers written straight to bytes, each value as format.ts prints it in the two layouts, for tables of a
 * million rows (the cycles of a long read): digits go into a byte buffer, with no string per value or per line.
 *
 * The fast path scales a value by 10^digits and rounds the product as an integer. The product's error is at most
 * 2^-53 of it, under 1.2e-7 below FAST_SCALED_LIMIT, so a product whose fraction lies farther than TIE_MARGIN from
 * one half rounds the same way as the exact value; ties and near-ties, larger values and non-finite ones take
 * format.ts (the exact expansion). number-text.test.ts holds every path to format.ts.
 *
 * The put* functions write one value at `at` and return where it ends; a caller reserves VALUE_BYTES per value first
 * (NumberText.reserve) and writes a whole row with local variables: through a method per value the same work took
 * three times as long.
 */
import { formatFixed, formatPicardDouble } from './format.js';

const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const FAST_SCALED_LIMIT = 1e9;
const TIE_MARGIN = 1e-6;
/** Pieces handed out when the buffer passes this, so a 60 MB file is never one buffer grown by copies. */
const PIECE_BYTES = 1 << 20;
const ZERO = 48;
const MINUS = 45;
const POINT = 46;
/** The most bytes one value takes: a double's full expansion is at most 309 digits, plus sign, point and decimals. */
export const VALUE_BYTES = 340;
const encoder = new TextEncoder();

/** riker's fixed decimals (formatFixed: half-even on the exact value, NaN, inf). */
export function putFixed(bytes: Uint8Array, at: number, value: number, decimals: number): number {
  const end = putRounded(bytes, at, value, decimals, false);
  return end >= 0 ? end : putAscii(bytes, at, formatFixed(value, decimals));
}

/** A double in a Picard metrics file (formatPicardDouble: 6 digits half-down, no trailing zeros, `?`). */
export function putPicardDouble(bytes: Uint8Array, at: number, value: number): number {
  const end = putRounded(bytes, at, value, 6, true);
  return end >= 0 ? end : putAscii(bytes, at, formatPicardDouble(value));
}

/** An int cell: as String(value) writes any number, digits directly for safe integers. */
export function putInteger(bytes: Uint8Array, at: number, value: number): number {
  if (!Number.isSafeInteger(value)) return putAscii(bytes, at, String(value));
  if (value < 0) {
    bytes[at++] = MINUS;
    value = -value;
  }
  return putDigits(bytes, at, value, 0);
}

/** Text of one-byte characters (numbers as format.ts prints them). */
function putAscii(bytes: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
  return at;
}

/**
 * Writes `value` rounded to `decimals` (and without trailing fraction zeros when `trimZeros`) when the fast path can
 * settle it (see the file's comment): returns where it ended, or -1 for format.ts to write it.
 */
function putRounded(bytes: Uint8Array, at: number, value: number, decimals: number, trimZeros: boolean): number {
  const scaled = (value < 0 ? -value : value) * POWERS_OF_TEN[decimals]!;
  if (!(scaled < FAST_SCALED_LIMIT)) return -1; // NaN too
  const whole = Math.floor(scaled);
  const fraction = scaled - whole;
  if (fraction > 0.5 - TIE_MARGIN && fraction < 0.5 + TIE_MARGIN) return -1;
  let rounded = fraction > 0.5 ? whole + 1 : whole;
  if (rounded !== 0 && value < 0) bytes[at++] = MINUS;
  if (trimZeros)
    while (decimals > 0 && rounded % 10 === 0) {
      rounded /= 10;
      decimals--;
    }
  return putDigits(bytes, at, rounded, decimals);
}

/** A non-negative integer below 2^53 with a decimal point `decimals` digits from its end (and a leading 0 where needed). */
function putDigits(bytes: Uint8Array, at: number, value: number, decimals: number): number {
  let count = 1;
  for (let power = 10; power <= value && count < 17; power *= 10) count++;
  if (count <= decimals) count = decimals + 1;
  const end = at + (decimals > 0 ? count + 1 : count);
  let next = end;
  if (value < 2147483648) {
    // As a 32-bit integer, so that the division by 10 compiles to a multiplication (most values): as a double it was
    // half of a long table's writing time.
    let small = value | 0;
    for (let digit = 0; digit < count; digit++) {
      if (digit === decimals && decimals > 0) bytes[--next] = POINT;
      const rest = (small / 10) | 0;
      bytes[--next] = ZERO + small - rest * 10;
      small = rest;
    }
    return end;
  }
  for (let digit = 0; digit < count; digit++) {
    if (digit === decimals && decimals > 0) bytes[--next] = POINT;
    const rest = Math.floor(value / 10);
    bytes[--next] = ZERO + (value - rest * 10);
    value = rest;
  }
  return end;
}

/**
 * Bytes written in pieces: reserve room, write at `length` into `buffer` with the put* functions, move `length` on.
 * `take` hands out what was written and keeps going in fresh buffers; `drain` hands out the buffer itself and writes on
 * over it, for a consumer that is done with each piece before asking for the next (a file written synchronously):
 * fresh memory costs page faults, ~3 ms a MB here, as much as formatting it.
 */
export class NumberText {
  buffer = new Uint8Array(1 << 12);
  length = 0;
  private readonly pieces: Uint8Array[] = [];

  /** `reuse`: the caller drains (one buffer, written over), and reserve only grows it; else take() collects pieces. */
  constructor(private readonly reuse = false) {}

  /** Makes room for `bytes` more bytes at `length` (handing a full buffer out as a piece). */
  reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    // Small tables stay in one small buffer; large ones go out in pieces of about PIECE_BYTES.
    if (this.buffer.length < PIECE_BYTES || this.reuse) {
      const bigger = new Uint8Array(Math.max(this.buffer.length * 2, this.length + bytes));
      bigger.set(this.buffer.subarray(0, this.length));
      this.buffer = bigger;
      return;
    }
    this.flush();
    if (bytes > this.buffer.length) this.buffer = new Uint8Array(bytes);
  }

  /** Text as UTF-8 (names, headers, separators). */
  text(text: string): void {
    this.reserve(text.length * 3);
    this.length += encoder.encodeInto(text, this.buffer.subarray(this.length)).written;
  }

  /** The bytes written so far, in pieces; the writer starts empty again. */
  take(): Uint8Array[] {
    this.flush();
    return this.pieces.splice(0);
  }

  /** The bytes written since the last drain when there are at least `atLeast`; the buffer is written over next. */
  drain(atLeast = PIECE_BYTES): Uint8Array | undefined {
    if (this.length === 0 || this.length < atLeast) return undefined;
    const piece = this.buffer.subarray(0, this.length);
    this.length = 0;
    return piece;
  }

  /** Hands the buffer out as a piece (no copy) and starts a new one. */
  private flush(): void {
    if (this.length === 0) return;
    this.pieces.push(this.buffer.subarray(0, this.length));
    this.buffer = new Uint8Array(this.buffer.length);
    this.length = 0;
  }
}

/** Bytes as they are (a sample name encoded once for a million lines); the caller has reserved room. */
export function putBytes(bytes: Uint8Array, at: number, piece: Uint8Array): number {
  for (let i = 0; i < piece.length; i++) bytes[at++] = piece[i]!;
  return at;
}
