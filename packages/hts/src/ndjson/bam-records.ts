/**
 * BAM records as NDJSON (docs/formats.md, "shoal.bam" version 1). The first line is a header
 * record, so a consumer can work from the stream alone; each following line is one record with
 * every SAM field (positions 1-based, as in SAM; `*` and `=` as SAM writes them) and typed tags:
 *
 *   {"type":"header","format":"shoal.bam","version":1,"references":[…],"readGroups":[…],"text":"@HD…"}
 *   {"qname":"r1","flag":99,"rname":"chr1","pos":101,"mapq":60,"cigar":"150M","rnext":"=","pnext":301,
 *    "tlen":350,"seq":"ACGT…","qual":"FFFF…","tags":{"NM":["C",0],"MD":["Z","150"],"ZB":["B:s",[1,-2]]}}
 *
 * Tags keep their BAM type (C, s, I …) so that ndjson2bam writes back identical records; `i` and
 * `B:i`-style generic types are accepted on input and stored in the smallest fitting type, as samtools does.
 */
import { escaped, HtsError, jsonText, quoted, quotedBytes } from '../errors.js';
import { headerLines, makeHeader, type BamHeader, type ReferenceSequence } from '../bam/header.js';
import { CIGAR_OP_CODES, parseCigar } from '../bam/record/cigar.js';
import { phredFromText, SEQ_CHAR_CODES, SEQ_PAIR_CODES } from '../bam/record/sequence.js';
import { formatFloat32, smallestArrayType, smallestIntegerType, TAG_VALUE_SIZE, type Tag, type TagType } from '../bam/record/tags.js';
import type { BamRecordView } from '../bam/record/view.js';
import type { BamRecord } from '../bam/record/owned.js';
import { ByteWriter, writeInt, writeJsonString, writeLatin1JsonString } from './byte-writer.js';

export const BAM_NDJSON_FORMAT = 'shoal.bam';
export const BAM_NDJSON_VERSION = 1;
export const RECORD_FIELDS = ['qname', 'flag', 'rname', 'pos', 'mapq', 'cigar', 'rnext', 'pnext', 'tlen', 'seq', 'qual', 'tags'] as const;
export type RecordField = (typeof RECORD_FIELDS)[number];

export interface BamNdjsonHeader {
  type: 'header';
  format: typeof BAM_NDJSON_FORMAT;
  version: number;
  references: ReferenceSequence[];
  readGroups: Record<string, string>[];
  text: string;
}

export function headerRecord(header: BamHeader): BamNdjsonHeader {
  return {
    type: 'header',
    format: BAM_NDJSON_FORMAT,
    version: BAM_NDJSON_VERSION,
    references: header.references,
    readGroups: headerLines(header.text, 'RG'),
    text: header.text,
  };
}

/** Checks a parsed first line and turns it into a BamHeader. */
export function headerFromRecord(value: unknown, file: string): BamHeader {
  const record = value as Partial<BamNdjsonHeader> | null;
  if (!record || typeof record !== 'object' || record.type !== 'header' || record.format !== BAM_NDJSON_FORMAT) {
    throw new HtsError(`not a shoal.bam NDJSON stream: the first line must be its header record (from bam2ndjson)`, file, 'line 1');
  }
  if (record.version !== BAM_NDJSON_VERSION)
    throw new HtsError(`unsupported shoal.bam NDJSON version ${record.version} (this build reads ${BAM_NDJSON_VERSION})`, file, 'line 1');
  if (!Array.isArray(record.references) || record.references.some((r) => typeof r?.name !== 'string' || !Number.isInteger(r?.length))) {
    throw new HtsError('header record: references must be [{"name","length"}]', file, 'line 1');
  }
  return makeHeader(typeof record.text === 'string' ? record.text : '', record.references);
}

const QUOTE = 34;
const BACKSLASH = 92;

