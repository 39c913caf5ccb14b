/**
 * BGZF writer: fills blocks to 0xff00 inflated bytes (as htslib does), compresses each with
 * libdeflate where it loads, and ends the stream with the EOF marker block. It tracks virtual
 * offsets, so a BAM writer can index records as it writes them.
 */
import { WRITER_BLOCK_DATA_SIZE, EOF_BLOCK } from './block.js';
import { deflateBackend } from './native.js';
import type { ByteSink } from '../io/output.js';

/** Compressed bytes gathered before one write to the sink. */
const SINK_WRITE_BYTES = 1 << 20;

/** Compresses one block of at most 64 KiB into a complete BGZF block. Pure; runs on any thread. */
export function compressBlock(data: Uint8Array, level: number): Uint8Array {
  const backend = deflateBackend();
  // Incompressible data grows by a few bytes per 64 KiB; stored blocks (level 0) always fit.
  const out = new Uint8Array(18 + data.length + 1024 + 8);
  let size = backend.deflateRaw(data, out.subarray(18, out.length - 8), level);
  if (size === 0 || size + 26 > 65536) size = backend.deflateRaw(data, out.subarray(18, out.length - 8), 0);
  const total = 18 + size + 8;
  out.set([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 66, 67, 2, 0, (total - 1) & 0xff, (total - 1) >> 8]);
  const view = new DataView(out.buffer, out.byteOffset);
  view.setUint32(18 + size, backend.crc32(data), true);
  view.setUint32(18 + size + 4, data.length, true);
  return out.subarray(0, total);
}

export interface BgzfWriterOptions {
  /** DEFLATE level 0-12 (libdeflate) or 0-9 (zlib); default 6, as htslib's default. */
  level?: number;
}

export class BgzfWriter {
  private readonly level: number;
  private block = new Uint8Array(WRITER_BLOCK_DATA_SIZE);
  private blockFill = 0;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Compressed bytes emitted so far (written or pending): the coffset of the current block. */
  private compressedOffset = 0;

  constructor(
    private readonly sink: ByteSink,
    options: BgzfWriterOptions = {},
  ) {
    this.level = options.level ?? 6;
  }

  /** Virtual offset of the next byte written. */
  get virtualOffset(): number {
    return this.compressedOffset * 65536 + this.blockFill;
  }

  async write(data: Uint8Array): Promise<void> {
    let at = 0;
    while (at < data.length) {
      const n = Math.min(data.length - at, WRITER_BLOCK_DATA_SIZE - this.blockFill);
      this.block.set(data.subarray(at, at + n), this.blockFill);
      this.blockFill += n;
      at += n;
      if (this.blockFill === WRITER_BLOCK_DATA_SIZE) this.flushBlock();
    }
    if (this.pendingBytes >= SINK_WRITE_BYTES) await this.flushPending();
  }

  /**
   * Ends the current block early so the next byte starts a new one. BAM writers call it after the
   * header, as htslib does, so readers can seek straight to the first record.
   */
  flushBlock(): void {
    if (this.blockFill === 0) return;
    this.emit(compressBlock(this.block.subarray(0, this.blockFill), this.level));
    this.blockFill = 0;
  }

  /** Flushes, writes the EOF marker and commits the sink (renaming a temporary file into place). */
  async close(): Promise<void> {
    this.flushBlock();
    this.emit(EOF_BLOCK);
    await this.flushPending();
    await this.sink.commit();
  }

  abort(): void {
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
