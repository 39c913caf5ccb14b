/**
 * SLOW5 auxiliary fields: their types, and their values in BLOW5 bytes and in SLOW5 text.
 *
 * Follows slow5lib (include/slow5/slow5.h SLOW5_AUX_TYPE_META, src/slow5.c slow5_rec_aux_parse,
 * slow5_rec_to_mem, slow5_data_to_str). Types are the C names `int8_t` … `uint64_t`, `float`,
 * `double`, `char`, `enum{A,B,…}` (a uint8_t index into the labels), and each of those with `*` for
 * an array (`char*` is a string, `enum*{A,B}` an array of indexes). In BLOW5 a scalar is stored
 * raw, little-endian; an array or string is a u64 element count and then the elements (a string has
 * no terminating NUL). Missing values: a scalar holds its type's sentinel (INT8_MAX … UINT64_MAX,
 * NaN, NUL for char, 255 for enum) and an array or string has 0 elements; SLOW5 text writes both as
 * `.`. Here a missing value is `null`, so an empty string or array reads back as null.
 */
import { HtsError, quoted } from '../errors.js';
import { formatFloat32 } from '../bam/record/tags.js';
import type { Slow5AuxField, Slow5AuxValue } from './types.js';

export type AuxScalarKind =
  'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'float' | 'double' | 'char' | 'enum';

/** A parsed aux type: the element kind, whether it is an array (`T*`), the element size and enum labels. */
export interface AuxType {
  readonly name: string;
  /** As written in the header (`enum{a,b}`, `uint64_t`, `char*`). */
  readonly text: string;
  readonly kind: AuxScalarKind;
  readonly array: boolean;
  readonly elementBytes: number;
  readonly enumLabels: readonly string[] | undefined;
}

const KINDS: Record<string, { kind: AuxScalarKind; bytes: number }> = {
  int8_t: { kind: 'int8', bytes: 1 },
  int16_t: { kind: 'int16', bytes: 2 },
  int32_t: { kind: 'int32', bytes: 4 },
  int64_t: { kind: 'int64', bytes: 8 },
  uint8_t: { kind: 'uint8', bytes: 1 },
  uint16_t: { kind: 'uint16', bytes: 2 },
  uint32_t: { kind: 'uint32', bytes: 4 },
  uint64_t: { kind: 'uint64', bytes: 8 },
  float: { kind: 'float', bytes: 4 },
  double: { kind: 'double', bytes: 8 },
  char: { kind: 'char', bytes: 1 },
};

/** slow5lib's enum labels are C identifiers (slow5_is_c_label). */
const C_LABEL = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses one aux type; a string naming the problem when it is not one slow5lib knows. */
export function parseAuxType(name: string, text: string): AuxType | string {
  if (text.startsWith('enum')) {
    const array = text[4] === '*';
    const open = array ? 5 : 4;
    if (text[open] !== '{' || !text.endsWith('}')) return `enum type ${quoted(text)} needs its labels as enum{A,B,…}`;
    const labels = text.slice(open + 1, -1).split(',');
    if (labels.length > 255) return `enum type of ${quoted(name)} has ${labels.length} labels, more than the 255 a uint8_t holds`;
    const seen = new Set<string>();
    for (const label of labels) {
      if (!C_LABEL.test(label)) return `enum label ${quoted(label)} of ${quoted(name)} is not a C identifier`;
      if (seen.has(label)) return `enum label ${quoted(label)} of ${quoted(name)} is listed twice`;
      seen.add(label);
    }
    return { name, text, kind: 'enum', array, elementBytes: 1, enumLabels: labels };
  }
  const array = text.endsWith('*');
  const known = KINDS[array ? text.slice(0, -1) : text];
  if (!known) return `unknown aux type ${quoted(text)} for field ${quoted(name)}`;
  return { name, text, kind: known.kind, array, elementBytes: known.bytes, enumLabels: undefined };
}

/** The aux types of a header's fields, throwing an HtsError for one that slow5lib would refuse. */
export function auxTypesOf(fields: readonly Slow5AuxField[], file?: string, location?: string): AuxType[] {
  const seen = new Set<string>();
  return fields.map((field) => {
    if (seen.has(field.name)) throw new HtsError(`aux field ${quoted(field.name)} is declared twice`, file, location);
    seen.add(field.name);
    const type = parseAuxType(field.name, field.type);
    if (typeof type === 'string') throw new HtsError(type, file, location);
    return type;
  });
}