/** `{"qname":`, `,"flag":` … as bytes, indexed like RECORD_FIELDS (first field with `{`, others with `,`). */
const FIRST_KEYS = RECORD_FIELDS.map((field) => Uint8Array.from(`{"${field}":`, (c) => c.charCodeAt(0)));
const NEXT_KEYS = RECORD_FIELDS.map((field) => Uint8Array.from(`,"${field}":`, (c) => c.charCodeAt(0)));
const STAR = Uint8Array.from('"*"', (c) => c.charCodeAt(0));
const EQUALS = Uint8Array.from('"="', (c) => c.charCodeAt(0));

/**
 * Writes records as NDJSON lines straight into a ByteWriter: no JSON.stringify, no objects per
 * record. Each record reserves its worst-case size once, then every field is written through a
 * local cursor; that, and word-at-a-time sequence and quality formatting, is what brings
 * bam2ndjson near samtools' SAM speed (BENCHMARKS.md).
 */
export class BamNdjsonFormatter {
  private readonly referenceNames: (Uint8Array | undefined)[];
  private readonly longestReferenceName: number;
  /** Key bytes for each selected field, in output order, with the field's index. */
  private readonly keys: { field: number; bytes: Uint8Array }[];

  constructor(
    private readonly header: BamHeader,
    fields: readonly RecordField[] = RECORD_FIELDS,
  ) {
    // Encoded on first use: a header of 200,000 contigs whose records use a few of them costs no
    // 200,000 buffers per formatter (one per engine thread).
    this.referenceNames = new Array<Uint8Array | undefined>(header.references.length);
    // A bound for the output estimate: a JSON string of n UTF-16 units takes at most 6n + 2 bytes (\u0001).
    this.longestReferenceName = header.references.reduce((longest, r) => Math.max(longest, 6 * r.name.length + 2), 3);
    const selected = RECORD_FIELDS.map((f, i) => (fields.includes(f) ? i : -1)).filter((i) => i >= 0);
    this.keys = selected.map((field, k) => ({ field, bytes: k === 0 ? FIRST_KEYS[field]! : NEXT_KEYS[field]! }));
  }

  writeHeader(out: ByteWriter): void {
    out.bytes(this.headerLine());
  }

  /** The header record's line as bytes, on its own (20 MB for 200,000 contigs: not worth a copy into a writer). */
  headerLine(): Uint8Array {
    return Buffer.from(`${JSON.stringify(headerRecord(this.header))}\n`, 'utf8');
  }

