/**
 * One SLOW5 record in BLOW5 bytes and in SLOW5 text.
 *
 * BLOW5 (slow5lib src/slow5.c slow5_rec_to_mem / slow5_rec_parse): each record is a u64le size and
 * then that many bytes, compressed as a whole when the file's record compression is zlib (one
 * complete zlib stream, RFC 1950, per record) or zstd (one frame per record, its content size
 * stated). Uncompressed, a record is: u16 read-id length, the read id, u32 read group, f64
 * digitisation, f64 offset, f64 range, f64 sampling rate, u64 signal field length, the signal, the
 * aux fields (aux.ts). With signal compression none the length counts samples and the signal is
 * int16 little-endian; with svb-zd it counts the payload's bytes (svb-zd.ts).
 *
 * SLOW5 text: one tab-separated line per record, the signal comma-separated, aux values after it.
 */
import zlib from 'node:zlib';
import { HtsError, quoted } from '../errors.js';
import { zstdAvailable, zstdCompress, zstdDecompressFrame } from '../compress/zstd.js';
import { auxBinaryLength, decodeAuxBinary, encodeAuxBinary, formatAuxText, parseAuxText, type AuxType } from './aux.js';
import { decodeSvbZd, encodeSvbZd } from './svb-zd.js';
import { PRIMARY_COLUMNS } from './header.js';
import type { Slow5AuxValue, Slow5Record, Slow5RecordCompression, Slow5SignalCompression } from './types.js';

/** slow5lib writes zstd records at level 1 (SLOW5_ZSTD_COMPRESS_LEVEL). */
const ZSTD_LEVEL = 1;
/** The fixed part before the read id and after it, up to and including the signal length. */
const FIXED_BYTES = 2 + 4 + 8 * 4 + 8;
/** A decompressed record larger than this is taken as corrupt: 1 GiB is 500 M int16 samples. */
export const MAX_RECORD_BYTES = 1 << 30;

const utf8Encoder = new TextEncoder();
const latin1 = new TextDecoder('latin1');

/** Where a record is: its file and location text (`record 3 at byte offset 4096`). */
export interface RecordOrigin {
  readonly file?: string;
  readonly location?: string;
}

/** The uncompressed BLOW5 bytes of `record` (without the u64 size). */
export function encodeRecordBody(record: Slow5Record, auxTypes: readonly AuxType[], signalCompression: Slow5SignalCompression): Uint8Array {
  const readId = utf8Encoder.encode(record.readId);
  if (readId.length > 0xffff) throw new Error(`read id of ${readId.length} bytes: BLOW5 holds at most 65535`);
  if (/[\t\n\r]/.test(record.readId) || readId.length === 0)
    throw new Error(`read id ${quoted(record.readId)} is empty or holds a tab or newline`);
  if (!Number.isInteger(record.readGroup) || record.readGroup < 0 || record.readGroup > 0xffffffff)
    throw new Error(`read group ${record.readGroup} is not a uint32`);
  const signal = signalCompression === 'svb-zd' ? encodeSvbZd(record.rawSignal) : undefined;
  const signalBytes = signal ? signal.length : record.rawSignal.length * 2;
  const auxBytes = auxBinaryLength(auxTypes, record.aux);
  const out = new Uint8Array(FIXED_BYTES + readId.length + signalBytes + auxBytes);
  const view = new DataView(out.buffer);
  let at = 0;
  view.setUint16(at, readId.length, true);
  out.set(readId, 2);
  at = 2 + readId.length;
  view.setUint32(at, record.readGroup, true);
  view.setFloat64(at + 4, record.digitisation, true);
  view.setFloat64(at + 12, record.offset, true);
  view.setFloat64(at + 20, record.range, true);
  view.setFloat64(at + 28, record.samplingRate, true);
  view.setBigUint64(at + 36, BigInt(signal ? signal.length : record.rawSignal.length), true);
  at += 44;
  if (signal) out.set(signal, at);
  // The int16 samples as they lie in memory: little-endian hosts only, as slow5lib.
  else out.set(new Uint8Array(record.rawSignal.buffer, record.rawSignal.byteOffset, signalBytes), at);
  at += signalBytes;
  encodeAuxBinary(out, at, auxTypes, record.aux);
  return out;
}

/** Compresses a record body as the file's record compression says. */
export function compressRecordBody(body: Uint8Array, compression: Slow5RecordCompression): Uint8Array {
  if (compression === 'zlib') return zlib.deflateSync(body);
  if (compression === 'zstd') return zstdCompress(body, ZSTD_LEVEL);
  return body;
}

