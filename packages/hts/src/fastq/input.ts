/**
 * Sequence input for FASTQ tools: one file (or stdin) → reads, whatever its compression and format.
 *
 * Compression is told by magic bytes, never by the name: gzip (`1f 8b`, several members too, BGZF
 * included), zstd (`28 b5 2f fd`, several frames too), or none. Gzip is inflated by Node's zlib
 * stream, which runs in libuv's thread pool: two mates read at once inflate on two threads while
 * the main thread parses. The format is told by the first decompressed byte(s): `@` FASTQ, `>`
 * FASTA, `BAM\1` BAM.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { HtsError } from '../errors.js';
import { describeFsError } from '../io/byte-source.js';
import { ZstdDecompressor } from '../compress/zstd.js';
import { BamReader } from '../bam/reader.js';
import { FastqParser, printable } from './parse.js';
import { FastaParser } from './fasta.js';
import { pushRead, type ReadsBlock } from './reads.js';

export type SequenceCompression = 'raw' | 'gzip' | 'zstd';
export type SequenceFormat = 'fastq' | 'fasta' | 'bam';

export interface SequenceInputOptions {
  /** The quality byte given to every FASTA base (mbf: a number 0..255 or one character); FASTA input is refused without it. */
  fastaFakeQuality?: number;
  /** BAM input: which records to take (mbf makes both explicit). */
  bamIncludeMapped?: boolean;
  bamIncludeUnmapped?: boolean;
  /** Raw read size in bytes (tests use small ones to cut records at every position). */
  readBytes?: number;
  /** What `-` reads (defaults to process.stdin). */
  stdin?: AsyncIterable<Uint8Array>;
}

/** Reads of one file, taken a block at a time. */
export interface SequenceFileReader {
  readonly name: string;
  readonly format: SequenceFormat;
  readonly compression: SequenceCompression;
  /** Appends up to `max` reads to `block`; returns how many (0: the file is exhausted). */
  take(block: ReadsBlock, max: number): Promise<number>;
  close(): void;
}

export const STDIN_NAME = 'stdin';
const RAW_READ_BYTES = 1 << 20;

/** Raw bytes of a file or stdin (`-`), with a count of bytes delivered so far. */
function rawChunks(
  path: string,
  readBytes: number,
  stdin?: AsyncIterable<Uint8Array>,
): { chunks: AsyncGenerator<Uint8Array>; consumed: () => number; close: () => void } {
  let consumed = 0;
  let stream: AsyncIterable<Uint8Array> & { destroy?: () => void };
  if (path === '-') stream = stdin ?? process.stdin;
  else {
    try {
      const stat = fs.statSync(path);
      if (stat.isDirectory()) throw new HtsError('is a directory, not a file', path);
    } catch (error) {
      if (error instanceof HtsError) throw error;
      throw new HtsError(describeFsError(error), path);
    }
    stream = fs.createReadStream(path, { highWaterMark: readBytes });
  }
  const name = path === '-' ? STDIN_NAME : path;
  let closed = false;
  async function* generate(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of stream) {
        consumed += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    } catch (error) {
      // Closed on purpose (a Head reached): the pending read ends, quietly.
      if (closed) return;
      if (error instanceof HtsError) throw error;
      throw new HtsError(describeFsError(error), name);
    }
  }
  return {
    chunks: generate(),
    consumed: () => consumed,
    close: () => {
      closed = true;
      if (path !== '-') stream.destroy?.();
    },
  };
}

export function sniffCompression(first: Uint8Array): SequenceCompression {
  if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) return 'gzip';
  if (first.length >= 4 && first[0] === 0x28 && first[1] === 0xb5 && first[2] === 0x2f && first[3] === 0xfd) return 'zstd';
  return 'raw';
}

/** Decompressed chunks of a file; errors name the file and the compressed byte offset. */
export async function openDecompressed(
  path: string,
  readBytes = RAW_READ_BYTES,
  stdin?: AsyncIterable<Uint8Array>,
): Promise<{ name: string; compression: SequenceCompression; chunks: AsyncGenerator<Uint8Array>; close: () => void }> {
  const name = path === '-' ? STDIN_NAME : path;
  const raw = rawChunks(path, readBytes, stdin);
  const first = await raw.chunks.next();
  const head: Uint8Array = first.done ? new Uint8Array(0) : first.value;
  const compression = sniffCompression(head);
  async function* all(): AsyncGenerator<Uint8Array> {
    if (head.length) yield head;
    yield* raw.chunks;
  }
  if (compression === 'raw') return { name, compression, chunks: all(), close: raw.close };
  if (compression === 'zstd') {
    async function* zstd(): AsyncGenerator<Uint8Array> {
      const decompressor = new ZstdDecompressor();
      try {
        for await (const chunk of all()) {
          let pieces: Uint8Array[];
          try {
            pieces = decompressor.push(chunk);
          } catch (error) {
            throw new HtsError((error as Error).message, name, `compressed byte offset ≤ ${raw.consumed()}`);
          }
          for (const piece of pieces) yield piece;
        }
        try {
          decompressor.end();
        } catch (error) {
          throw new HtsError((error as Error).message, name, `compressed byte offset ${raw.consumed()}`);
        }
      } finally {
        decompressor.close();
      }
    }
    return { name, compression, chunks: zstd(), close: raw.close };
  }
  const gunzip = zlib.createGunzip({ chunkSize: 1 << 18 });
  let closed = false;
  const source = Readable.from(all(), { objectMode: false });
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  async function* gzip(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
    } catch (error) {
      if (closed) return;
      if (error instanceof HtsError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'Z_BUF_ERROR')
        throw new HtsError('truncated gzip data: the file ends inside a gzip member', name, `compressed byte offset ${raw.consumed()}`);
      throw new HtsError(`corrupt gzip data: ${(error as Error).message}`, name, `compressed byte offset ≤ ${raw.consumed()}`);
    }
  }
  return {
    name,
    compression,
    chunks: gzip(),
    close: () => {
      closed = true;
      source.destroy();
      gunzip.destroy();
      raw.close();
    },
  };
}

