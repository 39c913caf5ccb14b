/**
 * Reading SLOW5 text and BLOW5, sniffed from the first bytes, as a stream of records.
 *
 * The file is read in chunks (READ_CHUNK_BYTES) into one buffer that holds the unread tail of the
 * last chunk; the buffer grows only to hold the largest single record, so memory stays bounded by
 * the largest record however big the file. Records come out in file order. A BLOW5 file must end
 * with the `5WOLB` marker right after its last record (slow5lib slow5_get_next_mem / slow5_is_eof):
 * without it the file is truncated, and the error names the offset where it stops.
 */
import { HtsError, quoted } from '../errors.js';
import { openByteSource, type ByteSource } from '../io/byte-source.js';
import {
  BLOW5_EOF,
  BLOW5_HEADER_TEXT_OFFSET,
  decodeBlow5Prefix,
  isBlow5Magic,
  parseHeaderBody,
  parseReadGroupCountLine,
  parseVersionLine,
  type HeaderLine,
} from './header.js';
import { decodeRecordBody, decompressRecordBody, MAX_RECORD_BYTES, parseRecordText, readIdOfBody } from './record.js';
import { auxTypesOf, type AuxType } from './aux.js';
import type { Slow5AuxField, Slow5Header, Slow5Record, Slow5RecordCompression, Slow5SignalCompression } from './types.js';

/** Bytes asked of the file per read: large enough that per-read overhead vanishes, small next to any machine's memory. */
export const READ_CHUNK_BYTES = 4 << 20;
/** Longest BLOW5 header text read: real headers are kilobytes; a larger size is a corrupt field, refused before reading it. */
const MAX_HEADER_TEXT_BYTES = 64 << 20;

/** A growing window over a byte source: the unread bytes and the file offset of the first. */
class ChunkedInput {
  private buffer = new Uint8Array(0);
  private start = 0;
  private end = 0;
  /** File offset of buffer[start]. */
  offset: number;
  atEnd = false;

  constructor(
    readonly source: ByteSource,
    offset = 0,
  ) {
    this.offset = offset;
  }

  get available(): number {
    return this.end - this.start;
  }

  /** The unread bytes (a view, valid until the next fill). */
  view(length = this.available): Uint8Array {
    return this.buffer.subarray(this.start, this.start + length);
  }

  /** Reads until `wanted` bytes are buffered or the source ends; true when they are. */
  async fill(wanted: number): Promise<boolean> {
    while (this.available < wanted && !this.atEnd) {
      // Doubling: a record longer than a chunk is gathered in O(length), not O(length^2 / chunk).
      const needed = Math.max(wanted, this.available + READ_CHUNK_BYTES, 2 * this.available);
      if (this.buffer.length - this.start < needed) {
        // Move the unread tail to the front, growing the buffer only when one record needs more.
        if (this.buffer.length >= needed) {
          this.buffer.copyWithin(0, this.start, this.end);
        } else {
          const next = new Uint8Array(needed);
          next.set(this.buffer.subarray(this.start, this.end));
          this.buffer = next;
        }
        this.end -= this.start;
        this.start = 0;
      }
      const n = await this.source.read(this.buffer.subarray(this.end));
      if (n === 0) this.atEnd = true;
      this.end += n;
    }
    return this.available >= wanted;
  }

  /** Consumes `length` buffered bytes, returning a copy (records outlive the buffer). */
  take(length: number): Uint8Array {
    const bytes = this.buffer.slice(this.start, this.start + length);
    this.skip(length);
    return bytes;
  }

  skip(length: number): void {
    this.start += length;
    this.offset += length;
  }

  /** Drops the buffer and continues from `offset` (seekable sources). */
  reset(offset: number): void {
    this.source.seek(offset);
    this.start = this.end = 0;
    this.offset = offset;
    this.atEnd = false;
  }

