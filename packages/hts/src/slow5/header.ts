/**
 * The SLOW5 header: the text both formats share (read-group `@` lines, the type line, the column
 * line) and BLOW5's fixed binary prefix.
 *
 * Follows slow5lib src/slow5.c slow5_hdr_init / slow5_hdr_to_mem / slow5_hdr_data_init /
 * slow5_aux_meta_init. SLOW5 text starts `#slow5_version\t0.2.0`, `#num_read_groups\tN`. BLOW5
 * starts with `BLOW5\1`, the version bytes (major, minor, patch), the record compression byte
 * (0 none, 1 zlib, 2 zstd), a u32le read-group count, the signal compression byte (0 none,
 * 1 svb-zd; only from version 0.2.0), zeros up to byte 64, a u32le header-text length at 64 and the
 * header text at 68. Then one `@name\tvalue_rg0\tvalue_rg1…` line per attribute (`.` for a read
 * group without it), the type line `#char*\tuint32_t\tdouble\tdouble\tdouble\tdouble\tuint64_t\tint16_t*`
 * plus aux types, and the column line `#read_id\tread_group\t…\traw_signal` plus aux names.
 */
import { HtsError, quoted } from '../errors.js';
import { auxTypesOf, type AuxType } from './aux.js';
import type { Slow5AuxField, Slow5Header, Slow5RecordCompression, Slow5SignalCompression } from './types.js';

export const PRIMARY_TYPES_LINE = '#char*\tuint32_t\tdouble\tdouble\tdouble\tdouble\tuint64_t\tint16_t*';
export const PRIMARY_NAMES_LINE = '#read_id\tread_group\tdigitisation\toffset\trange\tsampling_rate\tlen_raw_signal\traw_signal';
/** The number of primary columns before the aux columns. */
export const PRIMARY_COLUMNS = 8;

export const BLOW5_MAGIC = new Uint8Array([0x42, 0x4c, 0x4f, 0x57, 0x35, 0x01]); // "BLOW5\1"
/** The 5-byte end-of-file marker of BLOW5. */
export const BLOW5_EOF = new Uint8Array([0x35, 0x57, 0x4f, 0x4c, 0x42]); // "5WOLB"
/** Where the header-text length sits; the text follows it. */
export const BLOW5_HEADER_SIZE_OFFSET = 64;
export const BLOW5_HEADER_TEXT_OFFSET = 68;

/** The newest file version this code reads, and the one it writes. */
export const SLOW5_VERSION: readonly [number, number, number] = [0, 2, 0];

export const RECORD_COMPRESSION_CODES: Record<Slow5RecordCompression, number> = { none: 0, zlib: 1, zstd: 2 };
export const SIGNAL_COMPRESSION_CODES: Record<Slow5SignalCompression, number> = { none: 0, 'svb-zd': 1 };