  writeRecord(out: ByteWriter, record: BamRecordView): void {
    const bytes = record.bytes;
    const data = record.data;
    const start = record.start;
    const nameLength = bytes[start + 12]!;
    const seqLength = data.getInt32(start + 20, true);
    const seqStart = record.seqStart;
    const qualStart = seqStart + ((seqLength + 1) >> 1);
    const end = start + 4 + data.getUint32(start, true);
    const cigarLength = record.cigarLength;
    // Worst case: escaped name, 11 chars per CIGAR op, 2 per quality, and for tags 6 output bytes per input byte: a
    // byte of an A or Z value escaped as \u0080 (6), an A tag with both name characters escaped (22 for its 4 bytes),
    // a 'c' array element as "-128," (5), a float as 15 characters and a comma per 4 bytes. Not more: a 100,000-value
    // B array reserved 6 MB at 16 per byte, and such reservations kept the garbage collector busy.
    out.reserve(
      200 + 6 * nameLength + 2 * this.longestReferenceName + 11 * cigarLength + 3 * seqLength + 6 * (end - qualStart - seqLength) + 64,
    );
    const buffer = out.buffer;
    let at = out.length;
    const refId = data.getInt32(start + 4, true);
    for (const { field, bytes: key } of this.keys) {
      at = copyBytes(buffer, at, key);
      switch (field) {
        case 0: // qname, one character per byte as BamRecordView.readName reads it
          at = writeLatin1JsonString(buffer, at, bytes, start + 36, start + 36 + nameLength - 1);
          break;
        case 1: // flag
          at = writeInt(buffer, at, data.getUint16(start + 18, true));
          break;
        case 2: // rname
          at = copyBytes(buffer, at, this.referenceName(refId));
          break;
        case 3: // pos, 1-based
          at = writeInt(buffer, at, data.getInt32(start + 8, true) + 1);
          break;
        case 4: // mapq
          at = writeInt(buffer, at, bytes[start + 13]!);
          break;
        case 5: // cigar
          if (cigarLength === 0) {
            at = copyBytes(buffer, at, STAR);
          } else {
            buffer[at++] = QUOTE;
            const cigarOffset = record.cigarOffset;
            for (let i = 0; i < cigarLength; i++) {
              const op = data.getUint32(cigarOffset + 4 * i, true);
              at = writeInt(buffer, at, op >>> 4);
              buffer[at++] = CIGAR_OP_CODES[op & 15] ?? 63;
            }
            buffer[at++] = QUOTE;
          }
          break;
        case 6: {
          // rnext
          const mateRefId = data.getInt32(start + 24, true);
          at = copyBytes(buffer, at, mateRefId >= 0 && mateRefId === refId ? EQUALS : this.referenceName(mateRefId));
          break;
        }
        case 7: // pnext, 1-based
          at = writeInt(buffer, at, data.getInt32(start + 28, true) + 1);
          break;
        case 8: // tlen
          at = writeInt(buffer, at, data.getInt32(start + 32, true));
          break;
        case 9: // seq
          at = seqLength === 0 ? copyBytes(buffer, at, STAR) : writeSequence(buffer, out.view, at, bytes, seqStart, seqLength);
          break;
        case 10: // qual
          if (seqLength === 0 || bytes[qualStart] === 0xff) {
            at = copyBytes(buffer, at, STAR);
          } else {
            at = writeQualities(buffer, out.view, at, bytes, data, qualStart, seqLength);
            if (at < 0) throw new HtsError(`record ${quoted(record.readName)}: ${qualityProblem(bytes, qualStart, seqLength)}`);
          }
          break;
        case 11: // tags
          at = writeTags(buffer, at, record, bytes, data, qualStart + seqLength, end);
          break;
      }
    }
    if (this.keys.length === 0) buffer[at++] = 123;
    buffer[at++] = 125;
    buffer[at++] = 10;
    // Bytes written past the reservation are lost without a sound (typed arrays drop them): never emit such a line.
    if (at > buffer.length)
      throw new Error(`internal: the NDJSON line of ${record.readName} outgrew its reserved ${buffer.length - out.length} bytes`);
    out.length = at;
  }

  private referenceName(refId: number): Uint8Array {
    if (refId < 0 || refId >= this.referenceNames.length) return STAR;
    return (this.referenceNames[refId] ??= Buffer.from(JSON.stringify(this.header.references[refId]!.name), 'utf8'));
  }
}

function copyBytes(buffer: Uint8Array, at: number, source: Uint8Array): number {
  for (let i = 0; i < source.length; i++) buffer[at++] = source[i]!;
  return at;
}

/** Two letters per packed byte, as one 16-bit write. */
function writeSequence(buffer: Uint8Array, view: DataView, at: number, bytes: Uint8Array, seqStart: number, n: number): number {
  buffer[at++] = QUOTE;
  const pairs = n >> 1;
  for (let i = 0; i < pairs; i++, at += 2) view.setUint16(at, SEQ_PAIR_CODES[bytes[seqStart + i]!]!, true);
  if (n & 1) buffer[at++] = SEQ_CHAR_CODES[bytes[seqStart + pairs]! >> 4]!;
  buffer[at++] = QUOTE;
  return at;
}

/**
 * Four qualities at a time: +33 on each byte of a word, written whole unless a byte needs escaping
 * or is above 93. Twice the speed of a byte loop (measured in bench/README.md). Returns the new
 * cursor, or -1 when a quality is above 93, which Phred+33 text cannot hold (samtools would print
 * a byte beyond `~`; in JSON that is not UTF-8 text).
 */