/** Undoes compressRecordBody; a corrupt stream is an HtsError at `origin`. */
export function decompressRecordBody(stored: Uint8Array, compression: Slow5RecordCompression, origin: RecordOrigin): Uint8Array {
  if (compression === 'none') return stored;
  if (compression === 'zstd' && !zstdAvailable()) {
    throw new HtsError(
      'this BLOW5 has zstd records, which need the system library libzstd.so.1 (Debian package libzstd1)',
      origin.file,
      origin.location,
    );
  }
  try {
    if (compression === 'zlib') return zlib.inflateSync(stored, { maxOutputLength: MAX_RECORD_BYTES });
    return zstdDecompressFrame(stored, MAX_RECORD_BYTES);
  } catch (error) {
    const detail = error instanceof HtsError ? error.detail : error instanceof Error ? error.message : String(error);
    throw new HtsError(`corrupt BLOW5 record: ${compression} decompression failed (${detail})`, origin.file, origin.location);
  }
}

/** The read id of an uncompressed record body (for the index). */
export function readIdOfBody(body: Uint8Array, origin: RecordOrigin): string {
  if (body.length < 2) throw new HtsError('corrupt BLOW5 record: shorter than its read-id length', origin.file, origin.location);
  const length = body[0]! | (body[1]! << 8);
  if (2 + length > body.length)
    throw new HtsError(`corrupt BLOW5 record: read id of ${length} bytes runs past the record`, origin.file, origin.location);
  return utf8Decode(body.subarray(2, 2 + length));
}

const utf8 = new TextDecoder();
function utf8Decode(bytes: Uint8Array): string {
  // Read ids are ASCII in practice; latin1 is a faster exact decode for them.
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return utf8.decode(bytes);
  return latin1.decode(bytes);
}

/** Decodes an uncompressed BLOW5 record body. */
export function decodeRecordBody(
  body: Uint8Array,
  auxTypes: readonly AuxType[],
  signalCompression: Slow5SignalCompression,
  readGroupCount: number,
  origin: RecordOrigin,
): Slow5Record {
  const readId = readIdOfBody(body, origin);
  let at = 2 + (body[0]! | (body[1]! << 8));
  if (at + 44 > body.length) {
    throw new HtsError(
      `corrupt BLOW5 record ${quoted(readId)}: ${body.length} bytes, too short for its primary fields`,
      origin.file,
      origin.location,
    );
  }
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const readGroup = view.getUint32(at, true);
  if (readGroup >= readGroupCount) {
    throw new HtsError(
      `corrupt BLOW5 record ${quoted(readId)}: read group ${readGroup}, but the header declares ${readGroupCount}`,
      origin.file,
      origin.location,
    );
  }
  const digitisation = view.getFloat64(at + 4, true);
  const offset = view.getFloat64(at + 12, true);
  const range = view.getFloat64(at + 20, true);
  const samplingRate = view.getFloat64(at + 28, true);
  const signalField = view.getBigUint64(at + 36, true);
  at += 44;
  const left = body.length - at;
  const signalBytes = signalCompression === 'svb-zd' ? signalField : signalField * 2n;
  if (signalBytes > BigInt(left)) {
    const what =
      signalCompression === 'svb-zd' ? `an svb-zd signal of ${signalField} bytes` : `${signalField} samples (${signalBytes} bytes)`;
    throw new HtsError(
      `signal length mismatch: record ${quoted(readId)} states ${what}, but only ${left} bytes remain in the record`,
      origin.file,
      origin.location,
    );
  }
  const signalEnd = at + Number(signalBytes);
  let rawSignal: Int16Array;
  if (signalCompression === 'svb-zd') {
    rawSignal = decodeSvbZd(body.subarray(at, signalEnd), origin);
  } else {
    rawSignal = new Int16Array(Number(signalField));
    new Uint8Array(rawSignal.buffer).set(body.subarray(at, signalEnd));
  }
  const aux = decodeAuxBinary(body, signalEnd, body.length, auxTypes, origin);
  return { readId, readGroup, digitisation, offset, range, samplingRate, rawSignal, aux };
}

/** A double as SLOW5 text: the shortest form that reads back to the same value (slow5lib writes `%f` trimmed, losing digits). */
function formatDouble(value: number): string {
  return Object.is(value, -0) ? '0' : String(value);
}

/** One record as a SLOW5 text line, `\n` included. */
export function formatRecordText(record: Slow5Record, auxTypes: readonly AuxType[]): string {
  if (/[\t\n\r]/.test(record.readId) || record.readId.length === 0)
    throw new Error(`read id ${quoted(record.readId)} is empty or holds a tab or newline`);
  const signal = record.rawSignal;
  // Array.prototype.join over a typed array goes through the generic path; build the text in pieces.
  let signalText = '';
  const pieceSamples = 4096;
  for (let start = 0; start < signal.length; start += pieceSamples) {
    const piece = signal.subarray(start, Math.min(signal.length, start + pieceSamples)).join(',');
    signalText += start === 0 ? piece : `,${piece}`;
  }
  let line = `${record.readId}\t${record.readGroup}\t${formatDouble(record.digitisation)}\t${formatDouble(record.offset)}\t${formatDouble(record.range)}\t${formatDouble(record.samplingRate)}\t${signal.length}\t${signalText}`;
  for (const type of auxTypes) line += `\t${formatAuxText(type, record.aux.get(type.name))}`;
  return `${line}\n`;
}

