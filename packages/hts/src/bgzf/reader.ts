/**
 * Streaming BGZF reader: reads ~4 MiB of compressed bytes at a time, cuts them at block
 * boundaries, and inflates each run of whole blocks into one buffer (inflate.ts). The next read is
 * issued before the current chunk is inflated, so I/O overlaps CPU.
 *
 * Integrity: every block's ISIZE and CRC32 are checked; a stream that ends inside a block, or
 * without the EOF marker block, is an error naming the file and byte offset.
 */
import { HtsError } from '../errors.js';
import { type ByteSource, openByteSource } from '../io/byte-source.js';
import { MAX_BLOCK_SIZE } from './block.js';
import { concatBytes } from '../bytes.js';
import { completeBlocksLength, inflateChunk, type InflatedChunk } from './inflate.js';

/** Compressed bytes per read. 4 MiB: the prototype's measured sweet spot (node-toolchain.md §5). */
export const READ_CHUNK_BYTES = 4 << 20;

export interface BgzfReadOptions {
  /** Start at this compressed offset (seekable sources only). */
  startFileOffset?: number;
  /** Require the EOF marker block at the end (default true; off for partial reads of a region). */
  requireEofBlock?: boolean;
  /** Stop after the chunk that reaches this compressed offset (region queries). */
  stopAfterFileOffset?: number;
  verifyCrc?: boolean;
  readChunkBytes?: number;
  /**
   * Recycle inflated buffers: a chunk's data stays valid only until the chunk after next is
   * inflated. For consumers that finish with each chunk (or copy what they keep) before asking
   * for the one after next; it saves the cost of fresh memory.
   */
  recycleBuffers?: boolean;
  /** Where read buffers come from (the engine's pool); default: new ones. */
  allocate?: (bytes: number) => Uint8Array;
}

/** Fills `into` unless the input ends first (pipes deliver 64 KiB at a time). */
async function readFully(source: ByteSource, into: Uint8Array): Promise<number> {
  let filled = 0;
  while (filled < into.length) {
    const n = await source.read(into.subarray(filled));
    if (n === 0) break;
    filled += n;
  }
  return filled;
}

/** Compressed chunks of whole blocks, in file order; the raw material for inflateChunk. */
export async function* compressedChunks(
  source: ByteSource,
  options: BgzfReadOptions = {},
): AsyncGenerator<{ bytes: Uint8Array; fileOffset: number }> {
  const chunkBytes = options.readChunkBytes ?? READ_CHUNK_BYTES;
  let fileOffset = options.startFileOffset ?? 0;
  if (fileOffset !== 0) source.seek(fileOffset);
  let carry: Uint8Array = new Uint8Array(0);
  const allocate = options.allocate ?? ((bytes: number) => new Uint8Array(bytes));
  let buffer = allocate(chunkBytes + MAX_BLOCK_SIZE);
  let pendingRead = readFully(source, buffer.subarray(0, chunkBytes));
  for (;;) {
    const bytesRead = await pendingRead;
    const filled = carry.length + bytesRead;
    if (bytesRead === 0) {
      if (carry.length > 0) throw new HtsError('truncated BGZF block (file ends inside a block)', source.name, `byte offset ${fileOffset}`);
      return;
    }
    const whole = completeBlocksLength(buffer, filled, source.name, fileOffset);
    // Carry the partial block into the next buffer and start reading behind it at once.
    const next = allocate(chunkBytes + MAX_BLOCK_SIZE);
    const partial = buffer.subarray(whole, filled);
    next.set(partial);
    carry = next.subarray(0, partial.length);
    const done = options.stopAfterFileOffset !== undefined && fileOffset + whole > options.stopAfterFileOffset;
    if (!done) {
      pendingRead = readFully(source, next.subarray(partial.length, partial.length + chunkBytes));
      // If our consumer stops before awaiting it, a failing read must not become an unhandled rejection.
      pendingRead.catch(() => {});
    }
    if (whole > 0) {
      yield { bytes: buffer.subarray(0, whole), fileOffset };
      fileOffset += whole;
    }
    if (done) return;
    buffer = next;
  }
}

/** Inflated chunks of a BGZF source, in order, with the EOF-marker check at the end. */
export async function* inflatedChunks(source: ByteSource, options: BgzfReadOptions = {}): AsyncGenerator<InflatedChunk> {
  let last: InflatedChunk | undefined;
  let sawAny = false;
  // Two buffers in turn: the consumer may still read chunk k while chunk k+1 is being made.
  const recycled: (Uint8Array | undefined)[] = [undefined, undefined];
  let turn = 0;
  for await (const chunk of compressedChunks(source, options)) {
    sawAny = true;
    const reuse = options.recycleBuffers ? recycled[turn] : undefined;
    last = inflateChunk({ bytes: chunk.bytes, fileOffset: chunk.fileOffset, file: source.name }, options.verifyCrc ?? true, reuse);
    if (options.recycleBuffers && last.data.buffer !== reuse?.buffer) {
      recycled[turn] = new Uint8Array(last.data.buffer, last.data.byteOffset, last.data.buffer.byteLength - last.data.byteOffset);
    }
    turn ^= 1;
    yield last;
  }
  if (options.stopAfterFileOffset !== undefined) return;
  if (!sawAny) throw new HtsError('empty file, not BGZF', source.name, 'byte offset 0');
  if ((options.requireEofBlock ?? true) && !last?.endsWithEofBlock) {
    throw new HtsError('missing BGZF EOF marker block: the file is truncated', source.name, `byte offset ${last?.endFileOffset ?? 0}`);
  }
}

/** Reads a whole BGZF file (or stdin) into one buffer: for small inputs and tests. */
export async function readBgzfFile(path: string): Promise<Uint8Array> {
  const source = openByteSource(path);
  try {
    const parts: Uint8Array[] = [];
    for await (const chunk of inflatedChunks(source)) parts.push(chunk.data);
    return concatBytes(parts);
  } finally {
    source.close();
  }
}