/** Opens a sequence file (`-` for stdin) and tells its compression and format. */
export async function openSequenceFile(path: string, options: SequenceInputOptions = {}): Promise<SequenceFileReader> {
  const input = await openDecompressed(path, options.readBytes, options.stdin);
  let first = await input.chunks.next();
  while (!first.done && first.value.length === 0) first = await input.chunks.next();
  const head: Uint8Array = first.done ? new Uint8Array(0) : first.value;
  const isBam = head.length >= 4 && head[0] === 66 && head[1] === 65 && head[2] === 77 && head[3] === 1;
  if (isBam) {
    input.close();
    if (path === '-') throw new HtsError('BAM input from stdin is not supported; give the file', STDIN_NAME);
    return openBamReads(path, options);
  }
  async function* rest(): AsyncGenerator<Uint8Array> {
    if (head.length) yield head;
    yield* input.chunks;
  }
  const chunks = rest();
  let format: SequenceFormat = 'fastq';
  if (head.length && head[0] === 62) format = 'fasta';
  else if (head.length && head[0] !== 64) {
    input.close();
    throw new HtsError(`not FASTQ, FASTA or BAM: the data starts with '${printable(head[0]!)}'`, input.name, 'byte offset 0');
  }
  if (format === 'fasta' && options.fastaFakeQuality === undefined) {
    input.close();
    throw new HtsError(
      'FASTA input needs input.options.fasta_fake_quality (the quality character, or its byte value, given to every base)',
      input.name,
    );
  }
  const parser = format === 'fastq' ? new FastqParser(input.name) : new FastaParser(input.name, options.fastaFakeQuality!);
  let ended = false;
  let closedByCaller = false;
  return {
    name: input.name,
    format,
    compression: input.compression,
    async take(block, max) {
      let taken = 0;
      for (;;) {
        taken += parser.take(block, max - taken);
        if (taken >= max || ended) return taken;
        const next = await chunks.next();
        if (closedByCaller) return taken;
        if (next.done) {
          ended = true;
          parser.end();
        } else parser.push(next.value);
      }
    },
    close: () => {
      closedByCaller = true;
      input.close();
    },
  };
}

async function openBamReads(path: string, options: SequenceInputOptions): Promise<SequenceFileReader> {
  if (options.bamIncludeMapped === undefined || options.bamIncludeUnmapped === undefined) {
    throw new HtsError('BAM input needs input.options.bam_include_mapped and bam_include_unmapped (true or false each)', path);
  }
  const includeMapped = options.bamIncludeMapped;
  const includeUnmapped = options.bamIncludeUnmapped;
  const reader = await BamReader.open(path);
  const batches = reader.batches();
  let pending: { batch: import('../bam/reader.js').RecordBatch; next: number } | undefined;
  let recordNumber = 0;
  return {
    name: path,
    format: 'bam',
    compression: 'gzip',
    async take(block, max) {
      let taken = 0;
      while (taken < max) {
        if (!pending || pending.next >= pending.batch.count) {
          const next = await batches.next();
          if (next.done) return taken;
          pending = { batch: next.value, next: 0 };
          continue;
        }
        const record = pending.batch.record(pending.next++);
        recordNumber++;
        const mapped = record.refId >= 0;
        if (mapped ? !includeMapped : !includeUnmapped) continue;
        if (!record.hasQualities && record.seqLength > 0) {
          throw new HtsError('BAM record has no base qualities (QUAL is *); FASTQ needs them', path, `record ${recordNumber}`);
        }
        const seq = new TextEncoder().encode(record.sequence());
        const quals = record.qualities().slice();
        for (let k = 0; k < quals.length; k++) quals[k] = quals[k]! + 33;
        pushRead(block, new TextEncoder().encode(record.readName), seq, quals);
        taken++;
      }
      return taken;
    },
    close: () => reader.close(),
  };
}