function writeQualities(
  buffer: Uint8Array,
  view: DataView,
  at: number,
  bytes: Uint8Array,
  input: DataView,
  start: number,
  n: number,
): number {
  buffer[at++] = QUOTE;
  const end = start + n;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const raw = input.getUint32(i, true);
    // A byte of `raw` above 93 (0x5d) has its high bit set in raw + 0x22 or, from 0x80, in raw:
    // carries only go up, from bytes already caught, so no byte above 93 slips through.
    const word = (raw + 0x21212121) | 0;
    if ((((raw + 0x22222222) | raw) & 0x80808080) !== 0 || hasByte(word, 0x22222222) || hasByte(word, 0x5c5c5c5c)) {
      at = escapeQualities(bytes, i, i + 4, buffer, at);
      if (at < 0) return -1;
    } else {
      view.setUint32(at, word, true);
      at += 4;
    }
  }
  at = escapeQualities(bytes, i, end, buffer, at);
  if (at < 0) return -1;
  buffer[at++] = QUOTE;
  return at;
}

/** The first quality above 93, for the message. */
function qualityProblem(bytes: Uint8Array, start: number, n: number): string {
  let i = 0;
  while (i < n && bytes[start + i]! <= 93) i++;
  return `quality ${bytes[start + i]} at ${i + 1} is above 93, which Phred+33 text cannot hold`;
}

/** Whether any byte of `word` equals the byte repeated in `pattern` (the classic zero-byte test). */
function hasByte(word: number, pattern: number): boolean {
  const x = word ^ pattern;
  return ((x - 0x01010101) & ~x & 0x80808080) !== 0;
}

/** Phred+33 text of bytes[from, to), escaping '"' (Phred 1) and '\\' (Phred 59) for JSON; -1 for a quality above 93. */
function escapeQualities(bytes: Uint8Array, from: number, to: number, buffer: Uint8Array, at: number): number {
  for (let i = from; i < to; i++) {
    const c = bytes[i]! + 33;
    if (c > 126) return -1;
    if (c === QUOTE || c === BACKSLASH) buffer[at++] = BACKSLASH;
    buffer[at++] = c;
  }
  return at;
}

