/**
 * Streaming BAM reader: BGZF chunks → header → batches of records. A batch is one inflated chunk
 * plus the offsets of the whole records in it; a record cut by the chunk's end is stitched into a
 * one-record batch of its own, so no chunk is ever copied. Consumers walk a batch with one
 * re-pointed BamRecordView:
 *
 *   for await (const batch of reader.batches())
 *     for (let i = 0; i < batch.count; i++) { const record = batch.record(i); … }
 */
import { HtsError, quotedBytes } from '../errors.js';
import { type ByteSource, openByteSource } from '../io/byte-source.js';
import { inflatedChunks, type BgzfReadOptions } from '../bgzf/reader.js';
import { virtualOffsetInChunk, type InflatedChunk } from '../bgzf/inflate.js';
import { parseBamHeader, type BamHeader } from './header.js';
import { BamRecordView, FIXED_FIELDS_BYTES } from './record/view.js';
import { TAG_VALUE_SIZE } from './record/tags.js';

/** A record larger than this is taken as corruption, not data (htslib's limit is 2 GiB; long reads stay far below). */
const MAX_RECORD_BYTES = 1 << 28;

export class RecordBatch {
  readonly data: DataView;
  private readonly view = new BamRecordView();
  constructor(
    readonly bytes: Uint8Array,
    /** Start of each record's block_size field in `bytes`. */
    readonly offsets: Uint32Array,
    readonly count: number,
    /** Maps a byte offset in `bytes` to a virtual offset. */
    readonly virtualOffsetAt: (offset: number) => number,
    /** For text input (SAM, NDJSON): the line each record came from, for error messages. */
    readonly lineNumbers?: readonly number[],
  ) {
    this.data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  /** The i-th record, through a view shared by every call on this batch. */
  record(i: number): BamRecordView {
    return this.view.setPosition(this.bytes, this.offsets[i]!, this.data);
  }
}

/**
 * Offsets of the whole records in bytes[from, end). Returns the offsets and where the first
 * incomplete record starts. Validates each record's fixed-size parts against its length, so a
 * corrupt length is caught here, where the byte offset is known.
 */
export function splitRecords(
  bytes: Uint8Array,
  data: DataView,
  from: number,
  end: number,
  file: string,
  describe: (offset: number) => string,
  referenceCount = NO_REFERENCE_LIMIT,
): { offsets: Uint32Array; count: number; rest: number } {
  let offsets = splitScratch;
  let count = 0;
  let at = from;
  while (at + 4 <= end) {
    const size = data.getUint32(at, true) + 4;
    if (size < 4 + FIXED_FIELDS_BYTES + 1 || size > MAX_RECORD_BYTES) checkRecord(bytes, data, at, size, file, describe);
    if (at + size > end) break;
    const needed =
      36 + bytes[at + 12]! + 4 * data.getUint16(at + 16, true) + ((data.getInt32(at + 20, true) + 1) >> 1) + data.getInt32(at + 20, true);
    if (needed > size || bytes[at + 12] === 0 || data.getInt32(at + 20, true) < 0) checkRecord(bytes, data, at, size, file, describe);
    const problem = recordProblem(bytes, data, at, size, referenceCount);
    if (problem !== undefined) throw new HtsError(`corrupt BAM record ${printableName(bytes, at)}: ${problem}`, file, describe(at));
    if (count === offsets.length) {
      const grown = new Uint32Array(offsets.length * 2);
      grown.set(offsets);
      splitScratch = offsets = grown;
    }
    offsets[count++] = at;
    at += size;
  }
  return { offsets: offsets.slice(0, count), count, rest: at };
}

/** No header to check reference ids against (a splitter made without one). */
const NO_REFERENCE_LIMIT = 0x7fffffff;
const CIGAR_OP_MAX = 8;
/** Bit set of CIGAR ops that consume the query: M I S = X (as in cigar.ts). */
const QUERY_OPS = 0b110010011;
const CIGAR_SOFT_CLIP = 4;
const CIGAR_SKIP = 3;

/**
 * What htslib's bam_read1 and sam_read1 refuse in a record whose lengths are sound, or undefined:
 * reference ids outside -1..n_ref-1, a read name without its NUL, a CIGAR whose query length
 * differs from SEQ's (mapped reads with a SEQ; for a CIGAR kept in the CG tag, the real one), and
 * optional fields that run past the record or have an unknown type (samtools refuses those when
 * it prints the record). Also refused, where samtools prints nonsense: positions below -1, CIGAR
 * operation codes above 8 (`=`/`X` are 7/8), tag names that are not two printable characters.
 * Integer compares on fields the splitter reads anyway, one walk over the CIGAR and one over the
 * tags' headers (Z/H strings are scanned for their NUL); nothing is allocated.
 */
function recordProblem(bytes: Uint8Array, data: DataView, at: number, size: number, referenceCount: number): string | undefined {
  const refId = data.getInt32(at + 4, true);
  const mateRefId = data.getInt32(at + 24, true);
  // -1 <= id < n_ref, as one unsigned compare each.
  if ((refId + 1) >>> 0 > referenceCount) return `reference id ${refId} is outside -1..${referenceCount - 1} (the header's references)`;
  if ((mateRefId + 1) >>> 0 > referenceCount)
    return `mate reference id ${mateRefId} is outside -1..${referenceCount - 1} (the header's references)`;
  const pos = data.getInt32(at + 8, true);
  if (pos < -1) return `position ${pos} is below -1`;
  const matePos = data.getInt32(at + 28, true);
  if (matePos < -1) return `mate position ${matePos} is below -1`;
  const nameLength = bytes[at + 12]!;
  const cigarAt = at + 36 + nameLength;
  if (bytes[cigarAt - 1] !== 0) return 'the read name is not NUL-terminated';
  const cigarOps = data.getUint16(at + 16, true);
  const seqLength = data.getInt32(at + 20, true);
  const mappedWithSequence = seqLength > 0 && !(data.getUint16(at + 18, true) & 4);
  const cigarProblem = cigarOps > 0 ? checkCigar(data, cigarAt, cigarOps, mappedWithSequence ? seqLength : -1) : undefined;
  if (cigarProblem !== undefined) return cigarProblem;
  // A CIGAR of more than 65535 ops is stored as `<seq>S<ref>N` with the real one in CG:B,I (SAM spec §4.2.2).
  const placeholder =
    cigarOps === 2 &&
    data.getUint32(cigarAt, true) === ((seqLength << 4) | CIGAR_SOFT_CLIP) >>> 0 &&
    (data.getUint32(cigarAt + 4, true) & 15) === CIGAR_SKIP;
  const end = at + size;
  let p = cigarAt + 4 * cigarOps + ((seqLength + 1) >> 1) + seqLength;
  while (p < end) {
    if (p + 3 > end) return 'an optional field runs past the end of the record';
    // Tag names: two printable characters, as htslib's SAM parser requires ([!-~]).
    if ((bytes[p]! - 33) >>> 0 > 93 || (bytes[p + 1]! - 33) >>> 0 > 93)
      return `optional field ${quotedBytes(bytes, p, p + 2)} does not have a two-character name`;
    const type = bytes[p + 2]!;
    const v = p + 3;
    if (type === 90 || type === 72) {
      // Z, H: text up to a NUL
      let nul = v;
      while (nul < end && bytes[nul] !== 0) nul++;
      if (nul === end) return `optional field ${tagNameText(bytes, p)} is not NUL-terminated`;
      p = nul + 1;
    } else if (type === 66) {
      // B: subtype, count, values
      if (v + 5 > end) return `optional field ${tagNameText(bytes, p)} runs past the end of the record`;
      const elementSize = TAG_VALUE_SIZE[bytes[v]!] ?? 0;
      if (elementSize === 0 || bytes[v] === 65)
        return `optional field ${tagNameText(bytes, p)} has an unknown array type ${quotedBytes(bytes, v, v + 1)}`;
      const count = data.getUint32(v + 1, true);
      if (count > (end - v - 5) / elementSize)
        return `optional field ${tagNameText(bytes, p)}: an array of ${count} values runs past the end of the record`;
      if (placeholder && bytes[p] === 67 && bytes[p + 1] === 71 && elementSize === 4 && bytes[v] !== 102) {
        const realCigarProblem = checkCigar(data, v + 5, count, mappedWithSequence ? seqLength : -1);
        if (realCigarProblem !== undefined) return `${realCigarProblem} (the CIGAR in its CG tag)`;
      }
      p = v + 5 + count * elementSize;
    } else {
      const valueSize = TAG_VALUE_SIZE[type] ?? 0;
      if (valueSize === 0) return `optional field ${tagNameText(bytes, p)} has an unknown type ${quotedBytes(bytes, p + 2, p + 3)}`;
      if (v + valueSize > end) return `optional field ${tagNameText(bytes, p)} runs past the end of the record`;
      p = v + valueSize;
    }
  }
  return undefined;
}

/**
 * What is wrong with the record whose block_size is at bytes[at], as splitRecords would refuse it,
 * or undefined; `end` bounds the bytes available (a record running past it is only size-checked).
 * For an index's pointer: a place that is not a record start almost always fails one of these.
 */
export function recordProblemAt(bytes: Uint8Array, data: DataView, at: number, end: number, referenceCount: number): string | undefined {
  if (at + 4 > end) return 'there is no record there';
  const size = data.getUint32(at, true) + 4;
  if (size < 4 + FIXED_FIELDS_BYTES + 1 || size > MAX_RECORD_BYTES) return `block_size ${size - 4} is implausible`;
  if (at + size > end) return undefined;
  const nameLength = bytes[at + 12]!;
  const seqLength = data.getInt32(at + 20, true);
  const needed = 36 + nameLength + 4 * data.getUint16(at + 16, true) + ((seqLength + 1) >> 1) + seqLength;
  if (nameLength < 1 || seqLength < 0 || needed > size) return `its fields need ${needed} bytes but block_size gives ${size - 4}`;
  return recordProblem(bytes, data, at, size, referenceCount);
}

/** Unknown operation codes in `count` CIGAR ops at `from`, and, when `seqLength` >= 0, a query length that differs from it. */
function checkCigar(data: DataView, from: number, count: number, seqLength: number): string | undefined {
  let queryLength = 0;
  for (let i = 0; i < count; i++) {
    const op = data.getUint32(from + 4 * i, true);
    const code = op & 15;
    if (code > CIGAR_OP_MAX) return `unknown CIGAR operation code ${code}`;
    if ((QUERY_OPS >> code) & 1) queryLength += op >>> 4;
  }
  if (seqLength >= 0 && queryLength !== seqLength) return `CIGAR and query sequence lengths differ (${queryLength} and ${seqLength})`;
  return undefined;
}

/** A tag's two-character name (already checked printable) for a message. */
function tagNameText(bytes: Uint8Array, p: number): string {
  return String.fromCharCode(bytes[p]!, bytes[p + 1]!);
}

/** The record's read name for a message, quoted with non-printable bytes escaped. */
function printableName(bytes: Uint8Array, at: number): string {
  const from = at + 36;
  const nameLength = bytes[at + 12]!;
  // All of an unterminated name (which is what htslib would show, having added the NUL).
  let to = from + nameLength - (nameLength > 0 && bytes[from + nameLength - 1] === 0 ? 1 : 0);
  if (to > bytes.length) to = bytes.length;
  return quotedBytes(bytes, from, to);
}

/** Reused by splitRecords; each call copies out the part it filled. */
let splitScratch = new Uint32Array(1 << 16);

function checkRecord(
  bytes: Uint8Array,
  data: DataView,
  at: number,
  size: number,
  file: string,
  describe: (offset: number) => string,
): void {
  if (size < 4 + FIXED_FIELDS_BYTES + 1 || size > MAX_RECORD_BYTES) {
    throw new HtsError(`corrupt BAM record: implausible block_size ${size - 4}`, file, describe(at));
  }
  const nameLength = bytes[at + 12]!;
  const cigarOps = data.getUint16(at + 16, true);
  const seqLength = data.getInt32(at + 20, true);
  const needed = 36 + nameLength + 4 * cigarOps + ((seqLength + 1) >> 1) + seqLength;
  if (nameLength < 1 || seqLength < 0 || needed > size) {
    throw new HtsError(`corrupt BAM record: its fields need ${needed} bytes but block_size gives ${size - 4}`, file, describe(at));
  }
}

export type BamReaderOptions = BgzfReadOptions;

export class BamReader {
  private constructor(
    readonly source: ByteSource,
    readonly header: BamHeader,
    private readonly chunks: AsyncGenerator<InflatedChunk>,
    private firstChunk: InflatedChunk | undefined,
    private firstRecordOffset: number,
  ) {}