const INT64_NULL = (1n << 63n) - 1n;
const UINT64_NULL = (1n << 64n) - 1n;
const SCALAR_NULL: Record<AuxScalarKind, number | bigint> = {
  int8: 0x7f,
  int16: 0x7fff,
  int32: 0x7fffffff,
  int64: INT64_NULL,
  uint8: 0xff,
  uint16: 0xffff,
  uint32: 0xffffffff,
  uint64: UINT64_NULL,
  float: NaN,
  double: NaN,
  char: 0,
  enum: 0xff,
};

function isNullScalar(kind: AuxScalarKind, value: number | bigint): boolean {
  if (kind === 'float' || kind === 'double') return Number.isNaN(value);
  return value === SCALAR_NULL[kind];
}

function readScalar(view: DataView, at: number, kind: AuxScalarKind): number | bigint {
  switch (kind) {
    case 'int8':
      return view.getInt8(at);
    case 'int16':
      return view.getInt16(at, true);
    case 'int32':
      return view.getInt32(at, true);
    case 'int64':
      return view.getBigInt64(at, true);
    case 'uint8':
    case 'char':
    case 'enum':
      return view.getUint8(at);
    case 'uint16':
      return view.getUint16(at, true);
    case 'uint32':
      return view.getUint32(at, true);
    case 'uint64':
      return view.getBigUint64(at, true);
    case 'float':
      return view.getFloat32(at, true);
    case 'double':
      return view.getFloat64(at, true);
  }
}

function writeScalar(view: DataView, at: number, kind: AuxScalarKind, value: number | bigint): void {
  switch (kind) {
    case 'int8':
      return view.setInt8(at, Number(value));
    case 'int16':
      return view.setInt16(at, Number(value), true);
    case 'int32':
      return view.setInt32(at, Number(value), true);
    case 'int64':
      return view.setBigInt64(at, BigInt(value), true);
    case 'uint8':
    case 'char':
    case 'enum':
      return view.setUint8(at, Number(value));
    case 'uint16':
      return view.setUint16(at, Number(value), true);
    case 'uint32':
      return view.setUint32(at, Number(value), true);
    case 'uint64':
      return view.setBigUint64(at, BigInt(value), true);
    case 'float':
      return view.setFloat32(at, Number(value), true);
    case 'double':
      return view.setFloat64(at, Number(value), true);
  }
}

type ArrayOut = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array | bigint[];

function newArray(kind: AuxScalarKind, length: number): ArrayOut {
  switch (kind) {
    case 'int8':
      return new Int8Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'uint8':
    case 'enum':
      return new Uint8Array(length);
    case 'uint16':
      return new Uint16Array(length);
    case 'uint32':
      return new Uint32Array(length);
    case 'float':
      return new Float32Array(length);
    case 'double':
      return new Float64Array(length);
    case 'int64':
    case 'uint64':
      return new Array<bigint>(length).fill(0n);
    case 'char':
      throw new Error('char arrays are strings');
  }
}

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

/** Where a problem is, for errors: the file and the record's location text. */
export interface AuxOrigin {
  readonly file?: string;
  readonly location?: string;
}

/**
 * Reads the aux values of one BLOW5 record from `bytes[at, end)`; returns the map and the offset
 * after the last field, which must equal `end` (checked by the caller, who knows the record).
 */
export function decodeAuxBinary(
  bytes: Uint8Array,
  at: number,
  end: number,
  types: readonly AuxType[],
  origin: AuxOrigin,
): Map<string, Slow5AuxValue> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Map<string, Slow5AuxValue>();
  const short = (type: AuxType, need: number): never => {
    throw new HtsError(
      `corrupt BLOW5 record: aux field ${quoted(type.name)} needs ${need} bytes at record byte ${at}, the record has ${Math.max(0, end - at)} left`,
      origin.file,
      origin.location,
    );
  };
  for (const type of types) {
    if (!type.array) {
      if (at + type.elementBytes > end) short(type, type.elementBytes);
      const raw = readScalar(view, at, type.kind);
      at += type.elementBytes;
      if (type.kind === 'enum') checkEnumIndex(type, Number(raw), origin);
      values.set(type.name, isNullScalar(type.kind, raw) ? null : type.kind === 'char' ? String.fromCharCode(Number(raw)) : raw);
      continue;
    }
    if (at + 8 > end) short(type, 8);
    const length = view.getBigUint64(at, true);
    at += 8;
    const byteLength = length * BigInt(type.elementBytes);
    if (byteLength > BigInt(end - at)) short(type, Number(byteLength));
    const count = Number(length);
    if (count === 0) {
      values.set(type.name, null);
      continue;
    }
    if (type.kind === 'char') {
      values.set(type.name, utf8.decode(bytes.subarray(at, at + count)));
    } else {
      const out = newArray(type.kind, count);
      if (Array.isArray(out)) {
        for (let i = 0; i < count; i++) out[i] = readScalar(view, at + i * 8, type.kind) as bigint;
      } else {
        // Copy through bytes: the record's bytes need not be aligned for a typed-array view.
        new Uint8Array(out.buffer).set(bytes.subarray(at, at + count * type.elementBytes));
      }
      if (type.kind === 'enum') for (let i = 0; i < count; i++) checkEnumIndex(type, (out as Uint8Array)[i]!, origin);
      values.set(type.name, out as Slow5AuxValue);
    }
    at += count * type.elementBytes;
  }
  if (at !== end) {
    throw new HtsError(`corrupt BLOW5 record: ${end - at} bytes left after its last aux field`, origin.file, origin.location);
  }
  return values;
}