  /** The next line without its `\n`, or undefined at the end; a last line without `\n` is returned with `complete` false. */
  async line(): Promise<{ text: string; offset: number; complete: boolean } | undefined> {
    let searched = 0;
    for (;;) {
      const window = this.view();
      const newline = window.indexOf(10, searched);
      if (newline >= 0) {
        const offset = this.offset;
        const text = decoder.decode(window.subarray(0, newline));
        this.skip(newline + 1);
        return { text, offset, complete: true };
      }
      searched = window.length;
      if (this.atEnd) {
        if (window.length === 0) return undefined;
        const offset = this.offset;
        const text = decoder.decode(window);
        this.skip(window.length);
        return { text, offset, complete: false };
      }
      await this.fill(this.available + READ_CHUNK_BYTES);
    }
  }
}

const decoder = new TextDecoder();

/** A raw BLOW5 record as stored: where it starts (its u64 size), its stored size, and its (still compressed) bytes. */
export interface StoredRecord {
  readonly offset: number;
  /** Bytes from `offset` to the next record: 8 + the stored size for BLOW5, the line and its newline for SLOW5. */
  readonly size: number;
  readonly bytes: Uint8Array;
}

export interface Slow5File {
  readonly path: string;
  readonly header: Slow5Header;
  readonly format: 'slow5' | 'blow5';
  readonly recordCompression: Slow5RecordCompression;
  readonly signalCompression: Slow5SignalCompression;
  /** Streams the records in file order with bounded memory. */
  records(): AsyncIterable<Slow5Record>;
  close(): Promise<void>;
}

/** What is known once the header has been read. */
export interface OpenedSlow5 {
  readonly name: string;
  readonly header: Slow5Header;
  readonly format: 'slow5' | 'blow5';
  readonly recordCompression: Slow5RecordCompression;
  readonly signalCompression: Slow5SignalCompression;
  readonly auxTypes: readonly AuxType[];
  /** File offset of the first record. */
  readonly firstRecordOffset: number;
}

/**
 * What decoding a stored record needs, as plain data (structured-clonable: it travels to worker
 * threads with an engine stage's options).
 */
export interface Slow5Layout {
  readonly file: string;
  readonly format: 'slow5' | 'blow5';
  readonly recordCompression: Slow5RecordCompression;
  readonly signalCompression: Slow5SignalCompression;
  readonly auxFields: readonly Slow5AuxField[];
  readonly readGroupCount: number;
}

/**
 * Whole stored records, still compressed, in one buffer: record i is `bytes[ends[i-1], ends[i])`
 * (from 0 for the first) and started at `fileOffsets[i]` in the file; `firstRecord` numbers them
 * for error messages. Top-level typed arrays only, so an engine block carries it without copies.
 */
export interface StoredRecordBatch {
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
  readonly fileOffsets: Float64Array;
  readonly firstRecord: number;
}

/** Decodes the records of a stored batch (on any thread). */
export function decodeSlow5Batch(batch: StoredRecordBatch, layout: Slow5Layout): Slow5Record[] {
  const auxTypes = auxTypesOf(layout.auxFields, layout.file);
  const records = new Array<Slow5Record>(batch.ends.length);
  let start = 0;
  for (let i = 0; i < batch.ends.length; i++) {
    const end = batch.ends[i]!;
    const stored = batch.bytes.subarray(start, end);
    const origin = { file: layout.file, location: location(batch.firstRecord + i, batch.fileOffsets[i]!) };
    if (layout.format === 'slow5') {
      records[i] = parseRecordText(decoder.decode(stored), auxTypes, layout.readGroupCount, origin);
    } else {
      const body = decompressRecordBody(stored, layout.recordCompression, origin);
      records[i] = decodeRecordBody(body, auxTypes, layout.signalCompression, layout.readGroupCount, origin);
    }
    start = end;
  }
  return records;
}

function location(recordNumber: number, offset: number): string {
  return `record ${recordNumber} at byte offset ${offset}`;
}

