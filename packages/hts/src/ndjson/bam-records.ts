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
import { HtsError } from '../errors.js';
import { headerLines, makeHeader, type BamHeader, type ReferenceSequence } from '../bam/header.js';
import { CIGAR_OP_CODES, parseCigar } from '../bam/record/cigar.js';
import { SEQ_CHAR_CODES } from '../bam/record/sequence.js';
import { formatFloat32, smallestArrayType, smallestIntegerType, TAG_VALUE_SIZE, type Tag, type TagType } from '../bam/record/tags.js';
import type { BamRecordView } from '../bam/record/view.js';
import type { BamRecord } from '../bam/record/owned.js';
import { ByteWriter } from './byte-writer.js';

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
  if (record.version !== BAM_NDJSON_VERSION) throw new HtsError(`unsupported shoal.bam NDJSON version ${record.version} (this build reads ${BAM_NDJSON_VERSION})`, file, 'line 1');
  if (!Array.isArray(record.references) || record.references.some((r) => typeof r?.name !== 'string' || !Number.isInteger(r?.length))) {
    throw new HtsError('header record: references must be [{"name","length"}]', file, 'line 1');
  }
  return makeHeader(typeof record.text === 'string' ? record.text : '', record.references);
}

const QUOTE = 34;
const BACKSLASH = 92;

function encodeKeys(): Record<RecordField, Uint8Array> {
  const keys = {} as Record<RecordField, Uint8Array>;
  RECORD_FIELDS.forEach((field, i) => (keys[field] = Buffer.from(`${i === 0 ? '{' : ','}"${field}":`, 'latin1')));
  return keys;
}

/** Writes records as NDJSON lines straight into a ByteWriter (no JSON.stringify, no per-record objects). */
export class BamNdjsonFormatter {
  private readonly referenceNames: Uint8Array[];
  private readonly selected: boolean[];
  private readonly keys = encodeKeys();

  constructor(private readonly header: BamHeader, fields: readonly RecordField[] = RECORD_FIELDS) {
    this.referenceNames = header.references.map((r) => Buffer.from(JSON.stringify(r.name), 'utf8'));
    this.selected = RECORD_FIELDS.map((f) => fields.includes(f));
  }

  writeHeader(out: ByteWriter): void {
    out.bytes(Buffer.from(`${JSON.stringify(headerRecord(this.header))}\n`, 'utf8'));
  }

  writeRecord(out: ByteWriter, record: BamRecordView): void {
    const s = this.selected;
    const bytes = record.bytes;
    let first = true;
    const key = (field: RecordField): void => {
      const k = this.keys[field];
      if (first) {
        out.bytes(k);
        first = false;
      } else {
        out.byte(44);
        out.bytes(k, 1);
      }
    };
    if (s[0]) {
      key('qname');
      out.jsonStringFromBytes(bytes, record.readNameStart, record.readNameStart + record.readNameLength - 1);
    }
    if (s[1]) {
      key('flag');
      out.int(record.flag);
    }
    const refId = record.refId;
    if (s[2]) {
      key('rname');
      this.referenceName(out, refId);
    }
    if (s[3]) {
      key('pos');
      out.int(record.pos + 1);
    }
    if (s[4]) {
      key('mapq');
      out.int(record.mapq);
    }
    if (s[5]) {
      key('cigar');
      this.cigar(out, record);
    }
    if (s[6]) {
      key('rnext');
      const mateRefId = record.mateRefId;
      if (mateRefId >= 0 && mateRefId === refId) out.ascii('"="');
      else this.referenceName(out, mateRefId);
    }
    if (s[7]) {
      key('pnext');
      out.int(record.matePos + 1);
    }
    if (s[8]) {
      key('tlen');
      out.int(record.templateLength);
    }
    if (s[9]) {
      key('seq');
      this.sequence(out, record);
    }
    if (s[10]) {
      key('qual');
      this.qualities(out, record);
    }
    if (s[11]) {
      key('tags');
      this.tags(out, record);
    }
    if (first) out.byte(123);
    out.byte(125);
    out.byte(10);
  }

