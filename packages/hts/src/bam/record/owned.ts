/**
 * An owned BAM record, for building and writing (the read path uses BamRecordView), and its
 * encoder to the BAM binary layout (SAM spec §4.2).
 */
import { HtsError, quoted } from '../../errors.js';
import { reg2bin } from '../bai/bins.js';
import { queryLengthOf, referenceLengthOf } from './cigar.js';
import { encodeSequence } from './sequence.js';
import { INTEGER_RANGES, type IntegerTagType, type Tag } from './tags.js';

export interface BamRecord {
  readName: string;
  flag: number;
  /** -1 when unplaced. */
  refId: number;
  /** 0-based; -1 when unset. */
  pos: number;
  mapq: number;
  /** Packed ops (length << 4 | op). */
  cigar: Uint32Array;
  mateRefId: number;
  matePos: number;
  templateLength: number;
  /** Bases, or '' / '*' when absent. */
  sequence: string;
  /** Raw Phred values, or null when absent ('*'). */
  qualities: Uint8Array | null;
  tags: Tag[];
}

/** BAM's bin for a record: from pos to its end, pos+1 for unmapped or zero-length alignments (htslib bam_endpos). */
export function binOf(record: Pick<BamRecord, 'pos' | 'flag' | 'cigar'>): number {
  if (record.pos < 0) return 4680;
  const length = record.flag & 4 ? 0 : referenceLengthOf(record.cigar);
  return reg2bin(record.pos, record.pos + (length > 0 ? length : 1));
}

const ARRAY_ELEMENT_SIZE: Record<string, number> = { c: 1, C: 1, s: 2, S: 2, i: 4, I: 4, f: 4 };

function tagSize(tag: Tag): number {
  switch (tag.type) {
    case 'A':
    case 'c':
    case 'C':
      return 4;
    case 's':
    case 'S':
      return 5;
    case 'i':
    case 'I':
    case 'f':
      return 7;
    case 'Z':
    case 'H':
      return 4 + Buffer.byteLength(tag.value as string, 'utf8');
    default:
      return 8 + ARRAY_ELEMENT_SIZE[tag.type[2]!]! * (tag.value as number[]).length;
  }
}

function checkInteger(tag: Tag, value: number, type: IntegerTagType): void {
  const [min, max] = INTEGER_RANGES[type];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new HtsError(`tag ${tag.name}: ${value} does not fit type ${type}`);
  }
}

function writeNumber(view: DataView, at: number, type: string, value: number): void {
  switch (type) {
    case 'c':
      view.setInt8(at, value);
      break;
    case 'C':
      view.setUint8(at, value);
      break;
    case 's':
      view.setInt16(at, value, true);
      break;
    case 'S':
      view.setUint16(at, value, true);
      break;
    case 'i':
      view.setInt32(at, value, true);
      break;
    case 'I':
      view.setUint32(at, value, true);
      break;
    case 'f':
      view.setFloat32(at, value, true);
      break;
  }
}

function writeTag(out: Uint8Array, view: DataView, at: number, tag: Tag): number {
  // htslib takes any two characters from ! to ~ (its own tests have `A!`); the spec's [A-Za-z][A-Za-z0-9] is a recommendation.
  if (!/^[!-~]{2}$/.test(tag.name)) throw new HtsError(`bad tag name ${quoted(tag.name)} (two characters from ! to ~)`);
  out[at] = tag.name.charCodeAt(0);
  out[at + 1] = tag.name.charCodeAt(1);
  const type = tag.type;
  out[at + 2] = type.charCodeAt(0);
  const v = at + 3;
  switch (type) {
    case 'A': {
      const text = tag.value as string;
      // One byte: a character from \x01 to \xff (bam2ndjson writes the bytes above ~ as \u00NN).
      if (typeof text !== 'string' || text.length !== 1 || text.charCodeAt(0) === 0 || text.charCodeAt(0) > 0xff)
        throw new HtsError(`tag ${tag.name}: type A needs one character (got ${quoted(String(tag.value))})`);
      out[v] = text.charCodeAt(0);
      return v + 1;
    }
    case 'c':
    case 'C':
    case 's':
    case 'S':
    case 'i':
    case 'I':
      checkInteger(tag, tag.value as number, type);
      writeNumber(view, v, type, tag.value as number);
      return v + ARRAY_ELEMENT_SIZE[type]!;
    case 'f':
      if (typeof tag.value !== 'number') throw new HtsError(`tag ${tag.name}: type f needs a number`);
      view.setFloat32(v, tag.value, true);
      return v + 4;
    case 'Z':
    case 'H': {
      const text = tag.value as string;
      if (typeof text !== 'string') throw new HtsError(`tag ${tag.name}: type ${type} needs a string`);
      if (type === 'H' && !/^([0-9A-Fa-f]{2})*$/.test(text))
        throw new HtsError(`tag ${tag.name}: type H needs an even number of hex digits (got ${quoted(text)})`);
      // The text's UTF-8 bytes, as samtools stores the bytes of its SAM line; a NUL would end the string early.
      if (text.includes('\0')) throw new HtsError(`tag ${tag.name}: a ${type} string cannot hold a NUL character (got ${quoted(text)})`);
      const written = Buffer.from(out.buffer, out.byteOffset, out.byteLength).write(text, v, 'utf8');
      out[v + written] = 0;
      return v + written + 1;
    }
    default: {
      const subtype = type[2]!;
      const values = tag.value as number[];
      if (!Array.isArray(values)) throw new HtsError(`tag ${tag.name}: type ${type} needs an array`);
      out[v] = subtype.charCodeAt(0);
      view.setUint32(v + 1, values.length, true);
      const size = ARRAY_ELEMENT_SIZE[subtype]!;
      for (let i = 0; i < values.length; i++) {
        if (subtype !== 'f') checkInteger(tag, values[i]!, subtype as IntegerTagType);
        writeNumber(view, v + 5 + i * size, subtype, values[i]!);
      }
      return v + 5 + values.length * size;
    }
  }
}