class Slow5FileReader implements Slow5File {
  private started = false;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly input: ChunkedInput,
    readonly opened: OpenedSlow5,
  ) {}

  get header(): Slow5Header {
    return this.opened.header;
  }
  get format(): 'slow5' | 'blow5' {
    return this.opened.format;
  }
  get recordCompression(): Slow5RecordCompression {
    return this.opened.recordCompression;
  }
  get signalCompression(): Slow5SignalCompression {
    return this.opened.signalCompression;
  }

  /** The stored records in order, undecoded (the index and records() share this walk). */
  async *storedRecords(): AsyncGenerator<StoredRecord> {
    if (this.closed) throw new Error('Slow5File read after close()');
    if (this.started) {
      // A second pass: start again from the first record where the source can seek.
      if (!this.input.source.seekable) throw new HtsError('cannot read the records of stdin twice', this.opened.name);
      this.input.reset(this.opened.firstRecordOffset);
    }
    this.started = true;
    yield* this.opened.format === 'blow5' ? blow5Records(this.input, this.opened.name) : slow5Lines(this.input, this.opened.name);
  }

  async *records(): AsyncGenerator<Slow5Record> {
    const { name, auxTypes, recordCompression, signalCompression, header } = this.opened;
    const groups = header.readGroups.length;
    let recordNumber = 0;
    for await (const stored of this.storedRecords()) {
      const origin = { file: name, location: location(recordNumber, stored.offset) };
      recordNumber++;
      if (this.opened.format === 'slow5') {
        yield parseRecordText(decoder.decode(stored.bytes), auxTypes, groups, origin);
      } else {
        const body = decompressRecordBody(stored.bytes, recordCompression, origin);
        yield decodeRecordBody(body, auxTypes, signalCompression, groups, origin);
      }
    }
  }

  /** The file's size when known (regular files), for progress. */
  get sizeBytes(): number | undefined {
    return this.input.source.sizeBytes;
  }

  /** The decoding layout of this file (for decodeSlow5Batch). */
  get layout(): Slow5Layout {
    const { name, format, recordCompression, signalCompression, header } = this.opened;
    return {
      file: name,
      format,
      recordCompression,
      signalCompression,
      auxFields: header.auxFields,
      readGroupCount: header.readGroups.length,
    };
  }

  /**
   * The stored records gathered into batches of about `batchBytes` (a record larger than that is a
   * batch of its own), for decoding elsewhere, e.g. on the engine's worker threads.
   * `allocate` gives the batch buffers (the engine's pool); by default new ones.
   */
  async *storedBatches(
    batchBytes: number,
    allocate: (bytes: number) => Uint8Array = (bytes) => new Uint8Array(bytes),
  ): AsyncGenerator<StoredRecordBatch> {
    let pending: StoredRecord[] = [];
    let pendingBytes = 0;
    let recordNumber = 0;
    const flush = (): StoredRecordBatch => {
      const bytes = allocate(pendingBytes).subarray(0, pendingBytes);
      const ends = new Uint32Array(pending.length);
      const fileOffsets = new Float64Array(pending.length);
      let at = 0;
      pending.forEach((stored, i) => {
        bytes.set(stored.bytes, at);
        at += stored.bytes.length;
        ends[i] = at;
        fileOffsets[i] = stored.offset;
      });
      const batch = { bytes, ends, fileOffsets, firstRecord: recordNumber };
      recordNumber += pending.length;
      pending = [];
      pendingBytes = 0;
      return batch;
    };
    for await (const stored of this.storedRecords()) {
      if (pending.length > 0 && pendingBytes + stored.bytes.length > batchBytes) yield flush();
      pending.push(stored);
      pendingBytes += stored.bytes.length;
    }
    if (pending.length > 0) yield flush();
  }

  /** Read ids with the offset and size slow5lib's index gives them. */
  async *indexEntries(): AsyncGenerator<{ readId: string; offset: number; size: number }> {
    const { name, recordCompression } = this.opened;
    let recordNumber = 0;
    for await (const stored of this.storedRecords()) {
      const origin = { file: name, location: location(recordNumber, stored.offset) };
      recordNumber++;
      let readId: string;
      if (this.opened.format === 'slow5') {
        const tab = stored.bytes.indexOf(9);
        readId = decoder.decode(tab < 0 ? stored.bytes : stored.bytes.subarray(0, tab));
      } else {
        readId = readIdOfBody(decompressRecordBody(stored.bytes, recordCompression, origin), origin);
      }
      yield { readId, offset: stored.offset, size: stored.size };
    }
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.input.source.close();
    }
    return Promise.resolve();
  }
}

