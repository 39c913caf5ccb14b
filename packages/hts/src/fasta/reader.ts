/**
 * Sequential FASTA reading: one `{name, description, sequence}` per `>` record, for tools
 * that walk every sequence once (contig statistics, k-mer scans). Random access lives in
 * indexed-reader.ts.
 *
 * Wrapping may be anything (ragged lines are fine here), `\n` and `\r\n` both work, blank
 * lines are ignored, and case is kept. Unlike random access, a gzip (or BGZF) FASTA is
 * simply decompressed on the fly, since a sequential reader never needs to seek.
 */
import { createReadStream, closeSync, readSync } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, gunzipSync } from 'node:zlib';
import { HtsError } from '../errors.js';
import { hasGzipMagic, openForReading } from '../text-file.js';

export interface FastaRecord {
  /** Header text after `>` up to the first space or tab. */
  name: string;
  /** Header text after the name and its separating whitespace; '' when there is none. */
  description: string;
  sequence: string;
}

export interface FastaReadOptions {
  /** Names the source in errors when it is a stream rather than a path. */
  file?: string;
}

/** 1 MiB reads: few syscalls, bounded memory. */
const READ_CHUNK_BYTES = 1 << 20;

/** Parses FASTA text held in memory. */
export function parseFasta(text: string, file?: string): FastaRecord[] {
  const assembler = new FastaRecordAssembler(file);
  const records: FastaRecord[] = [];
  for (const line of text.split('\n')) {
    const record = assembler.line(line);
    if (record) records.push(record);
  }
  const last = assembler.finish();
  if (last) records.push(last);
  return records;
}

/**
 * Reads FASTA records from a path or a byte stream (a Node Readable is one), yielding each
 * record as soon as the next header (or the end) is seen, so memory holds one record.
 */
export async function* readFastaRecords(
  source: string | AsyncIterable<Uint8Array | string>,
  options: FastaReadOptions = {},
): AsyncGenerator<FastaRecord> {
  const file = typeof source === 'string' ? source : options.file;
  const input = typeof source === 'string' ? openReadStream(source) : source;
  const assembler = new FastaRecordAssembler(file);
  const splitter = new LineSplitter();
  try {
    for await (const text of decodeChunks(input)) {
      for (const line of splitter.push(text)) {
        const record = assembler.line(line);
        if (record) yield record;
      }
    }
  } catch (error) {
    throw streamError(error, file);
  }
  for (const line of splitter.finish()) {
    const record = assembler.line(line);
    if (record) yield record;
  }
  const last = assembler.finish();
  if (last) yield last;
}

/** Synchronous record-by-record reading of a FASTA file (gzip read whole, then parsed). */
export function* readFastaFileSync(path: string): Generator<FastaRecord> {
  const fd = openForReading(path);
  const assembler = new FastaRecordAssembler(path);
  const splitter = new LineSplitter();
  const decoder = new StringDecoder('utf8');
  try {
    const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    let fileOffset = 0;
    for (;;) {
      const bytesRead = readSync(fd, chunk, 0, READ_CHUNK_BYTES, fileOffset);
      if (bytesRead === 0) break;
      const bytes = chunk.subarray(0, bytesRead);
      if (fileOffset === 0 && hasGzipMagic(bytes)) {
        yield* parseFasta(gunzipWhole(fd, path), path);
        return;
      }
      fileOffset += bytesRead;
      for (const line of splitter.push(decoder.write(bytes))) {
        const record = assembler.line(line);
        if (record) yield record;
      }
    }
  } finally {
    closeSync(fd);
  }
  for (const line of splitter.push(decoder.end())) {
    const record = assembler.line(line);
    if (record) yield record;
  }
  for (const line of splitter.finish()) {
    const record = assembler.line(line);
    if (record) yield record;
  }
  const last = assembler.finish();
  if (last) yield last;
}

/** Builds records from lines; shared by every entry point so they agree on every edge case. */
class FastaRecordAssembler {
  private lineNumber = 0;
  private name: string | undefined;
  private description = '';
  private sequenceParts: string[] = [];

  constructor(private readonly file: string | undefined) {}

