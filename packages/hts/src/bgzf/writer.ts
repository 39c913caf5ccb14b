/**
 * BGZF writer: fills blocks to 0xff00 inflated bytes (as htslib does), compresses each with
 * libdeflate where it loads, and ends the stream with the EOF marker block.
 *
 * Compression runs inline, or — with `parallel` — on the engine's worker threads (the engine
 * package supplies the compressor, since this library does not depend on it): whole blocks are
 * batched, compressed anywhere, and written in order. Either way the writer records where every
 * block starts in both coordinate systems, so a BAM writer can index records by their uncompressed
 * positions and resolve them to virtual offsets once compressed sizes are known
 * (`resolveVirtualOffset`).
 */
import { WRITER_BLOCK_DATA_SIZE, EOF_BLOCK } from './block.js';
import { deflateBackend } from './native.js';
import type { ByteSink } from '../io/output.js';

/** Compressed bytes gathered before one write to the sink. */
const SINK_WRITE_BYTES = 1 << 20;
/** Blocks per batch handed to a parallel compressor (~1 MiB of input: a few ms of work per task). */
const BLOCKS_PER_BATCH = 16;

/** Compresses one block of at most 64 KiB into a complete BGZF block. Pure; runs on any thread. */
export function compressBlock(data: Uint8Array, level: number, out?: Uint8Array): Uint8Array {
  const backend = deflateBackend();
  // Incompressible data grows by a few bytes per 64 KiB; stored blocks (level 0) always fit.
  const capacity = 18 + data.length + 1024 + 8;
  const target = out && out.length >= capacity ? out : new Uint8Array(capacity);
  let size = backend.deflateRaw(data, target.subarray(18, capacity - 8), level);
  if (size === 0 || size + 26 > 65536) size = backend.deflateRaw(data, target.subarray(18, capacity - 8), 0);
  const total = 18 + size + 8;
  target.set([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 66, 67, 2, 0, (total - 1) & 0xff, (total - 1) >> 8]);
  const view = new DataView(target.buffer, target.byteOffset);
  view.setUint32(18 + size, backend.crc32(data), true);
  view.setUint32(18 + size + 4, data.length, true);
  return target.subarray(0, total);
}

/** Compressed size bound of one BGZF block holding `inflated` bytes. */
export function maxCompressedBlockSize(inflated: number): number {
  return 18 + inflated + 1024 + 8;
}

/** Compresses whole blocks off the writer's thread and writes them to the sink in order. */
export interface ParallelBlockCompressor {
  /** Takes concatenated blocks and their sizes; resolves when it can take more (backpressure). */
  submit(data: Uint8Array, blockSizes: Uint32Array): Promise<void>;
  /** Resolves once every submitted block is compressed and written. */
  finish(): Promise<void>;
  abort(): Promise<void>;
}

export type ParallelCompressorFactory = (
  sink: ByteSink,
  level: number,
  onCompressedSizes: (sizes: Uint32Array) => void,
) => ParallelBlockCompressor;

export interface BgzfWriterOptions {
  /** DEFLATE level 0-12 (libdeflate) or 0-9 (zlib); default 6, as htslib's default. */
  level?: number;
  /** Compress on worker threads (from @shoal/engine's parallelBgzfCompression). */
  parallel?: ParallelCompressorFactory;
}

export class BgzfWriter {
  private readonly level: number;
  private block = new Uint8Array(WRITER_BLOCK_DATA_SIZE);
  private blockFill = 0;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Compressed bytes emitted so far: the coffset of the next compressed block. */
  private compressedOffset = 0;
  /** Uncompressed bytes in completed blocks. */
  private uncompressedOffset = 0;
  /** Per block, in order: where it starts uncompressed, and (once known) compressed. */
  private readonly blockUncompressedStarts: number[] = [];
  private readonly blockCompressedStarts: number[] = [];
  private readonly parallel: ParallelBlockCompressor | undefined;
  private batch: Uint8Array | undefined;
  private batchFill = 0;
  private batchSizes: number[] = [];

  constructor(
    private readonly sink: ByteSink,
    options: BgzfWriterOptions = {},
  ) {
    this.level = options.level ?? 6;
    this.parallel = options.parallel?.(sink, this.level, (sizes) => {
      for (const size of sizes) {
        this.blockCompressedStarts.push(this.compressedOffset);
        this.compressedOffset += size;
      }
    });
  }