  /** Opens a BAM file (`-` for stdin) and reads its header. */
  static async open(path: string, options: BamReaderOptions = {}): Promise<BamReader> {
    const source = openByteSource(path);
    try {
      return await BamReader.fromSource(source, options);
    } catch (error) {
      source.close();
      throw error;
    }
  }

  static async fromSource(source: ByteSource, options: BamReaderOptions = {}): Promise<BamReader> {
    // Recycled buffers by default: a batch stays valid while the next one is processed; copy
    // (record.toBytes()) what must live longer.
    const chunks = inflatedChunks(source, { recycleBuffers: true, ...options });
    let collected: Uint8Array = new Uint8Array(0);
    for (;;) {
      const next = await chunks.next();
      if (next.done) {
        if (collected.length === 0) throw new HtsError('no BAM header: the file holds no data', source.name, 'byte offset 0');
        throw new HtsError('truncated BAM header', source.name, `inflated byte offset ${collected.length}`);
      }
      const chunk = next.value;
      const headerBytes = collected.length === 0 ? chunk.data : joinBytes(collected, chunk.data);
      const parsed = wrapCorrupt(() => parseBamHeader(headerBytes, source.name), source.name);
      if (parsed) {
        // The header's tail lies in this chunk: records start at the offset in this chunk's data.
        const firstRecordOffset = parsed.length - collected.length;
        return new BamReader(source, parsed.header, chunks, chunk, firstRecordOffset);
      }
      collected = headerBytes;
    }
  }