async function* blow5Records(input: ChunkedInput, name: string): AsyncGenerator<StoredRecord> {
  for (;;) {
    const offset = input.offset;
    const full = await input.fill(8);
    const head = input.view(Math.min(8, input.available));
    if (!full && head.length === BLOW5_EOF.length && BLOW5_EOF.every((byte, i) => head[i] === byte)) return;
    if (head.length >= BLOW5_EOF.length && BLOW5_EOF.every((byte, i) => head[i] === byte)) {
      throw new HtsError('malformed BLOW5: bytes follow the end-of-file marker 5WOLB', name, `byte offset ${offset + BLOW5_EOF.length}`);
    }
    if (!full) {
      const what =
        head.length === 0
          ? 'ends without the end-of-file marker 5WOLB'
          : `ends with ${head.length} bytes that are neither a record size nor the 5WOLB marker`;
      throw new HtsError(`truncated BLOW5 file: it ${what}`, name, `byte offset ${offset}`);
    }
    const view = new DataView(head.buffer, head.byteOffset, 8);
    const size = view.getBigUint64(0, true);
    const fileSize = input.source.sizeBytes;
    if (fileSize !== undefined && size > BigInt(fileSize - offset - 8)) {
      throw new HtsError(
        `corrupt BLOW5 record: its size ${size} runs past the end of the file (${fileSize - offset - 8} bytes left)`,
        name,
        `byte offset ${offset}`,
      );
    }
    if (size > BigInt(MAX_RECORD_BYTES)) {
      throw new HtsError(
        `corrupt BLOW5 record: size ${size} is past the ${MAX_RECORD_BYTES}-byte limit of one record`,
        name,
        `byte offset ${offset}`,
      );
    }
    const recordBytes = Number(size);
    if (!(await input.fill(8 + recordBytes))) {
      throw new HtsError(
        `truncated BLOW5 record: ${recordBytes} bytes stated, ${input.available - 8} present`,
        name,
        `byte offset ${offset}`,
      );
    }
    input.skip(8);
    yield { offset, size: 8 + recordBytes, bytes: input.take(recordBytes) };
  }
}

async function* slow5Lines(input: ChunkedInput, name: string): AsyncGenerator<StoredRecord> {
  for (;;) {
    const offset = input.offset;
    const full = await nextLineBytes(input);
    if (full === undefined) return;
    if (!full.complete) throw new HtsError('truncated SLOW5 file: the last record has no newline', name, `byte offset ${offset}`);
    yield { offset, size: full.bytes.length + 1, bytes: full.bytes };
  }
}

/** The next line's bytes (for records: decoding waits for the consumer). */
async function nextLineBytes(input: ChunkedInput): Promise<{ bytes: Uint8Array; complete: boolean } | undefined> {
  let searched = 0;
  for (;;) {
    const window = input.view();
    const newline = window.indexOf(10, searched);
    if (newline >= 0) {
      const bytes = input.take(newline);
      input.skip(1);
      return { bytes, complete: true };
    }
    searched = window.length;
    if (input.atEnd) return window.length === 0 ? undefined : { bytes: input.take(window.length), complete: false };
    await input.fill(input.available + READ_CHUNK_BYTES);
  }
}