/** `{"NM":["C",0],"XZ":["Z","text"],"ZB":["B:s",[1,-2]]}` from the raw tag bytes. */
function writeTags(
  buffer: Uint8Array,
  at: number,
  record: BamRecordView,
  bytes: Uint8Array,
  data: DataView,
  tagsStart: number,
  end: number,
): number {
  const hidden = record.cigarTagOffset;
  buffer[at++] = 123;
  let first = true;
  let tagCount = 0;
  for (let p = tagsStart; p < end;) {
    const type = bytes[p + 2]!;
    if (p === hidden) {
      p = record.nextTag(p);
      continue;
    }
    // A JSON object cannot hold a key twice: a tag twice in a record (htslib keeps both) is refused.
    const c0 = bytes[p]!;
    const c1 = bytes[p + 1]!;
    const key = (c0 << 8) | c1;
    for (let k = 0; k < tagCount; k++) {
      if (seenTags[k] === key)
        throw new HtsError(
          `record ${escaped(record.readName)} has tag ${escaped(String.fromCharCode(c0, c1))} twice; NDJSON tags are an object`,
        );
    }
    if (tagCount < seenTags.length) seenTags[tagCount++] = key;
    if (!first) buffer[at++] = 44;
    first = false;
    // Tag names are two characters from ! to ~ (checked where the record was read): only " and \ need escaping.
    if (c0 !== QUOTE && c0 !== BACKSLASH && c1 !== QUOTE && c1 !== BACKSLASH) {
      buffer[at++] = QUOTE;
      buffer[at++] = c0;
      buffer[at++] = c1;
      buffer[at++] = QUOTE;
    } else {
      at = writeLatin1JsonString(buffer, at, bytes, p, p + 2);
    }
    buffer[at++] = 58; // :
    buffer[at++] = 91; // [
    buffer[at++] = QUOTE;
    const v = p + 3;
    if (type === 66) {
      // B:<subtype>, then the values as a JSON array
      const subtype = bytes[v]!;
      const size = TAG_VALUE_SIZE[subtype] ?? 0;
      if (size === 0)
        throw new HtsError(`corrupt BAM record ${quoted(record.readName)}: unknown B array subtype ${quotedBytes(bytes, v, v + 1)}`);
      const count = data.getUint32(v + 1, true);
      buffer[at++] = 66;
      buffer[at++] = 58;
      buffer[at++] = subtype;
      buffer[at++] = QUOTE;
      buffer[at++] = 44;
      buffer[at++] = 91;
      for (let i = 0; i < count; i++) {
        if (i > 0) buffer[at++] = 44;
        at = writeTagNumber(buffer, at, data, subtype, v + 5 + i * size);
      }
      buffer[at++] = 93;
      p = v + 5 + count * size;
    } else {
      buffer[at++] = type;
      buffer[at++] = QUOTE;
      buffer[at++] = 44;
      if (type === 90 || type === 72) {
        let nul = v;
        while (nul < end && bytes[nul] !== 0) nul++;
        const after = writeJsonString(buffer, at, bytes, v, nul);
        if (after < 0)
          throw new HtsError(
            `record ${quoted(record.readName)}: tag ${quotedBytes(bytes, p, p + 2)} holds bytes that are not UTF-8 text (${quotedBytes(bytes, v, nul)}); NDJSON is UTF-8`,
          );
        at = after;
        p = nul + 1;
      } else if (type === 65) {
        at = writeLatin1JsonString(buffer, at, bytes, v, v + 1);
        p = v + 1;
      } else {
        at = writeTagNumber(buffer, at, data, type, v);
        p = v + (TAG_VALUE_SIZE[type] ?? 0);
      }
    }
    buffer[at++] = 93;
  }
  buffer[at++] = 125;
  return at;
}

/** The tags of the record being written, for the duplicate check (records with more are checked up to this many). */
const seenTags = new Uint16Array(256);

function writeTagNumber(buffer: Uint8Array, at: number, data: DataView, type: number, p: number): number {
  switch (type) {
    case 99:
      return writeInt(buffer, at, data.getInt8(p));
    case 67:
      return writeInt(buffer, at, data.getUint8(p));
    case 115:
      return writeInt(buffer, at, data.getInt16(p, true));
    case 83:
      return writeInt(buffer, at, data.getUint16(p, true));
    case 105:
      return writeInt(buffer, at, data.getInt32(p, true));
    case 73:
      return writeInt(buffer, at, data.getUint32(p, true));
    case 102: {
      const value = data.getFloat32(p, true);
      // JSON has no NaN or Infinity; write them as strings, which the parser accepts back.
      const text = Number.isFinite(value) ? formatFloat32(value) : `"${formatFloat32(value)}"`;
      for (let i = 0; i < text.length; i++) buffer[at++] = text.charCodeAt(i);
      return at;
    }
    default:
      throw new HtsError(`corrupt BAM record: unknown tag type ${quoted(String.fromCharCode(type))}`);
  }
}

const TAG_TYPES = new Set(['A', 'c', 'C', 's', 'S', 'i', 'I', 'f', 'Z', 'H']);