  /** Record batches in file order. */
  batches(): AsyncGenerator<RecordBatch> {
    const first = this.firstChunk;
    this.firstChunk = undefined;
    return recordBatches(this.source.name, this.chunks, first, this.firstRecordOffset, false, this.header.references.length);
  }

  close(): void {
    this.source.close();
  }
}

/**
 * Cuts inflated BAM data into whole records, chunk after chunk, in order: the serial step between
 * parallel inflate and parallel record work. A record cut by a chunk's end is carried over and
 * completed from the next chunk into a small buffer of its own, so no chunk is ever copied.
 */
export interface RecordSplitterState {
  file: string;
  skip: number;
  /** The header's number of references, for the reference id check. */
  referenceCount: number;
  carry: Uint8Array | null;
  carryVirtualOffset: number;
}

export class RecordSplitter {
  private carry: Uint8Array | undefined;
  private carryVirtualOffset = 0;

  constructor(
    private readonly file: string,
    /** Inflated bytes to skip first (the BAM header). */
    private skip = 0,
    /** The header's number of references (record reference ids must be below it). */
    private readonly referenceCount = NO_REFERENCE_LIMIT,
  ) {}

  /** The batches of whole records that `chunk` completes: a stitched one-record batch first, if any. */
  push(chunk: InflatedChunk, from = 0): RecordBatch[] {
    const batches: RecordBatch[] = [];
    const data = chunk.data;
    if (this.skip > 0) {
      const skipped = Math.min(this.skip, data.length - from);
      from += skipped;
      this.skip -= skipped;
    }
    const file = this.file;
    while (this.carry && from < data.length) {
      // Complete the record cut by the previous chunk's end (first its 4-byte length, then the rest).
      const carry = this.carry;
      const size = carry.length >= 4 ? new DataView(carry.buffer, carry.byteOffset, 4).getUint32(0, true) + 4 : -1;
      const needed = size < 0 ? 4 - carry.length : size - carry.length;
      const take = Math.min(needed, data.length - from);
      this.carry = joinBytes(carry, data.subarray(from, from + take));
      from += take;
      if (size >= 0 && this.carry.length === size) {
        const stitched = this.carry;
        const at = this.carryVirtualOffset;
        const split = splitRecords(
          stitched,
          new DataView(stitched.buffer),
          0,
          stitched.length,
          file,
          () => describeVirtualOffset(at),
          this.referenceCount,
        );
        batches.push(new RecordBatch(stitched, split.offsets, split.count, () => at));
        this.carry = undefined;
      } else if (this.carry.length >= 4 && size < 0) {
        const length = new DataView(this.carry.buffer, 0, 4).getUint32(0, true) + 4;
        if (length > MAX_RECORD_BYTES)
          throw new HtsError(
            `corrupt BAM record: implausible block_size ${length - 4}`,
            file,
            describeVirtualOffset(this.carryVirtualOffset),
          );
      }
    }
    if (this.carry) return batches; // the chunk only continued a long record
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const split = splitRecords(
      data,
      view,
      from,
      data.length,
      file,
      (offset) => describeVirtualOffset(virtualOffsetInChunk(chunk, offset)),
      this.referenceCount,
    );
    if (split.count > 0) batches.push(new RecordBatch(data, split.offsets, split.count, (offset) => virtualOffsetInChunk(chunk, offset)));
    if (split.rest < data.length) {
      this.carry = data.slice(split.rest);
      this.carryVirtualOffset = virtualOffsetInChunk(chunk, split.rest);
      if (this.carry.length >= 4) {
        const length = new DataView(this.carry.buffer).getUint32(0, true) + 4;
        if (length > MAX_RECORD_BYTES)
          throw new HtsError(
            `corrupt BAM record: implausible block_size ${length - 4}`,
            file,
            describeVirtualOffset(this.carryVirtualOffset),
          );
      }
    }
    return batches;
  }

