/**
 * A lazy, zero-copy view of one BAM record (SAM spec §4.2) inside an inflated buffer. One view
 * object is re-pointed at each record in turn (`setPosition`), so walking a file allocates nothing
 * per record: fixed fields are read on access, and CIGAR, sequence, qualities and tags are decoded
 * only when a caller touches them. Keep a record past the next `setPosition` with `toBytes()`.
 *
 * CIGARs of more than 65535 operations live in the CG:B,I tag (SAM spec §4.2.2); the view reads
 * them from there transparently, so callers always see the real CIGAR.
 */
import { HtsError } from '../../errors.js';
import { CONSUMES_QUERY, CONSUMES_REFERENCE, cigarToString } from './cigar.js';
import { SEQ_CHAR_CODES } from './sequence.js';
import { TAG_VALUE_SIZE, type Tag, type TagType } from './tags.js';

/** Bytes of the fixed part after block_size (refID … tlen). */
export const FIXED_FIELDS_BYTES = 32;

/** SAM FLAG bits (SAM spec §1.4.2). A plain object, so JavaScript consumers see it too. */
export const Flag = {
  Paired: 0x1,
  ProperPair: 0x2,
  Unmapped: 0x4,
  MateUnmapped: 0x8,
  Reverse: 0x10,
  MateReverse: 0x20,
  FirstOfPair: 0x40,
  SecondOfPair: 0x80,
  Secondary: 0x100,
  QcFail: 0x200,
  Duplicate: 0x400,
  Supplementary: 0x800,
} as const;

const latin1 = new TextDecoder('latin1');

export class BamRecordView {
  bytes: Uint8Array = new Uint8Array(0);
  /** A DataView over the same buffer as `bytes` (offsets as in `bytes`). */
  data = new DataView(this.bytes.buffer);
  /** Offset of the record's block_size field in `bytes`. */
  start = 0;
  /** Cached location of the real CIGAR (-1: not looked up since the last setPosition). */
  private cigarAt = -1;
  private cigarCount = 0;
  /** Offset of the CG tag when it holds the real CIGAR, else -1. */
  private cigarTagAt = -1;