/** The fields of BLOW5's fixed 68-byte prefix. */
export interface Blow5Prefix {
  readonly version: readonly [number, number, number];
  readonly recordCompression: Slow5RecordCompression;
  readonly signalCompression: Slow5SignalCompression;
  readonly readGroupCount: number;
  readonly headerTextBytes: number;
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function versionText(version: readonly number[]): string {
  return version.join('.');
}

function checkVersion(version: readonly [number, number, number], file: string, location: string): void {
  if (compareVersions(version, SLOW5_VERSION) > 0) {
    throw new HtsError(
      `SLOW5 version ${versionText(version)} is newer than ${versionText(SLOW5_VERSION)}, the newest this reader knows`,
      file,
      location,
    );
  }
}

export function isBlow5Magic(bytes: Uint8Array): boolean {
  if (bytes.length < BLOW5_MAGIC.length) return false;
  for (let i = 0; i < BLOW5_MAGIC.length; i++) if (bytes[i] !== BLOW5_MAGIC[i]) return false;
  return true;
}

/** Decodes the 68-byte prefix (`bytes` must hold at least 68 bytes). */
export function decodeBlow5Prefix(bytes: Uint8Array, file: string): Blow5Prefix {
  if (!isBlow5Magic(bytes)) throw new HtsError('not a BLOW5 file (no BLOW5\\1 magic)', file, 'byte offset 0');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version: [number, number, number] = [bytes[6]!, bytes[7]!, bytes[8]!];
  checkVersion(version, file, 'byte offset 6');
  const recordCode = bytes[9]!;
  const recordCompression = (['none', 'zlib', 'zstd'] as const)[recordCode];
  if (recordCompression === undefined) {
    throw new HtsError(`unknown BLOW5 record compression ${recordCode} (known: 0 none, 1 zlib, 2 zstd)`, file, 'byte offset 9');
  }
  const readGroupCount = view.getUint32(10, true);
  if (readGroupCount === 0) throw new HtsError('BLOW5 header declares 0 read groups', file, 'byte offset 10');
  // Before 0.2.0 byte 14 was padding: signals were always uncompressed (slow5_signal_press_version_cmp).
  const signalCode = compareVersions(version, [0, 2, 0]) >= 0 ? bytes[14]! : 0;
  const signalCompression = (['none', 'svb-zd'] as const)[signalCode];
  if (signalCompression === undefined) {
    const name = signalCode === 2 ? ' (ex-zd, not supported here)' : '';
    throw new HtsError(`unknown BLOW5 signal compression ${signalCode}${name} (known: 0 none, 1 svb-zd)`, file, 'byte offset 14');
  }
  return { version, recordCompression, signalCompression, readGroupCount, headerTextBytes: view.getUint32(BLOW5_HEADER_SIZE_OFFSET, true) };
}

/** A header line with where it starts, for errors. */
export interface HeaderLine {
  readonly text: string;
  readonly offset: number;
}

/** What the shared header text gives: the read groups, the aux fields and their parsed types. */
export interface HeaderBody {
  readonly readGroups: ReadonlyMap<string, string>[];
  readonly auxFields: Slow5AuxField[];
  readonly auxTypes: AuxType[];
}

/**
 * Parses the `@` lines, the type line and the column line (`lines` holds exactly these; the caller
 * stops at the column line). Mirrors slow5lib's checks: every attribute has one value per read group,
 * no attribute twice, the primary columns present, as many aux names as aux types.
 */
export function parseHeaderBody(lines: readonly HeaderLine[], readGroupCount: number, file: string): HeaderBody {
  const at = (line: HeaderLine): string => `byte offset ${line.offset}`;
  // The count comes from the file (a u32, or #num_read_groups): a corrupt one must not allocate before a header line
  // has confirmed it. Every @ line holds one value per group, so the first one bounds it; without @ lines, more than
  // one group cannot be described and is refused.
  const firstAttribute = lines.find((line) => line.text.startsWith('@'));
  const valuesOnFirst = firstAttribute === undefined ? 1 : firstAttribute.text.split('\t').length - 1;
  if (readGroupCount !== valuesOnFirst && readGroupCount > 1) {
    throw new HtsError(
      `the header declares ${readGroupCount} read groups but ${firstAttribute === undefined ? 'has no @ attribute lines' : `its first attribute line has ${valuesOnFirst} values`}`,
      file,
      firstAttribute === undefined ? undefined : at(firstAttribute),
    );
  }
  const readGroups = Array.from({ length: readGroupCount }, () => new Map<string, string>());
  const seen = new Set<string>();
  let i = 0;
  for (; i < lines.length && lines[i]!.text.startsWith('@'); i++) {
    const line = lines[i]!;
    const parts = line.text.slice(1).split('\t');
    const name = parts[0]!;
    if (seen.has(name)) throw new HtsError(`header attribute @${escapeName(name)} is given twice`, file, at(line));
    seen.add(name);
    if (parts.length - 1 !== readGroupCount) {
      throw new HtsError(
        `header attribute @${escapeName(name)} has ${parts.length - 1} values for ${readGroupCount} read groups`,
        file,
        at(line),
      );
    }
    for (let group = 0; group < readGroupCount; group++) {
      const value = parts[group + 1]!;
      // slow5lib stores `.` as an empty string and writes an empty string back as `.`.
      if (value !== '.' && value !== '') readGroups[group]!.set(name, value);
    }
  }
  const typesLine = lines[i];
  if (!typesLine || !(typesLine.text === PRIMARY_TYPES_LINE || typesLine.text.startsWith(`${PRIMARY_TYPES_LINE}\t`))) {
    const found = typesLine ? quoted(typesLine.text) : 'the end of the header';
    throw new HtsError(
      `malformed SLOW5 header: expected an @attribute line or the type line ${quoted(PRIMARY_TYPES_LINE)}…, found ${found}`,
      file,
      typesLine ? at(typesLine) : undefined,
    );
  }
  const namesLine = lines[i + 1];
  if (!namesLine || !(namesLine.text === PRIMARY_NAMES_LINE || namesLine.text.startsWith(`${PRIMARY_NAMES_LINE}\t`))) {
    const found = namesLine ? quoted(namesLine.text) : 'the end of the header';
    throw new HtsError(
      `malformed SLOW5 header: expected the column line ${quoted(PRIMARY_NAMES_LINE)}…, found ${found}`,
      file,
      namesLine ? at(namesLine) : undefined,
    );
  }
  if (i + 2 !== lines.length) throw new HtsError('malformed SLOW5 header: text after the column line', file, at(lines[i + 2]!));
  const types = typesLine.text.split('\t').slice(PRIMARY_COLUMNS);
  const names = namesLine.text.split('\t').slice(PRIMARY_COLUMNS);
  if (types.length !== names.length) {
    throw new HtsError(`malformed SLOW5 header: ${types.length} aux types but ${names.length} aux column names`, file, at(namesLine));
  }
  const auxFields = names.map((name, k) => ({ name, type: types[k]! }));
  const auxTypes = auxTypesOf(auxFields, file, at(typesLine));
  return { readGroups, auxFields, auxTypes };
}

function escapeName(name: string): string {
  return quoted(name).slice(1, -1);
}

/** The attribute names of all read groups, in first-seen order. */
function attributeNames(header: Slow5Header): string[] {
  const names = new Set<string>();
  for (const group of header.readGroups) for (const name of group.keys()) names.add(name);
  return [...names];
}

function checkHeaderText(text: string, what: string): void {
  if (/[\t\n\r]/.test(text)) throw new Error(`SLOW5 header ${what} ${quoted(text)} contains a tab or newline`);
}

/** The shared header text (the `@` lines, the type line and the column line), each line ending in `\n`. */
export function formatHeaderBody(header: Slow5Header): string {
  if (header.readGroups.length === 0) throw new Error('a SLOW5 header needs at least one read group');
  auxTypesOf(header.auxFields);
  let text = '';
  for (const name of attributeNames(header)) {
    checkHeaderText(name, 'attribute name');
    text += `@${name}`;
    for (const group of header.readGroups) {
      const value = group.get(name);
      if (value !== undefined) checkHeaderText(value, `value of @${name}`);
      text += `\t${value === undefined || value === '' ? '.' : value}`;
    }
    text += '\n';
  }
  text += PRIMARY_TYPES_LINE;
  for (const field of header.auxFields) text += `\t${field.type}`;
  text += `\n${PRIMARY_NAMES_LINE}`;
  for (const field of header.auxFields) {
    checkHeaderText(field.name, 'aux field name');
    text += `\t${field.name}`;
  }
  return `${text}\n`;
}

/** The whole header of a SLOW5 text file we write (version 0.2.0). */
export function formatSlow5TextHeader(header: Slow5Header): string {
  return `#slow5_version\t${versionText(SLOW5_VERSION)}\n#num_read_groups\t${header.readGroups.length}\n${formatHeaderBody(header)}`;
}

/** The whole header of a BLOW5 file we write (version 0.2.0). */
export function encodeBlow5Header(
  header: Slow5Header,
  recordCompression: Slow5RecordCompression,
  signalCompression: Slow5SignalCompression,
): Uint8Array {
  const text = new TextEncoder().encode(formatHeaderBody(header));
  const out = new Uint8Array(BLOW5_HEADER_TEXT_OFFSET + text.length);
  const view = new DataView(out.buffer);
  out.set(BLOW5_MAGIC, 0);
  out.set(SLOW5_VERSION, 6);
  out[9] = RECORD_COMPRESSION_CODES[recordCompression];
  view.setUint32(10, header.readGroups.length, true);
  out[14] = SIGNAL_COMPRESSION_CODES[signalCompression];
  view.setUint32(BLOW5_HEADER_SIZE_OFFSET, text.length, true);
  out.set(text, BLOW5_HEADER_TEXT_OFFSET);
  return out;
}

/** Parses `#slow5_version\tX.Y.Z` (the first line of SLOW5 text). */
export function parseVersionLine(line: HeaderLine, file: string): [number, number, number] {
  const match = /^#slow5_version\t(\d+)\.(\d+)\.(\d+)$/.exec(line.text);
  if (!match)
    throw new HtsError(`not a SLOW5 file: the first line is ${quoted(line.text)}, not #slow5_version<TAB>X.Y.Z`, file, 'byte offset 0');
  const version: [number, number, number] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (version.some((part) => part > 255)) throw new HtsError(`bad SLOW5 version ${quoted(line.text.slice(15))}`, file, 'byte offset 15');
  checkVersion(version, file, 'byte offset 15');
  return version;
}

/** Parses `#num_read_groups\tN` (the second line of SLOW5 text). */
export function parseReadGroupCountLine(line: HeaderLine, file: string): number {
  const match = /^#num_read_groups\t(\d+)$/.exec(line.text);
  const count = match ? Number(match[1]) : 0;
  if (!match || count < 1 || count > 0xffffffff) {
    throw new HtsError(
      `malformed SLOW5 header: expected #num_read_groups<TAB>N (N >= 1), found ${quoted(line.text)}`,
      file,
      `byte offset ${line.offset}`,
    );
  }
  return count;
}