  /** The splitter's whole state as plain data (it can travel between threads). */
  snapshot(): RecordSplitterState {
    return {
      file: this.file,
      skip: this.skip,
      referenceCount: this.referenceCount,
      carry: this.carry ?? null,
      carryVirtualOffset: this.carryVirtualOffset,
    };
  }

  static restore(state: RecordSplitterState): RecordSplitter {
    const splitter = new RecordSplitter(state.file, state.skip, state.referenceCount);
    splitter.carry = state.carry ?? undefined;
    splitter.carryVirtualOffset = state.carryVirtualOffset;
    return splitter;
  }

  /** At the end of the data: a record still incomplete means the file was cut. */
  finish(): void {
    if (this.carry && this.carry.length > 0) {
      throw new HtsError(
        `truncated BAM record: the data ends ${this.carry.length} bytes into a record`,
        this.file,
        describeVirtualOffset(this.carryVirtualOffset),
      );
    }
  }
}

/**
 * Record batches from inflated chunks, starting `from` bytes into `firstChunk`. With
 * `partialEnd`, a record cut by the end of the data is dropped instead of reported (region
 * queries stop reading partway through a file).
 */
export async function* recordBatches(
  file: string,
  chunks: AsyncIterator<InflatedChunk>,
  firstChunk: InflatedChunk | undefined,
  from: number,
  partialEnd: boolean,
  referenceCount = NO_REFERENCE_LIMIT,
): AsyncGenerator<RecordBatch> {
  const splitter = new RecordSplitter(file, 0, referenceCount);
  try {
    for (let chunk = firstChunk; chunk;) {
      yield* splitter.push(chunk, from);
      from = 0;
      const next = await chunks.next();
      chunk = next.done ? undefined : next.value;
    }
  } finally {
    // Stop the BGZF reader too when our consumer stops early (a region's end, `| head`).
    await chunks.return?.();
  }
  if (!partialEnd) splitter.finish();
}

/** `byte offset 1234 (block at 1200, +34 inflated)`: where a record lies, for error messages. */
export function describeVirtualOffset(virtualOffset: number): string {
  const compressed = Math.floor(virtualOffset / 65536);
  return `byte offset ${compressed}, record at +${virtualOffset % 65536} inside the BGZF block`;
}

function joinBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function wrapCorrupt<T>(parse: () => T, file: string): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof HtsError) throw error.inFile(file);
    throw error;
  }
}