  /** Feeds one line (without `\n`); returns the previous record when `line` starts a new one. */
  line(rawLine: string): FastaRecord | undefined {
    this.lineNumber++;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.startsWith('>')) {
      const previous = this.finish();
      const match = /^>([^ \t]*)[ \t]*(.*)$/.exec(line)!;
      if (match[1] === '') {
        throw new HtsError("header line has no sequence name after '>'", this.file, `line ${this.lineNumber}`);
      }
      this.name = match[1];
      this.description = match[2].trimEnd();
      return previous;
    }
    const bases = line.trimEnd();
    if (bases === '') return undefined;
    if (this.name === undefined) {
      throw new HtsError("sequence data before the first '>' header line; is this a FASTA file?", this.file, `line ${this.lineNumber}`);
    }
    this.sequenceParts.push(bases);
    return undefined;
  }

  /** Returns the record in progress, if any, and forgets it. */
  finish(): FastaRecord | undefined {
    if (this.name === undefined) return undefined;
    const record: FastaRecord = {
      name: this.name,
      description: this.description,
      sequence: this.sequenceParts.join(''),
    };
    this.name = undefined;
    this.description = '';
    this.sequenceParts = [];
    return record;
  }
}

/** Splits text arriving in arbitrary pieces into lines, holding back the unfinished one. */
class LineSplitter {
  private pending = '';

  push(text: string): string[] {
    if (text === '') return [];
    const lines = (this.pending + text).split('\n');
    this.pending = lines.pop()!;
    return lines;
  }

  finish(): string[] {
    const rest = this.pending;
    this.pending = '';
    return rest === '' ? [] : [rest];
  }
}

function openReadStream(path: string): Readable {
  // Opened synchronously so a missing file is an HtsError naming it, not a stream 'error' event.
  const fd = openForReading(path);
  return createReadStream(path, { fd, highWaterMark: READ_CHUNK_BYTES });
}

/** Decodes a byte stream to UTF-8 text, gunzipping it first when it starts with the gzip magic. */
async function* decodeChunks(input: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const iterator = input[Symbol.asyncIterator]();
  // Gather at least the two magic bytes before deciding; a stream may deliver them apart.
  const head: Uint8Array[] = [];
  let headBytes = 0;
  while (headBytes < 2) {
    const next = await iterator.next();
    if (next.done) break;
    if (typeof next.value === 'string') {
      // A stream with an encoding set is already text: nothing to sniff or decode.
      for (const part of head) yield Buffer.from(part).toString('utf8');
      yield next.value;
      for (let rest = await iterator.next(); !rest.done; rest = await iterator.next()) {
        yield typeof rest.value === 'string' ? rest.value : Buffer.from(rest.value).toString('utf8');
      }
      return;
    }
    head.push(next.value);
    headBytes += next.value.length;
  }
  if (headBytes === 0) return;
  const headBuffer = Buffer.concat(head);
  let bytes: AsyncIterable<Uint8Array | string> = rejoin(headBuffer, iterator);
  if (hasGzipMagic(headBuffer)) {
    bytes = pipeline(Readable.from(bytes, { objectMode: false }), createGunzip(), () => {
      // Errors surface through the iteration below; this callback only keeps pipeline quiet.
    });
  }
  const decoder = new StringDecoder('utf8');
  for await (const chunk of bytes) {
    yield typeof chunk === 'string' ? chunk : decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  const rest = decoder.end();
  if (rest !== '') yield rest;
}

async function* rejoin<T>(first: T, rest: AsyncIterator<T>): AsyncGenerator<T> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

function gunzipWhole(fd: number, path: string): string {
  const parts: Buffer[] = [];
  let fileOffset = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    const bytesRead = readSync(fd, chunk, 0, READ_CHUNK_BYTES, fileOffset);
    if (bytesRead === 0) break;
    parts.push(chunk.subarray(0, bytesRead));
    fileOffset += bytesRead;
  }
  try {
    return gunzipSync(Buffer.concat(parts)).toString('utf8');
  } catch (error) {
    throw new HtsError(`gzip data is corrupt: ${(error as Error).message}`, path);
  }
}

function streamError(error: unknown, file: string | undefined): unknown {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new HtsError(`gzip data is corrupt: ${(error as Error).message}`, file);
  }
  return error;
}