/** An enum index must name a label (255 is the missing value), as the SLOW5 text reader requires too. */
function checkEnumIndex(type: AuxType, index: number, origin: AuxOrigin): void {
  if (index !== 0xff && index >= type.enumLabels!.length)
    throw new HtsError(
      `corrupt BLOW5 record: aux field ${quoted(type.name)} holds enum index ${index}, which has no label (${type.enumLabels!.length} labels)`,
      origin.file,
      origin.location,
    );
}

function valueProblem(type: AuxType, value: unknown): string {
  return `aux field ${quoted(type.name)} (${type.text}) cannot hold ${describeValue(value)}`;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return quoted(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return String(value);
  return Object.prototype.toString.call(value);
}

const RANGES: Partial<Record<AuxScalarKind, readonly [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
};

/** The number (or bigint) to store for one element, checked against the type's range. */
function elementOf(type: AuxType, value: unknown): number | bigint {
  const kind = type.kind;
  if (kind === 'int64' || kind === 'uint64') {
    const big = typeof value === 'bigint' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : undefined;
    if (big === undefined) throw new Error(valueProblem(type, value));
    if (kind === 'int64' ? big < -(1n << 63n) || big > INT64_NULL : big < 0n || big > UINT64_NULL)
      throw new Error(valueProblem(type, value));
    return big;
  }
  if (kind === 'char') {
    if (typeof value === 'string' && value.length === 1 && value.charCodeAt(0) < 256) return value.charCodeAt(0);
    throw new Error(valueProblem(type, value));
  }
  if (typeof value !== 'number') throw new Error(valueProblem(type, value));
  if (kind === 'float' || kind === 'double') return value;
  if (kind === 'enum') {
    if (!Number.isInteger(value) || value < 0 || (value >= type.enumLabels!.length && value !== 0xff))
      throw new Error(valueProblem(type, value));
    return value;
  }
  const [low, high] = RANGES[kind]!;
  if (!Number.isInteger(value) || value < low || value > high) throw new Error(valueProblem(type, value));
  return value;
}

function arrayElements(type: AuxType, value: unknown): ArrayLike<unknown> {
  if (typeof value === 'object' && value !== null && typeof (value as ArrayLike<unknown>).length === 'number')
    return value as ArrayLike<unknown>;
  throw new Error(valueProblem(type, value));
}

/** The BLOW5 bytes of one record's aux values (writer side; a bad value is a programming error, thrown as Error). */
export function auxBinaryLength(types: readonly AuxType[], values: ReadonlyMap<string, Slow5AuxValue>): number {
  let bytes = 0;
  for (const type of types) {
    if (!type.array) {
      bytes += type.elementBytes;
      continue;
    }
    const value = values.get(type.name) ?? null;
    bytes += 8;
    if (value === null) continue;
    if (type.kind === 'char') {
      if (typeof value !== 'string') throw new Error(valueProblem(type, value));
      bytes += utf8Encoder.encode(value).length;
    } else {
      bytes += arrayElements(type, value).length * type.elementBytes;
    }
  }
  return bytes;
}

/** Writes the aux values at `at` in `out` (sized by auxBinaryLength); returns the end offset. */
export function encodeAuxBinary(
  out: Uint8Array,
  at: number,
  types: readonly AuxType[],
  values: ReadonlyMap<string, Slow5AuxValue>,
): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (const type of types) {
    const value = values.get(type.name) ?? null;
    if (!type.array) {
      writeScalar(view, at, type.kind, value === null ? SCALAR_NULL[type.kind] : elementOf(type, value));
      at += type.elementBytes;
      continue;
    }
    if (value === null) {
      view.setBigUint64(at, 0n, true);
      at += 8;
      continue;
    }
    if (type.kind === 'char') {
      if (typeof value !== 'string') throw new Error(valueProblem(type, value));
      const encoded = utf8Encoder.encode(value);
      view.setBigUint64(at, BigInt(encoded.length), true);
      out.set(encoded, at + 8);
      at += 8 + encoded.length;
      continue;
    }
    const elements = arrayElements(type, value);
    view.setBigUint64(at, BigInt(elements.length), true);
    at += 8;
    for (let i = 0; i < elements.length; i++) {
      writeScalar(view, at, type.kind, elementOf(type, elements[i]));
      at += type.elementBytes;
    }
  }
  return at;
}