  /** Points the view at the record whose block_size field is at `start`. */
  setPosition(bytes: Uint8Array, start: number, data?: DataView): this {
    if (bytes !== this.bytes) {
      this.bytes = bytes;
      this.data = data ?? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    this.start = start;
    this.cigarAt = -1;
    return this;
  }

  /** Record length including the 4-byte block_size field. */
  get byteLength(): number {
    return this.data.getUint32(this.start, true) + 4;
  }
  get refId(): number {
    return this.data.getInt32(this.start + 4, true);
  }
  /** 0-based leftmost position (-1 when unset). */
  get pos(): number {
    return this.data.getInt32(this.start + 8, true);
  }
  get readNameLength(): number {
    return this.bytes[this.start + 12]!;
  }
  get mapq(): number {
    return this.bytes[this.start + 13]!;
  }
  get bin(): number {
    return this.data.getUint16(this.start + 14, true);
  }
  /** n_cigar_op as stored (2 placeholder ops when the real CIGAR is in CG). */
  get storedCigarCount(): number {
    return this.data.getUint16(this.start + 16, true);
  }
  get flag(): number {
    return this.data.getUint16(this.start + 18, true);
  }
  get seqLength(): number {
    return this.data.getInt32(this.start + 20, true);
  }
  get mateRefId(): number {
    return this.data.getInt32(this.start + 24, true);
  }
  get matePos(): number {
    return this.data.getInt32(this.start + 28, true);
  }
  get templateLength(): number {
    return this.data.getInt32(this.start + 32, true);
  }

  get readNameStart(): number {
    return this.start + 36;
  }
  get readName(): string {
    return latin1.decode(this.bytes.subarray(this.start + 36, this.start + 36 + this.readNameLength - 1));
  }
  /** Offset of the stored CIGAR ops. */
  get storedCigarStart(): number {
    return this.start + 36 + this.readNameLength;
  }
  get seqStart(): number {
    return this.storedCigarStart + 4 * this.storedCigarCount;
  }
  get qualStart(): number {
    return this.seqStart + ((this.seqLength + 1) >> 1);
  }
  get tagsStart(): number {
    return this.qualStart + this.seqLength;
  }
  get end(): number {
    return this.start + this.byteLength;
  }

  /** Number of real CIGAR operations. */
  get cigarLength(): number {
    if (this.cigarAt < 0) this.locateCigar();
    return this.cigarCount;
  }
  /** Offset in `bytes` of the real CIGAR ops (u32 little-endian each): stored, or inside CG. */
  get cigarOffset(): number {
    if (this.cigarAt < 0) this.locateCigar();
    return this.cigarAt;
  }
  /** The i-th real CIGAR op, packed as length << 4 | op. */
  cigarOp(i: number): number {
    if (this.cigarAt < 0) this.locateCigar();
    return this.data.getUint32(this.cigarAt + 4 * i, true);
  }
  cigarOps(): Uint32Array {
    const n = this.cigarLength;
    const ops = new Uint32Array(n);
    for (let i = 0; i < n; i++) ops[i] = this.data.getUint32(this.cigarAt + 4 * i, true);
    return ops;
  }
  cigarString(): string {
    return cigarToString(this.cigarOps());
  }
  /** Bases of reference the alignment covers (M, D, N, =, X). */
  get referenceLength(): number {
    const n = this.cigarLength;
    let length = 0;
    for (let i = 0; i < n; i++) {
      const op = this.data.getUint32(this.cigarAt + 4 * i, true);
      if ((CONSUMES_REFERENCE >> (op & 15)) & 1) length += op >>> 4;
    }
    return length;
  }
  /** 0-based exclusive end on the reference; pos + 1 for unmapped records or ones without aligned bases (htslib bam_endpos). */
  get alignmentEnd(): number {
    const length = this.flag & Flag.Unmapped ? 0 : this.referenceLength;
    return this.pos + (length > 0 ? length : 1);
  }
  get queryLengthFromCigar(): number {
    const n = this.cigarLength;
    let length = 0;
    for (let i = 0; i < n; i++) {
      const op = this.data.getUint32(this.cigarAt + 4 * i, true);
      if ((CONSUMES_QUERY >> (op & 15)) & 1) length += op >>> 4;
    }
    return length;
  }

  private locateCigar(): void {
    const stored = this.storedCigarCount;
    this.cigarAt = this.storedCigarStart;
    this.cigarCount = stored;
    this.cigarTagAt = -1;
    // SAM spec §4.2.2: kSmN placeholder (k = l_seq, m = reference length) means the CIGAR is in CG.
    if (
      stored === 2 &&
      this.data.getUint32(this.cigarAt, true) === ((this.seqLength << 4) | 4) &&
      (this.data.getUint32(this.cigarAt + 4, true) & 15) === 3
    ) {
      const tag = this.findTag('CG');
      if (tag >= 0 && this.bytes[tag + 2] === 66 && this.bytes[tag + 3] === 73) {
        this.cigarCount = this.data.getUint32(tag + 4, true);
        this.cigarAt = tag + 8;
        this.cigarTagAt = tag;
      }
    }
  }

  /** Base letter char code at query position i. */
  baseAt(i: number): number {
    const packed = this.bytes[this.seqStart + (i >> 1)]!;
    return SEQ_CHAR_CODES[i & 1 ? packed & 15 : packed >> 4]!;
  }
  /** The 4-bit base code at query position i. */
  baseCodeAt(i: number): number {
    const packed = this.bytes[this.seqStart + (i >> 1)]!;
    return i & 1 ? packed & 15 : packed >> 4;
  }
  sequence(): string {
    const n = this.seqLength;
    if (n === 0) return '*';
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.baseAt(i);
    return latin1.decode(out);
  }
  /** Phred qualities as stored (0xff in the first byte: absent). A zero-copy subarray. */
  qualities(): Uint8Array {
    const at = this.qualStart;
    return this.bytes.subarray(at, at + this.seqLength);
  }
  get hasQualities(): boolean {
    return this.seqLength > 0 && this.bytes[this.qualStart] !== 0xff;
  }

  /** Offset of the tag named `name` (its two name bytes), or -1. */
  findTag(name: string): number {
    const c0 = name.charCodeAt(0);
    const c1 = name.charCodeAt(1);
    const end = this.end;
    for (let at = this.tagsStart; at + 3 <= end; at = this.nextTag(at)) {
      if (this.bytes[at] === c0 && this.bytes[at + 1] === c1) return at;
    }
    return -1;
  }

  /** Offset just past the tag at `at`. */
  nextTag(at: number): number {
    const type = this.bytes[at + 2]!;
    const fixed = TAG_VALUE_SIZE[type] ?? 0;
    if (fixed > 0) return at + 3 + fixed;
    if (type === 90 || type === 72) {
      // Z, H: NUL-terminated
      let p = at + 3;
      const end = this.end;
      while (p < end && this.bytes[p] !== 0) p++;
      return p + 1;
    }
    if (type === 66) {
      const elementSize = TAG_VALUE_SIZE[this.bytes[at + 3]!] ?? 0;
      return at + 8 + elementSize * this.data.getUint32(at + 4, true);
    }
    throw new HtsError(`corrupt BAM record ${this.readName}: unknown tag type '${String.fromCharCode(type)}'`);
  }

  /** Decodes the tag at `at` into an owned Tag. */
  tagAt(at: number): Tag {
    const name = String.fromCharCode(this.bytes[at]!, this.bytes[at + 1]!);
    const typeCode = this.bytes[at + 2]!;
    const v = at + 3;
    const d = this.data;
    switch (typeCode) {
      case 65:
        return { name, type: 'A', value: String.fromCharCode(this.bytes[v]!) };
      case 99:
        return { name, type: 'c', value: d.getInt8(v) };
      case 67:
        return { name, type: 'C', value: d.getUint8(v) };
      case 115:
        return { name, type: 's', value: d.getInt16(v, true) };
      case 83:
        return { name, type: 'S', value: d.getUint16(v, true) };
      case 105:
        return { name, type: 'i', value: d.getInt32(v, true) };
      case 73:
        return { name, type: 'I', value: d.getUint32(v, true) };
      case 102:
        return { name, type: 'f', value: d.getFloat32(v, true) };
      case 90:
      case 72:
        return { name, type: typeCode === 90 ? 'Z' : 'H', value: latin1.decode(this.bytes.subarray(v, this.nextTag(at) - 1)) };
      case 66: {
        const subtype = String.fromCharCode(this.bytes[v]!);
        const count = d.getUint32(v + 1, true);
        const values = new Array<number>(count);
        const read = ARRAY_READERS[subtype];
        if (!read) throw new HtsError(`corrupt BAM record ${this.readName}: unknown B array subtype '${subtype}'`);
        for (let i = 0; i < count; i++) values[i] = read(d, v + 5, i);
        return { name, type: `B:${subtype}` as TagType, value: values };
      }
      default:
        throw new HtsError(`corrupt BAM record ${this.readName}: unknown tag type '${String.fromCharCode(typeCode)}'`);
    }
  }

  /** The tags, less a CG tag that holds the real CIGAR (samtools hides it too). */
  tags(): Tag[] {
    const tags: Tag[] = [];
    const end = this.end;
    const hidden = this.cigarTagOffset;
    for (let at = this.tagsStart; at < end; at = this.nextTag(at)) if (at !== hidden) tags.push(this.tagAt(at));
    return tags;
  }

  /** Offset of the CG tag holding the real CIGAR, or -1. */
  get cigarTagOffset(): number {
    if (this.cigarAt < 0) this.locateCigar();
    return this.cigarTagAt;
  }

  /** A tag's value, or undefined. */
  tag(name: string): Tag['value'] | undefined {
    const at = this.findTag(name);
    return at < 0 ? undefined : this.tagAt(at).value;
  }

  /** A copy of the record's bytes (block_size included), to keep beyond the next setPosition. */
  toBytes(): Uint8Array {
    return this.bytes.slice(this.start, this.end);
  }

  /** The record as one SAM text line (no newline), as samtools view prints it. */
  toSam(referenceName: (id: number) => string): string {
    const rname = this.refId < 0 ? '*' : referenceName(this.refId);
    const rnext = this.mateRefId < 0 ? '*' : this.mateRefId === this.refId ? '=' : referenceName(this.mateRefId);
    const qual = this.hasQualities ? Array.from(this.qualities(), (q) => String.fromCharCode(q + 33)).join('') : '*';
    const fields = [
      this.readName,
      this.flag,
      rname,
      this.pos + 1,
      this.mapq,
      this.cigarString(),
      rnext,
      this.matePos + 1,
      this.templateLength,
      this.sequence(),
      qual,
    ];
    for (const tag of this.tags()) fields.push(formatSamTag(tag));
    return fields.join('\t');
  }
}

const ARRAY_READERS: Record<string, (d: DataView, at: number, i: number) => number> = {
  c: (d, at, i) => d.getInt8(at + i),
  C: (d, at, i) => d.getUint8(at + i),
  s: (d, at, i) => d.getInt16(at + 2 * i, true),
  S: (d, at, i) => d.getUint16(at + 2 * i, true),
  i: (d, at, i) => d.getInt32(at + 4 * i, true),
  I: (d, at, i) => d.getUint32(at + 4 * i, true),
  f: (d, at, i) => d.getFloat32(at + 4 * i, true),
};

/** SAM text of a tag, as samtools prints it (integers as `i`, floats with %g). */
export function formatSamTag(tag: Tag): string {
  const { name, type, value } = tag;
  if (type.startsWith('B:')) {
    const subtype = type[2]!;
    const values = value as number[];
    const body = subtype === 'f' ? values.map(formatFloatG) : values.map(String);
    return `${name}:B:${subtype}${body.length ? ',' + body.join(',') : ''}`;
  }
  if (type === 'f') return `${name}:f:${formatFloatG(value as number)}`;
  if (type === 'A' || type === 'Z' || type === 'H') return `${name}:${type}:${value as string}`;
  return `${name}:i:${value as number}`;
}

/** C's %g (6 significant digits, trailing zeros dropped), which samtools uses for floats. */
export function formatFloatG(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const exponent = Math.floor(Math.log10(Math.abs(Number(value.toPrecision(6)))));
  if (exponent < -4 || exponent >= 6) {
    const [mantissa, exp] = value.toExponential(5).split('e');
    const trimmed = mantissa!.includes('.') ? mantissa!.replace(/0+$/, '').replace(/\.$/, '') : mantissa!;
    const e = Number(exp);
    return `${trimmed}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const fixed = value.toFixed(Math.max(0, 5 - exponent));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}