function parseTag(name: string, entry: unknown, fail: (message: string) => never): Tag {
  const tag = escaped(name);
  if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') fail(`tag ${tag}: expected ["TYPE", value]`);
  const [type, value] = entry as [string, unknown];
  const toNumber = (v: unknown): number => {
    if (typeof v === 'number') return v;
    if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v);
    return fail(`tag ${tag}: ${jsonText(v)} is not a number`);
  };
  if (type.startsWith('B:') || type === 'B') {
    if (!Array.isArray(value)) fail(`tag ${tag}: type ${quoted(type)} needs an array`);
    const values = (value as unknown[]).map(toNumber);
    let subtype = type.slice(2);
    if (subtype === 'i' && !values.every((v) => v >= -2147483648 && v <= 2147483647)) subtype = smallestArrayType(values) ?? 'i';
    if (subtype === '') subtype = values.every(Number.isInteger) ? (smallestArrayType(values) ?? 'f') : 'f';
    if (!'cCsSiIf'.includes(subtype) || subtype.length !== 1) fail(`tag ${tag}: unknown array type ${quoted(type)}`);
    return { name, type: `B:${subtype}` as TagType, value: subtype === 'f' ? values.map(Math.fround) : values };
  }
  if (!TAG_TYPES.has(type)) fail(`tag ${tag}: unknown type ${quoted(type)}`);
  if (type === 'A' || type === 'Z' || type === 'H') {
    if (typeof value !== 'string') fail(`tag ${tag}: type ${type} needs a string`);
    return { name, type: type as TagType, value: value as string };
  }
  const number = toNumber(value);
  if (type === 'f') return { name, type: 'f', value: Math.fround(number) };
  // A generic `i` takes the smallest type that fits, as samtools does for SAM text.
  const integerType = type === 'i' ? smallestIntegerType(number) : (type as TagType);
  if (!integerType || !Number.isInteger(number)) fail(`tag ${tag}: ${number} is not a 32-bit integer`);
  return { name, type: integerType as TagType, value: number };
}

/** One parsed NDJSON record line → an owned record. Missing fields take SAM's "unavailable" values. */
export function recordFromJson(value: unknown, header: BamHeader, fail: (message: string) => never): BamRecord {
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail('a record line must be a JSON object');
  const record = value as Record<string, unknown>;
  const int = (field: string, fallback: number): number => {
    const v = record[field];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v)) fail(`field ${field}: ${jsonText(v)} is not an integer`);
    return v as number;
  };
  const text = (field: string, fallback: string): string => {
    const v = record[field];
    if (v === undefined) return fallback;
    if (typeof v !== 'string') fail(`field ${field}: ${jsonText(v)} is not a string`);
    return v as string;
  };
  const referenceId = (field: string, name: string): number => {
    if (name === '*') return -1;
    const id = header.referenceIds.get(name);
    if (id === undefined) fail(`field ${field}: reference '${escaped(name)}' is not in the header record`);
    return id!;
  };
  const refId = referenceId('rname', text('rname', '*'));
  const rnext = text('rnext', '*');
  const cigarText = text('cigar', '*');
  const cigar = parseCigar(cigarText);
  if (!cigar) fail(`field cigar: bad CIGAR '${escaped(cigarText)}'`);
  const sequence = text('seq', '*');
  const qual = text('qual', '*');
  let qualities: Uint8Array | null = null;
  if (qual !== '*') {
    if (qual.length !== (sequence === '*' ? 0 : sequence.length))
      fail(`field qual: ${qual.length} qualities for ${sequence === '*' ? 0 : sequence.length} bases`);
    qualities = phredFromText(qual, (message) => fail(`field qual: ${message}`));
  }
  const tagObject = record.tags ?? {};
  if (typeof tagObject !== 'object' || Array.isArray(tagObject)) fail('field tags: expected an object {"NM":["C",0],…}');
  const flag = int('flag', 4);
  const mapq = int('mapq', 255);
  if (flag < 0 || flag > 0xffff) fail(`field flag: ${flag} is out of range 0-65535`);
  if (mapq < 0 || mapq > 255) fail(`field mapq: ${mapq} is out of range 0-255`);
  return {
    readName: text('qname', '*'),
    flag,
    refId,
    pos: int('pos', 0) - 1,
    mapq,
    cigar: cigar!,
    mateRefId: rnext === '=' ? refId : referenceId('rnext', rnext),
    matePos: int('pnext', 0) - 1,
    templateLength: int('tlen', 0),
    sequence: sequence === '*' ? '' : sequence,
    qualities,
    tags: Object.entries(tagObject as Record<string, unknown>).map(([name, entry]) => parseTag(name, entry, fail)),
  };
}

export { ByteWriter };