  private referenceName(out: ByteWriter, refId: number): void {
    if (refId < 0 || refId >= this.referenceNames.length) out.ascii('"*"');
    else out.bytes(this.referenceNames[refId]!);
  }

  private cigar(out: ByteWriter, record: BamRecordView): void {
    const n = record.cigarLength;
    if (n === 0) {
      out.ascii('"*"');
      return;
    }
    out.byte(QUOTE);
    for (let i = 0; i < n; i++) {
      const op = record.cigarOp(i);
      out.int(op >>> 4);
      out.byte(CIGAR_OP_CODES[op & 15] ?? 63);
    }
    out.byte(QUOTE);
  }

  private sequence(out: ByteWriter, record: BamRecordView): void {
    const n = record.seqLength;
    if (n === 0) {
      out.ascii('"*"');
      return;
    }
    out.reserve(n + 2);
    const buffer = out.buffer;
    const bytes = record.bytes;
    let at = out.length;
    buffer[at++] = QUOTE;
    const seqStart = record.seqStart;
    for (let i = 0; i < n; i += 2) {
      const packed = bytes[seqStart + (i >> 1)]!;
      buffer[at++] = SEQ_CHAR_CODES[packed >> 4]!;
      if (i + 1 < n) buffer[at++] = SEQ_CHAR_CODES[packed & 15]!;
    }
    buffer[at++] = QUOTE;
    out.length = at;
  }

  private qualities(out: ByteWriter, record: BamRecordView): void {
    const n = record.seqLength;
    const start = record.qualStart;
    const bytes = record.bytes;
    if (n === 0 || bytes[start] === 0xff) {
      out.ascii('"*"');
      return;
    }
    out.reserve(2 * n + 2);
    const buffer = out.buffer;
    let at = out.length;
    buffer[at++] = QUOTE;
    for (let i = start; i < start + n; i++) {
      const c = bytes[i]! + 33;
      // Phred 1 is '"' and 59 is '\': the two qualities JSON must escape.
      if (c === QUOTE || c === BACKSLASH) buffer[at++] = BACKSLASH;
      buffer[at++] = c;
    }
    buffer[at++] = QUOTE;
    out.length = at;
  }

  private tags(out: ByteWriter, record: BamRecordView): void {
    out.byte(123);
    const bytes = record.bytes;
    const data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const end = record.end;
    const hidden = record.cigarTagOffset;
    let first = true;
    for (let at = record.tagsStart; at < end; at = record.nextTag(at)) {
      if (at === hidden) continue;
      if (!first) out.byte(44);
      first = false;
      out.byte(QUOTE);
      out.byte(bytes[at]!);
      out.byte(bytes[at + 1]!);
      out.ascii('":["');
      const type = bytes[at + 2]!;
      const v = at + 3;
      if (type === 66) {
        const subtype = bytes[v]!;
        out.ascii('B:');
        out.byte(subtype);
        out.ascii('",[');
        const count = data.getUint32(v + 1, true);
        const size = TAG_VALUE_SIZE[subtype] ?? 0;
        for (let i = 0; i < count; i++) {
          if (i > 0) out.byte(44);
          writeNumber(out, data, subtype, v + 5 + i * size);
        }
        out.ascii(']]');
        continue;
      }
      out.byte(type);
      out.ascii('",');
      if (type === 90 || type === 72) {
        out.jsonStringFromBytes(bytes, v, record.nextTag(at) - 1);
      } else if (type === 65) {
        out.jsonStringFromBytes(bytes, v, v + 1);
      } else {
        writeNumber(out, data, type, v);
      }
      out.byte(93);
    }
    out.byte(125);
  }
}

function writeNumber(out: ByteWriter, data: DataView, type: number, at: number): void {
  switch (type) {
    case 99: out.int(data.getInt8(at)); break;
    case 67: out.int(data.getUint8(at)); break;
    case 115: out.int(data.getInt16(at, true)); break;
    case 83: out.int(data.getUint16(at, true)); break;
    case 105: out.int(data.getInt32(at, true)); break;
    case 73: out.int(data.getUint32(at, true)); break;
    case 102: {
      const value = data.getFloat32(at, true);
      // JSON has no NaN or Infinity; write them as strings, which the parser accepts back.
      out.ascii(Number.isFinite(value) ? formatFloat32(value) : `"${formatFloat32(value)}"`);
      break;
    }
    default:
      throw new HtsError(`corrupt BAM record: unknown tag type '${String.fromCharCode(type)}'`);
  }
}