  /** Virtual offset of the next byte written (inline compression only; parallel writers resolve offsets at the end). */
  get virtualOffset(): number {
    if (this.parallel) throw new Error('virtualOffset is not known while compressing in parallel; use position and resolveVirtualOffset');
    return this.compressedOffset * 65536 + this.blockFill;
  }

  /** Position of the next byte in the uncompressed stream. */
  get position(): number {
    return this.uncompressedOffset + this.blockFill;
  }

  async write(data: Uint8Array): Promise<void> {
    let at = 0;
    while (at < data.length) {
      const n = Math.min(data.length - at, WRITER_BLOCK_DATA_SIZE - this.blockFill);
      this.block.set(data.subarray(at, at + n), this.blockFill);
      this.blockFill += n;
      at += n;
      if (this.blockFill === WRITER_BLOCK_DATA_SIZE) await this.endBlock();
    }
    if (this.pendingBytes >= SINK_WRITE_BYTES) await this.flushPending();
  }

  /**
   * Ends the current block early so the next byte starts a new one. BAM writers call it after the
   * header, as htslib does, so readers can seek straight to the first record.
   */
  async flushBlock(): Promise<void> {
    if (this.blockFill > 0) await this.endBlock();
  }

  private async endBlock(): Promise<void> {
    const size = this.blockFill;
    this.blockUncompressedStarts.push(this.uncompressedOffset);
    this.uncompressedOffset += size;
    this.blockFill = 0;
    if (!this.parallel) {
      this.blockCompressedStarts.push(this.compressedOffset);
      this.emit(compressBlock(this.block.subarray(0, size), this.level));
      return;
    }
    this.batch ??= new Uint8Array(BLOCKS_PER_BATCH * WRITER_BLOCK_DATA_SIZE);
    this.batch.set(this.block.subarray(0, size), this.batchFill);
    this.batchFill += size;
    this.batchSizes.push(size);
    if (this.batchSizes.length === BLOCKS_PER_BATCH) await this.submitBatch();
  }

  private async submitBatch(): Promise<void> {
    if (!this.parallel || this.batchSizes.length === 0) return;
    const data = this.batch!.subarray(0, this.batchFill);
    const sizes = Uint32Array.from(this.batchSizes);
    this.batch = undefined; // handed over (transferred to a worker)
    this.batchFill = 0;
    this.batchSizes = [];
    await this.parallel.submit(data, sizes);
  }

  /**
   * The virtual offset of uncompressed position `position`, once the blocks are compressed (after
   * close()). A position at a block boundary maps to the start of the next block, as in htslib.
   */
  resolveVirtualOffset(position: number): number {
    const starts = this.blockUncompressedStarts;
    let lo = 0;
    let hi = starts.length - 1;
    if (hi < 0 || position >= this.uncompressedOffset) return this.compressedOffset * 65536; // at the end: where the EOF block starts
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= position) lo = mid;
      else hi = mid - 1;
    }
    return this.blockCompressedStarts[lo]! * 65536 + (position - starts[lo]!);
  }

  /** Flushes, writes the EOF marker and commits the sink (renaming a temporary file into place). */
  async close(): Promise<void> {
    await this.finish();
    await this.commit();
  }

  /**
   * Flushes and writes the EOF marker, leaving the sink uncommitted: a writer whose file is
   * committed together with another (a BAM and its BAI) calls `finish`, then `commit`.
   */
  async finish(): Promise<void> {
    await this.flushBlock();
    if (this.parallel) {
      await this.submitBatch();
      await this.parallel.finish();
    }
    // The EOF block's offset is where resolveVirtualOffset puts the end of the data.
    const eofOffset = this.compressedOffset;
    this.emit(EOF_BLOCK);
    this.compressedOffset = eofOffset;
    await this.flushPending();
  }

  /** Renames a file sink's temporary file into place (after finish). */
  async commit(): Promise<void> {
    await this.sink.commit();
  }

  abort(): void {
    void this.parallel?.abort();
    this.sink.abort();
  }

  private emit(compressed: Uint8Array): void {
    this.pending.push(compressed);
    this.pendingBytes += compressed.length;
    this.compressedOffset += compressed.length;
  }

  private async flushPending(): Promise<void> {
    if (this.pending.length === 0) return;
    const joined = new Uint8Array(this.pendingBytes);
    let at = 0;
    for (const part of this.pending) {
      joined.set(part, at);
      at += part.length;
    }
    this.pending = [];
    this.pendingBytes = 0;
    await this.sink.write(joined);
  }
}
