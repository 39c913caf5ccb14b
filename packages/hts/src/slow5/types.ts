/**
 * SLOW5/BLOW5 (hasindu2008/slow5-spec v0.2.0): the types shared by the reader, the writer and the index.
 * Raw signal stays int16 as stored; picoamperes are `(raw + offset) * range / digitisation`.
 */

/** Record compression of BLOW5 (byte 9 of the file): none, zlib (a DEFLATE stream per record), zstd (a frame per record). */
export type Slow5RecordCompression = 'none' | 'zlib' | 'zstd';
/** Signal compression of BLOW5 (byte 14): none, or svb-zd (StreamVByte over zig-zag deltas). */
export type Slow5SignalCompression = 'none' | 'svb-zd';

/** An auxiliary field of the header: its name and its C type as SLOW5 spells it (`char*`, `double`, `uint8_t`, `enum{a,b}`, …). */
export interface Slow5AuxField {
  readonly name: string;
  readonly type: string;
}

/** An aux value: a number for scalars (bigint for 64-bit integers), a string for `char*`, an array for `T*`, null when missing (`.`). */
export type Slow5AuxValue = number | bigint | string | ArrayLike<number> | readonly bigint[] | null;

export interface Slow5Header {
  /** [major, minor, patch], 0.2.0 for files we write. */
  readonly version: readonly [number, number, number];
  /** Per read group, its `@attribute` values in header order (`experiment_type`, `sequencing_kit`, …); `.` is stored as absent. */
  readonly readGroups: ReadonlyArray<ReadonlyMap<string, string>>;
  /** Aux fields after the 8 primary columns, in header order. */
  readonly auxFields: readonly Slow5AuxField[];
}

export interface Slow5Record {
  readonly readId: string;
  readonly readGroup: number;
  readonly digitisation: number;
  readonly offset: number;
  readonly range: number;
  readonly samplingRate: number;
  /** The raw signal in acquisition order (for RNA: 3'→5' of the molecule). */
  readonly rawSignal: Int16Array;
  /** Aux values by field name, for the fields the header declares. */
  readonly aux: ReadonlyMap<string, Slow5AuxValue>;
}

/** The standard aux fields of ONT-converted files (slow5tools f2s), in slow5lib's order. */
export const STANDARD_AUX_FIELDS: readonly Slow5AuxField[] = [
  { name: 'channel_number', type: 'char*' },
  { name: 'median_before', type: 'double' },
  { name: 'read_number', type: 'int32_t' },
  { name: 'start_mux', type: 'uint8_t' },
  { name: 'start_time', type: 'uint64_t' },
];

/** The signal of `record` in picoamperes. */
export function picoamps(record: Slow5Record): Float32Array {
  const scale = record.range / record.digitisation;
  const out = new Float32Array(record.rawSignal.length);
  for (let i = 0; i < out.length; i++) out[i] = (record.rawSignal[i] + record.offset) * scale;
  return out;
}