const TAG_TYPES = new Set(['A', 'c', 'C', 's', 'S', 'i', 'I', 'f', 'Z', 'H']);

function parseTag(name: string, entry: unknown, fail: (message: string) => never): Tag {
  if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') fail(`tag ${name}: expected ["TYPE", value]`);
  const [type, value] = entry as [string, unknown];
  const toNumber = (v: unknown): number => {
    if (typeof v === 'number') return v;
    if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v);
    return fail(`tag ${name}: ${JSON.stringify(v)} is not a number`);
  };
  if (type.startsWith('B:') || type === 'B') {
    if (!Array.isArray(value)) fail(`tag ${name}: type ${type} needs an array`);
    const values = (value as unknown[]).map(toNumber);
    let subtype = type.slice(2);
    if (subtype === 'i' && !values.every((v) => v >= -2147483648 && v <= 2147483647)) subtype = smallestArrayType(values) ?? 'i';
    if (subtype === '') subtype = values.every(Number.isInteger) ? (smallestArrayType(values) ?? 'f') : 'f';
    if (!'cCsSiIf'.includes(subtype) || subtype.length !== 1) fail(`tag ${name}: unknown array type ${type}`);
    return { name, type: `B:${subtype}` as TagType, value: subtype === 'f' ? values.map(Math.fround) : values };
  }
  if (!TAG_TYPES.has(type)) fail(`tag ${name}: unknown type '${type}'`);
  if (type === 'A' || type === 'Z' || type === 'H') {
    if (typeof value !== 'string') fail(`tag ${name}: type ${type} needs a string`);
    return { name, type: type as TagType, value: value as string };
  }
  const number = toNumber(value);
  if (type === 'f') return { name, type: 'f', value: Math.fround(number) };
  // A generic `i` takes the smallest type that fits, as samtools does for SAM text.
  const integerType = type === 'i' ? smallestIntegerType(number) : (type as TagType);
  if (!integerType || !Number.isInteger(number)) fail(`tag ${name}: ${number} is not a 32-bit integer`);
  return { name, type: integerType as TagType, value: number };
}

/** One parsed NDJSON record line → an owned record. Missing fields take SAM's "unavailable" values. */
export function recordFromJson(value: unknown, header: BamHeader, fail: (message: string) => never): BamRecord {
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail('a record line must be a JSON object');
  const record = value as Record<string, unknown>;
  const int = (field: string, fallback: number): number => {
    const v = record[field];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v)) fail(`field ${field}: ${JSON.stringify(v)} is not an integer`);
    return v as number;
  };
  const text = (field: string, fallback: string): string => {
    const v = record[field];
    if (v === undefined) return fallback;
    if (typeof v !== 'string') fail(`field ${field}: ${JSON.stringify(v)} is not a string`);
    return v as string;
  };
  const referenceId = (field: string, name: string): number => {
    if (name === '*') return -1;
    const id = header.referenceIds.get(name);
    if (id === undefined) fail(`field ${field}: reference '${name}' is not in the header record`);
    return id!;
  };
  const refId = referenceId('rname', text('rname', '*'));
  const rnext = text('rnext', '*');
  const cigarText = text('cigar', '*');
  const cigar = parseCigar(cigarText);
  if (!cigar) fail(`field cigar: bad CIGAR '${cigarText.slice(0, 40)}'`);
  const sequence = text('seq', '*');
  const qual = text('qual', '*');
  let qualities: Uint8Array | null = null;
  if (qual !== '*') {
    if (qual.length !== (sequence === '*' ? 0 : sequence.length)) fail(`field qual: ${qual.length} qualities for ${sequence === '*' ? 0 : sequence.length} bases`);
    qualities = new Uint8Array(qual.length);
    for (let i = 0; i < qual.length; i++) qualities[i] = qual.charCodeAt(i) - 33;
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