const UNSIGNED = /^\d+$/;

function parseDoubleColumn(text: string, name: string, origin: RecordOrigin): number {
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value))
    throw new HtsError(`corrupt SLOW5 record: ${name} ${quoted(text)} is not a number`, origin.file, origin.location);
  return value;
}

/** Parses the signal column: `count` comma-separated int16 values. */
function parseSignal(text: string, count: number, readId: string, origin: RecordOrigin): Int16Array {
  // Each value takes at least one digit and a comma: a larger count is a corrupt length, refused before allocating.
  if (count > (text.length + 1) / 2)
    throw new HtsError(
      `corrupt SLOW5 record ${quoted(readId)}: len_raw_signal ${count} does not fit its raw_signal column of ${text.length} characters`,
      origin.file,
      origin.location,
    );
  const out = new Int16Array(count);
  if (count === 0) return out;
  let n = 0;
  let value = 0;
  let negative = false;
  let digits = 0;
  const bad = (): never => {
    throw new HtsError(`corrupt SLOW5 record ${quoted(readId)}: raw_signal element ${n} is not an int16`, origin.file, origin.location);
  };
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 44;
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
    } else if (c === 44) {
      if (digits === 0) bad();
      const signed = negative ? -value : value;
      if (signed < -32768 || signed > 32767) bad();
      if (n >= count) {
        throw new HtsError(
          `signal length mismatch: record ${quoted(readId)} states ${count} samples but lists more`,
          origin.file,
          origin.location,
        );
      }
      out[n++] = signed;
      value = 0;
      digits = 0;
      negative = false;
    } else if (c === 45 && digits === 0 && !negative) {
      negative = true;
    } else {
      bad();
    }
  }
  if (n !== count)
    throw new HtsError(
      `signal length mismatch: record ${quoted(readId)} states ${count} samples but lists ${n}`,
      origin.file,
      origin.location,
    );
  return out;
}

/** Parses one SLOW5 text line (without its newline). */
export function parseRecordText(line: string, auxTypes: readonly AuxType[], readGroupCount: number, origin: RecordOrigin): Slow5Record {
  const columns = line.split('\t');
  const expected = PRIMARY_COLUMNS + auxTypes.length;
  if (columns.length !== expected) {
    throw new HtsError(`corrupt SLOW5 record: ${columns.length} columns, the header declares ${expected}`, origin.file, origin.location);
  }
  const readId = columns[0]!;
  if (readId.length === 0) throw new HtsError('corrupt SLOW5 record: empty read id', origin.file, origin.location);
  const groupText = columns[1]!;
  const readGroup = Number(groupText);
  if (!UNSIGNED.test(groupText) || readGroup >= readGroupCount) {
    throw new HtsError(
      `corrupt SLOW5 record ${quoted(readId)}: read group ${quoted(groupText)}, but the header declares ${readGroupCount}`,
      origin.file,
      origin.location,
    );
  }
  const digitisation = parseDoubleColumn(columns[2]!, 'digitisation', origin);
  const offset = parseDoubleColumn(columns[3]!, 'offset', origin);
  const range = parseDoubleColumn(columns[4]!, 'range', origin);
  const samplingRate = parseDoubleColumn(columns[5]!, 'sampling_rate', origin);
  const lengthText = columns[6]!;
  if (!UNSIGNED.test(lengthText))
    throw new HtsError(
      `corrupt SLOW5 record ${quoted(readId)}: len_raw_signal ${quoted(lengthText)} is not a count`,
      origin.file,
      origin.location,
    );
  const rawSignal = parseSignal(columns[7]!, Number(lengthText), readId, origin);
  const aux = new Map<string, Slow5AuxValue>();
  for (let k = 0; k < auxTypes.length; k++) {
    const type = auxTypes[k]!;
    const value = parseAuxText(type, columns[PRIMARY_COLUMNS + k]!);
    if (value !== null && typeof value === 'object' && 'problem' in value) {
      throw new HtsError(`corrupt SLOW5 record ${quoted(readId)}: ${value.problem}`, origin.file, origin.location);
    }
    aux.set(type.name, value as Slow5AuxValue);
  }
  return { readId, readGroup, digitisation, offset, range, samplingRate, rawSignal, aux };
}
