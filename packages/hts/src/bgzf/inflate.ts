/**
 * Inflating a run of whole BGZF blocks: a pure function of its input, so the engine can run it on
 * any worker thread (the buffers it takes and returns are transferable).
 */
import { HtsError } from '../errors.js';
import { blockSizeAt, isEofBlock, layoutBlock } from './block.js';
import { deflateBackend } from './native.js';

/** Whole BGZF blocks as read from a file, and where they came from. */
export interface CompressedChunk {
  bytes: Uint8Array;
  /** Compressed file offset of bytes[0]. */
  fileOffset: number;
  file: string;
}

/** The inflated data of a CompressedChunk, with each block's place in both coordinate systems. */
export interface InflatedChunk {
  data: Uint8Array;
  blockCount: number;
  /** Compressed file offset of each block. */
  blockFileOffsets: Float64Array;
  /** Offset of each block's first inflated byte in `data`. */
  blockDataStarts: Uint32Array;
  /** Compressed file offset just past the last block. */
  endFileOffset: number;
  /** Whether the chunk's last block is the 28-byte EOF marker. */
  endsWithEofBlock: boolean;
}

/** Length of the prefix of `bytes[0, end)` made of complete blocks. */
export function completeBlocksLength(bytes: Uint8Array, end: number, file: string, fileOffset: number): number {
  let at = 0;
  for (;;) {
    const size = blockSizeAt(bytes, at, end, file, fileOffset);
    if (size < 0 || at + size > end) return at;
    at += size;
  }
}

/**
 * Inflates every block of `chunk`. `output`, when given, supplies the buffer for the inflated
 * data (a recycled one, or a spare from the engine's pool): fresh buffers cost the page faults and
 * zero-filling of ~600 MB of new memory per GB of BAM (BENCHMARKS.md).
 */
export function inflateChunk(
  chunk: CompressedChunk,
  verifyCrc = true,
  output?: Uint8Array | ((bytes: number) => Uint8Array),
): InflatedChunk {
  const { bytes, file, fileOffset } = chunk;
  const layouts = [];
  let totalInflated = 0;
  for (let at = 0; at < bytes.length;) {
    const size = blockSizeAt(bytes, at, bytes.length, file, fileOffset);
    if (size < 0 || at + size > bytes.length) throw new HtsError('truncated BGZF block', file, `byte offset ${fileOffset + at}`);
    const layout = layoutBlock(bytes, at, size, file, fileOffset);
    layouts.push(layout);
    totalInflated += layout.inflatedSize;
    at += size;
  }
  const backend = deflateBackend();
  const supplied = typeof output === 'function' ? output(totalInflated) : output;
  const data = supplied && supplied.length >= totalInflated ? supplied.subarray(0, totalInflated) : new Uint8Array(totalInflated);
  const blockFileOffsets = new Float64Array(layouts.length);
  const blockDataStarts = new Uint32Array(layouts.length);
  let written = 0;
  for (let i = 0; i < layouts.length; i++) {
    const block = layouts[i]!;
    blockFileOffsets[i] = fileOffset + block.start;
    blockDataStarts[i] = written;
    const out = data.subarray(written, written + block.inflatedSize);
    const produced = backend.inflateRaw(bytes.subarray(block.dataStart, block.dataStart + block.dataSize), out);
    if (produced !== block.inflatedSize) {
      throw new HtsError('corrupt BGZF block (DEFLATE data does not inflate to ISIZE)', file, `byte offset ${fileOffset + block.start}`);
    }
    if (verifyCrc && backend.crc32(out) !== block.crc32) {
      throw new HtsError('corrupt BGZF block (CRC32 mismatch)', file, `byte offset ${fileOffset + block.start}`);
    }
    written += block.inflatedSize;
  }
  const last = layouts[layouts.length - 1];
  return {
    data,
    blockCount: layouts.length,
    blockFileOffsets,
    blockDataStarts,
    endFileOffset: fileOffset + bytes.length,
    endsWithEofBlock: last !== undefined && isEofBlock(bytes, last.start, last.size),
  };
}

/** Virtual offset of position `dataOffset` of an inflated chunk (binary search over its blocks). */
export function virtualOffsetInChunk(chunk: InflatedChunk, dataOffset: number): number {
  let lo = 0;
  let hi = chunk.blockCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (chunk.blockDataStarts[mid]! <= dataOffset) lo = mid;
    else hi = mid - 1;
  }
  // A position exactly at the end of a block is the start of the next one (htslib's convention);
  // callers ask for record starts, which lie in a non-empty block, so the search is exact.
  return chunk.blockFileOffsets[lo]! * 65536 + (dataOffset - chunk.blockDataStarts[lo]!);
}