const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;

/**
 * What BAM's fields cannot hold, or what htslib refuses, in an owned record about to be encoded
 * (records from SAM and NDJSON text): numbers beyond their field (never wrapped: htslib's
 * bam_write1 refuses "positional data too large for BAM format"), negative positions, a CIGAR
 * whose query length differs from SEQ's on a mapped read (bam_read1's rule), a read name that a
 * BAM name cannot hold (a NUL, a character beyond \xff). SAM's and NDJSON's 1-based POS and
 * PNEXT are named as the user wrote them.
 */
function fieldProblem(record: BamRecord, name: string): string | undefined {
  const { flag, mapq, pos, matePos, templateLength } = record;
  if (!Number.isInteger(flag) || flag < 0 || flag > 0xffff) return `FLAG ${flag} is outside 0-65535`;
  if (!Number.isInteger(mapq) || mapq < 0 || mapq > 255) return `MAPQ ${mapq} is outside 0-255`;
  if (pos < -1) return `POS ${pos + 1} is negative`;
  if (pos > INT32_MAX - 1) return `POS ${pos + 1} does not fit BAM's 32-bit position (at most ${INT32_MAX})`;
  if (matePos < -1) return `PNEXT ${matePos + 1} is negative`;
  if (matePos > INT32_MAX - 1) return `PNEXT ${matePos + 1} does not fit BAM's 32-bit position (at most ${INT32_MAX})`;
  if (templateLength < INT32_MIN + 1 || templateLength > INT32_MAX) return `TLEN ${templateLength} does not fit BAM's 32-bit field`;
  const seqLength = record.sequence === '*' ? 0 : record.sequence.length;
  if (record.cigar.length > 0 && seqLength > 0 && !(flag & 4)) {
    const queryLength = queryLengthOf(record.cigar);
    if (queryLength !== seqLength) return `CIGAR and query sequence lengths differ (${queryLength} and ${seqLength})`;
  }
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0 || c > 0xff) return `read name ${quoted(name)} holds a character a BAM read name cannot (NUL, or beyond \\xff)`;
  }
  return undefined;
}

/** Encodes a record, block_size included. CIGARs over 65535 ops go to CG:B,I (SAM spec §4.2.2). */
export function encodeRecord(record: BamRecord): Uint8Array {
  const name = record.readName === '' ? '*' : record.readName;
  if (name.length > 254) throw new HtsError(`read name longer than 254 characters: ${quoted(name)}`);
  const problem = fieldProblem(record, name);
  if (problem !== undefined) throw new HtsError(problem);
  const sequence = record.sequence === '*' ? '' : record.sequence;
  const seqLength = sequence.length;
  if (record.qualities && record.qualities.length !== seqLength) {
    throw new HtsError(`read ${quoted(name)}: ${record.qualities.length} qualities for ${seqLength} bases`);
  }
  let cigar = record.cigar;
  let tags = record.tags;
  if (cigar.length > 65535) {
    const placeholder = Uint32Array.from([(seqLength << 4) | 4, (referenceLengthOf(cigar) << 4) | 3]);
    tags = [...tags.filter((t) => t.name !== 'CG'), { name: 'CG', type: 'B:I', value: Array.from(cigar) }];
    cigar = placeholder;
  }
  let size = 36 + name.length + 1 + 4 * cigar.length + ((seqLength + 1) >> 1) + seqLength;
  for (const tag of tags) size += tagSize(tag);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, size - 4, true);
  view.setInt32(4, record.refId, true);
  view.setInt32(8, record.pos, true);
  out[12] = name.length + 1;
  out[13] = record.mapq;
  view.setUint16(14, binOf(record), true);
  view.setUint16(16, cigar.length, true);
  view.setUint16(18, record.flag, true);
  view.setInt32(20, seqLength, true);
  view.setInt32(24, record.mateRefId, true);
  view.setInt32(28, record.matePos, true);
  view.setInt32(32, record.templateLength, true);
  let at = 36;
  for (let i = 0; i < name.length; i++) out[at + i] = name.charCodeAt(i);
  at += name.length + 1;
  for (let i = 0; i < cigar.length; i++) view.setUint32(at + 4 * i, cigar[i]!, true);
  at += 4 * cigar.length;
  encodeSequence(sequence, out, at);
  at += (seqLength + 1) >> 1;
  if (record.qualities) out.set(record.qualities, at);
  else out.fill(0xff, at, at + seqLength);
  at += seqLength;
  for (const tag of tags) at = writeTag(out, view, at, tag);
  return out;
}
