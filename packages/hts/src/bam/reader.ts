/**
 * Streaming BAM reader: BGZF chunks → header → batches of records. A batch is one inflated chunk
 * plus the offsets of the whole records in it; a record cut by the chunk's end is stitched into a
 * one-record batch of its own, so no chunk is ever copied. Consumers walk a batch with one
 * re-pointed BamRecordView:
 *
 *   for await (const batch of reader.batches())
 *     for (let i = 0; i < batch.count; i++) { const record = batch.record(i); … }
 */
import { HtsError } from '../errors.js';
import { type ByteSource, openByteSource } from '../io/byte-source.js';
import { inflatedChunks, type BgzfReadOptions } from '../bgzf/reader.js';
import { virtualOffsetInChunk, type InflatedChunk } from '../bgzf/inflate.js';
import { parseBamHeader, type BamHeader } from './header.js';
import { BamRecordView, FIXED_FIELDS_BYTES } from './record/view.js';

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
    return recordBatches(this.source.name, this.chunks, first, this.firstRecordOffset, false);
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
        const split = splitRecords(stitched, new DataView(stitched.buffer), 0, stitched.length, file, () => describeVirtualOffset(at));
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
    const split = splitRecords(data, view, from, data.length, file, (offset) => describeVirtualOffset(virtualOffsetInChunk(chunk, offset)));
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
    return { file: this.file, skip: this.skip, carry: this.carry ?? null, carryVirtualOffset: this.carryVirtualOffset };
  }

  static restore(state: RecordSplitterState): RecordSplitter {
    const splitter = new RecordSplitter(state.file, state.skip);
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
): AsyncGenerator<RecordBatch> {
  const splitter = new RecordSplitter(file);
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
  add(encoded: Uint8Array): void {
    this.parts.push(encoded);
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
    const batch = new RecordBatch(bytes, offsets, this.parts.length, () => 0);
    this.parts = [];
    this.size = 0;
    return batch;
  }
}