/** One scalar in SLOW5 text: `.` for the type's missing sentinel, floats in their shortest round-trip form. */
function formatScalar(kind: AuxScalarKind, value: number | bigint): string {
  if (isNullScalar(kind, value)) return '.';
  if (kind === 'float') return formatFloat32(Number(value));
  if (kind === 'char') return String.fromCharCode(Number(value));
  return String(value);
}

/** One aux value as a SLOW5 text column. */
export function formatAuxText(type: AuxType, value: Slow5AuxValue | undefined): string {
  if (value === null || value === undefined) return '.';
  if (!type.array) return formatScalar(type.kind, elementOf(type, value));
  if (type.kind === 'char') {
    if (typeof value !== 'string') throw new Error(valueProblem(type, value));
    if (/[\t\n\r]/.test(value)) throw new Error(`aux field ${quoted(type.name)}: a tab or newline cannot be written in SLOW5 text`);
    return value.length === 0 ? '.' : value;
  }
  const elements = arrayElements(type, value);
  if (elements.length === 0) return '.';
  const parts = new Array<string>(elements.length);
  for (let i = 0; i < elements.length; i++) parts[i] = formatScalar(type.kind, elementOf(type, elements[i]));
  return parts.join(',');
}

const INTEGER = /^[+-]?\d+$/;

/** Parses one scalar from SLOW5 text; a string naming the problem when it cannot. */
function parseScalar(kind: AuxScalarKind, text: string, type: AuxType): number | bigint | string {
  if (text === '.') return SCALAR_NULL[kind];
  if (kind === 'float' || kind === 'double') {
    const value = Number(text);
    if (text.trim() === '' || Number.isNaN(value)) return `${quoted(text)} is not a number`;
    return kind === 'float' ? Math.fround(value) : value;
  }
  if (kind === 'char') return text.length === 1 ? text.charCodeAt(0) : `${quoted(text)} is not one character`;
  if (!INTEGER.test(text)) return `${quoted(text)} is not an integer`;
  if (kind === 'int64' || kind === 'uint64') {
    const big = BigInt(text);
    if (kind === 'int64' ? big < -(1n << 63n) || big > INT64_NULL : big < 0n || big > UINT64_NULL)
      return `${text} is out of range for ${type.text}`;
    return big;
  }
  const value = Number(text);
  const [low, high] = kind === 'enum' ? [0, 255] : RANGES[kind]!;
  if (value < low || value > high) return `${text} is out of range for ${type.text}`;
  if (kind === 'enum' && value !== 0xff && value >= type.enumLabels!.length)
    return `enum index ${text} has no label (${type.enumLabels!.length} labels)`;
  return value;
}

/** Parses one aux column of a SLOW5 text record; a string naming the problem when it cannot. */
export function parseAuxText(type: AuxType, text: string): Slow5AuxValue | { problem: string } {
  if (!type.array) {
    const raw = parseScalar(type.kind, text, type);
    if (typeof raw === 'string') return { problem: `aux field ${quoted(type.name)}: ${raw}` };
    if (isNullScalar(type.kind, raw)) return null;
    return type.kind === 'char' ? String.fromCharCode(Number(raw)) : raw;
  }
  if (text === '.') return null;
  if (type.kind === 'char') return text;
  const parts = text.split(',');
  const out = newArray(type.kind, parts.length);
  for (let i = 0; i < parts.length; i++) {
    const raw = parseScalar(type.kind, parts[i]!, type);
    if (typeof raw === 'string') return { problem: `aux field ${quoted(type.name)} element ${i}: ${raw}` };
    (out as unknown as (number | bigint)[])[i] = raw;
  }
  return out as Slow5AuxValue;
}