/** Reads the header of a SLOW5 text or BLOW5 source, leaving `input` at the first record. */
async function readHeader(input: ChunkedInput, name: string): Promise<OpenedSlow5> {
  await input.fill(BLOW5_HEADER_TEXT_OFFSET);
  if (input.available === 0) throw new HtsError('empty file: not SLOW5 or BLOW5', name, 'byte offset 0');
  if (isBlow5Magic(input.view())) {
    if (input.available < BLOW5_HEADER_TEXT_OFFSET) {
      throw new HtsError(
        `truncated BLOW5 header: ${input.available} bytes, the fixed part alone is ${BLOW5_HEADER_TEXT_OFFSET}`,
        name,
        `byte offset ${input.available}`,
      );
    }
    const prefix = decodeBlow5Prefix(input.view(BLOW5_HEADER_TEXT_OFFSET), name);
    const textEnd = BLOW5_HEADER_TEXT_OFFSET + prefix.headerTextBytes;
    if (prefix.headerTextBytes > MAX_HEADER_TEXT_BYTES) {
      throw new HtsError(
        `corrupt BLOW5 header: a header text of ${prefix.headerTextBytes} bytes (at most ${MAX_HEADER_TEXT_BYTES} are read)`,
        name,
        'byte offset 64',
      );
    }
    if (input.source.sizeBytes !== undefined && textEnd > input.source.sizeBytes) {
      throw new HtsError(
        `truncated BLOW5 header: its text of ${prefix.headerTextBytes} bytes runs past the end of the file`,
        name,
        'byte offset 64',
      );
    }
    if (!(await input.fill(textEnd))) {
      throw new HtsError(
        `truncated BLOW5 header: its text of ${prefix.headerTextBytes} bytes runs past the end of the file`,
        name,
        'byte offset 64',
      );
    }
    input.skip(BLOW5_HEADER_TEXT_OFFSET);
    const text = decoder.decode(input.take(prefix.headerTextBytes));
    if (!text.endsWith('\n'))
      throw new HtsError('malformed BLOW5 header: its text does not end with a newline', name, `byte offset ${textEnd - 1}`);
    const lines: HeaderLine[] = [];
    let at = BLOW5_HEADER_TEXT_OFFSET;
    for (const line of text.slice(0, -1).split('\n')) {
      lines.push({ text: line, offset: at });
      at += Buffer.byteLength(line) + 1;
    }
    const body = parseHeaderBody(lines, prefix.readGroupCount, name);
    return {
      name,
      header: { version: prefix.version, readGroups: body.readGroups, auxFields: body.auxFields },
      format: 'blow5',
      recordCompression: prefix.recordCompression,
      signalCompression: prefix.signalCompression,
      auxTypes: body.auxTypes,
      firstRecordOffset: textEnd,
    };
  }
  const head = input.view(Math.min(input.available, 16));
  if (head[0] !== 0x23 /* '#' */) {
    throw new HtsError(
      `not a SLOW5 or BLOW5 file: it starts with ${quoted(String.fromCharCode(...head))}, not BLOW5\\1 or #slow5_version`,
      name,
      'byte offset 0',
    );
  }
  const nextLine = async (): Promise<HeaderLine> => {
    const line = await input.line();
    if (!line || !line.complete)
      throw new HtsError('truncated SLOW5 header: the file ends before the #read_id column line', name, `byte offset ${input.offset}`);
    return line;
  };
  const version = parseVersionLine(await nextLine(), name);
  const readGroupCount = parseReadGroupCountLine(await nextLine(), name);
  const lines: HeaderLine[] = [];
  for (;;) {
    const line = await nextLine();
    lines.push(line);
    if (line.text.startsWith('#read_id')) break;
    if (!line.text.startsWith('@') && !line.text.startsWith('#')) {
      throw new HtsError(`malformed SLOW5 header: ${quoted(line.text)} is not an @attribute or # line`, name, `byte offset ${line.offset}`);
    }
  }
  const body = parseHeaderBody(lines, readGroupCount, name);
  return {
    name,
    header: { version, readGroups: body.readGroups, auxFields: body.auxFields },
    format: 'slow5',
    recordCompression: 'none',
    signalCompression: 'none',
    auxTypes: body.auxTypes,
    firstRecordOffset: input.offset,
  };
}

/** Opens a SLOW5 text or BLOW5 file (sniffed from its first bytes) and reads its header; `-` is stdin. */
export async function openSlow5(path: string): Promise<Slow5File> {
  return openSlow5Reader(path);
}

/** openSlow5 with the internals the index needs. */
export async function openSlow5Reader(path: string): Promise<Slow5FileReader> {
  const source = openByteSource(path);
  const input = new ChunkedInput(source);
  try {
    const opened = await readHeader(input, source.name);
    return new Slow5FileReader(path, input, opened);
  } catch (error) {
    source.close();
    throw error;
  }
}

export type { Slow5FileReader };
