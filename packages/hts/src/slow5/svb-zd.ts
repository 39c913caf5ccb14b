/**
 * svb-zd, BLOW5 signal compression 1: StreamVByte over zig-zag deltas of the int16 samples.
 *
 * Layout (slow5lib src/slow5_press.c ptr_compress_svb_zd / ptr_compress_svb, with the vendored
 * streamvbyte's scalar encoder): a u32le sample count n, then ceil(n/4) key bytes, then the data
 * bytes. Each sample i is widened to int32 and its delta from sample i-1 (0 before the first) is
 * zig-zag encoded, `(d << 1) ^ (d >> 31)`; the result is stored little-endian in 1 to 4 bytes, and
 * 2 bits of the key byte i/4, from the lowest bits up, give that length minus 1. Deltas of int16
 * values lie in [-65535, 65535], so no value needs more than 3 bytes, but the decoder takes 4 as
 * the format allows. The decoder follows __slow5_zigzag_delta_decode: the running sum is int32 and
 * each sample is that sum cut to int16.
 */
import { HtsError } from '../errors.js';

/** Bytes of data that each key byte announces when all four of its codes are used: 4 + the sum of the codes. */
const KEY_DATA_BYTES = (() => {
  const table = new Uint8Array(256);
  for (let key = 0; key < 256; key++) table[key] = 4 + (key & 3) + ((key >> 2) & 3) + ((key >> 4) & 3) + ((key >> 6) & 3);
  return table;
})();

/** The largest svb-zd payload for `samples` samples (count, keys, at most 3 data bytes a sample). */
export function svbZdMaxBytes(samples: number): number {
  return 4 + ((samples + 3) >>> 2) + 3 * samples;
}

/** Encodes `signal` as an svb-zd payload. */
export function encodeSvbZd(signal: Int16Array): Uint8Array {
  const count = signal.length;
  if (count > 0xffffffff) throw new RangeError(`svb-zd holds at most 2^32-1 samples, not ${count}`);
  const out = new Uint8Array(svbZdMaxBytes(count));
  out[0] = count & 0xff;
  out[1] = (count >>> 8) & 0xff;
  out[2] = (count >>> 16) & 0xff;
  out[3] = (count >>> 24) & 0xff;
  let keyAt = 4;
  let dataAt = 4 + ((count + 3) >>> 2);
  let key = 0;
  let shift = 0;
  let previous = 0;
  for (let i = 0; i < count; i++) {
    const sample = signal[i]!;
    const delta = sample - previous;
    previous = sample;
    // Zig-zag: 0, -1, 1, -2, … → 0, 1, 2, 3, …; |delta| <= 65535 so the result fits in 17 bits.
    const value = ((delta << 1) ^ (delta >> 31)) >>> 0;
    let code: number;
    if (value < 0x100) {
      out[dataAt++] = value;
      code = 0;
    } else if (value < 0x10000) {
      out[dataAt++] = value & 0xff;
      out[dataAt++] = value >>> 8;
      code = 1;
    } else {
      out[dataAt++] = value & 0xff;
      out[dataAt++] = (value >>> 8) & 0xff;
      out[dataAt++] = value >>> 16;
      code = 2;
    }
    key |= code << shift;
    shift += 2;
    if (shift === 8) {
      out[keyAt++] = key;
      key = 0;
      shift = 0;
    }
  }
  if (shift !== 0) out[keyAt] = key;
  return out.subarray(0, dataAt);
}

/** Where a payload sits, for error messages: the file and the byte offset of the record holding it. */
export interface SignalOrigin {
  readonly file?: string;
  readonly location?: string;
}

/** The sample count stated at the start of an svb-zd payload. */
export function svbZdSampleCount(payload: Uint8Array, origin: SignalOrigin = {}): number {
  if (payload.length < 4) {
    throw new HtsError(`corrupt svb-zd signal: ${payload.length} bytes, fewer than its 4-byte sample count`, origin.file, origin.location);
  }
  return (payload[0]! | (payload[1]! << 8) | (payload[2]! << 16) | (payload[3]! << 24)) >>> 0;
}

/**
 * Decodes an svb-zd payload (exactly the bytes the record gives it) into `into` when given (it
 * must hold the stated count), else a new array. A payload whose keys call for more or fewer bytes
 * than it has is an HtsError (a signal length mismatch).
 */
export function decodeSvbZd(payload: Uint8Array, origin: SignalOrigin = {}, into?: Int16Array): Int16Array {
  const count = svbZdSampleCount(payload, origin);
  const keyBytes = Math.ceil(count / 4);
  const dataStart = 4 + keyBytes;
  if (dataStart > payload.length) {
    throw new HtsError(
      `signal length mismatch: svb-zd signal states ${count} samples, whose keys alone need ${keyBytes} bytes, but only ${payload.length - 4} follow`,
      origin.file,
      origin.location,
    );
  }
  // The data length the keys announce, checked before decoding so that the loop below never reads
  // past the payload (a typed array read out of bounds would give undefined, not an error).
  const fullKeys = count >>> 2;
  let dataBytes = 0;
  for (let k = 0; k < fullKeys; k++) dataBytes += KEY_DATA_BYTES[payload[4 + k]!]!;
  const tail = count & 3;
  if (tail !== 0) {
    const key = payload[4 + fullKeys]!;
    for (let j = 0; j < tail; j++) dataBytes += 1 + ((key >> (2 * j)) & 3);
  }
  if (dataStart + dataBytes !== payload.length) {
    throw new HtsError(
      `signal length mismatch: svb-zd signal of ${count} samples needs ${dataStart + dataBytes} bytes, the record gives ${payload.length}`,
      origin.file,
      origin.location,
    );
  }
  const out = into ?? new Int16Array(count);
  if (out.length < count) throw new RangeError(`decodeSvbZd: the output holds ${out.length} samples, the payload ${count}`);
  let at = dataStart;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const code = (payload[4 + (i >>> 2)]! >>> ((i & 3) << 1)) & 3;
    let value: number;
    if (code === 0) {
      value = payload[at]!;
      at += 1;
    } else if (code === 1) {
      value = payload[at]! | (payload[at + 1]! << 8);
      at += 2;
    } else if (code === 2) {
      value = payload[at]! | (payload[at + 1]! << 8) | (payload[at + 2]! << 16);
      at += 3;
    } else {
      value = payload[at]! | (payload[at + 1]! << 8) | (payload[at + 2]! << 16) | (payload[at + 3]! << 24);
      at += 4;
    }
    // Un-zig-zag, then add with int32 wrap-around as slow5lib does; the Int16Array store cuts to 16 bits.
    sum = (sum + ((value >>> 1) ^ -(value & 1))) | 0;
    out[i] = sum;
  }
  return out;
}