/** Opens a BAM and returns the reader with its batches (for callers that only stream records). */
export async function readBatches(
  path: string,
  options: BamReaderOptions = {},
): Promise<{ reader: BamReader; batches: AsyncGenerator<RecordBatch> }> {
  const reader = await BamReader.open(path, options);
  return { reader, batches: reader.batches() };
}

/** Gathers separately encoded records (from SAM or NDJSON text) into RecordBatches of about 1 MiB. */
export class EncodedRecordBatcher {
  private parts: Uint8Array[] = [];
  private size = 0;
  get count(): number {
    return this.parts.length;
  }
  get full(): boolean {
    return this.size >= 1 << 20;
  }
  private lineNumbers: number[] = [];
  /** `lineNumber`: the text line the record came from, kept so later errors can name it. */
  add(encoded: Uint8Array, lineNumber: number): void {
    this.parts.push(encoded);
    this.lineNumbers.push(lineNumber);
    this.size += encoded.length;
  }
  flush(): RecordBatch {
    const bytes = new Uint8Array(this.size);
    const offsets = new Uint32Array(this.parts.length);
    let at = 0;
    this.parts.forEach((part, i) => {
      offsets[i] = at;
      bytes.set(part, at);
      at += part.length;
    });
    const batch = new RecordBatch(bytes, offsets, this.parts.length, () => 0, this.lineNumbers);
    this.parts = [];
    this.lineNumbers = [];
    this.size = 0;
    return batch;
  }
}
