/**
 * BAM writer over the BGZF writer. When asked to index (file output only), it builds the BAI as it
 * writes, from each record's virtual offsets; the BAM and `<path>.bai` are renamed into place
 * together (io/atomic.ts), and an unsorted record is an error that leaves neither file behind.
 */
import fs from 'node:fs';
import { HtsError } from '../errors.js';
import { BgzfWriter, type ParallelCompressorFactory } from '../bgzf/writer.js';
import { openOutput } from '../io/output.js';
import { requireRegularFile } from '../io/byte-source.js';
import { encodeBamHeader, type BamHeader } from './header.js';
import { BaiBuilder, serializeBai } from './bai/index.js';
import { encodeRecord, type BamRecord } from './record/owned.js';
import { BamRecordView, Flag } from './record/view.js';
import { AtomicFile, writeFileAtomic } from '../io/atomic.js';
import { describeVirtualOffset, readBatches } from './reader.js';

export interface BamWriterOptions {
  /** DEFLATE level (default 6). */
  level?: number;
  /** Compress on worker threads (from @shoal/engine's parallelBgzfCompression). */
  parallel?: ParallelCompressorFactory;
  /** Build `<path>.bai` while writing (records must be coordinate-sorted). */
  writeIndex?: boolean;
}

export class BamWriter {
  private readonly view = new BamRecordView();
  private recordCount = 0;
  private finished = false;
  private bai: AtomicFile | undefined;

  private constructor(
    private readonly path: string,
    private readonly bgzf: BgzfWriter,
    private readonly indexBuilder: BaiBuilder | undefined,
  ) {}

  static async open(path: string, header: BamHeader, options: BamWriterOptions = {}): Promise<BamWriter> {
    if (options.writeIndex && path === '-') throw new HtsError('cannot write an index for BAM on stdout');
    const bgzf = new BgzfWriter(openOutput(path), { level: options.level, parallel: options.parallel });
    const writer = new BamWriter(
      path,
      bgzf,
      options.writeIndex
        ? new BaiBuilder(
            header.references.length,
            path,
            header.references.map((r) => r.name),
          )
        : undefined,
    );
    try {
      await bgzf.write(encodeBamHeader(header));
      await bgzf.flushBlock();
    } catch (error) {
      bgzf.abort();
      throw error;
    }
    return writer;
  }

  get recordsWritten(): number {
    return this.recordCount;
  }

  /** Writes records already in BAM layout (block_size included), e.g. straight from a reader's batch. */
  async writeRecordBytes(bytes: Uint8Array): Promise<void> {
    if (this.indexBuilder) {
      // Indexed by uncompressed positions; close() resolves them to virtual offsets.
      const record = this.view.setPosition(bytes, 0);
      const start = this.bgzf.position;
      this.indexBuilder.add(
        record.refId,
        record.pos,
        record.alignmentEnd,
        (record.flag & Flag.Unmapped) !== 0,
        start,
        start + bytes.length,
        record.readName,
      );
      await this.bgzf.write(bytes);
    } else {
      await this.bgzf.write(bytes);
    }
    this.recordCount++;
  }

  async write(record: BamRecord): Promise<void> {
    await this.writeRecordBytes(encodeRecord(record));
  }

  /**
   * Finishes the BAM (EOF block) and its index, then renames both into place: the BAI is complete
   * under its temporary name before the BAM gets its final name, and a BAI that cannot be renamed
   * takes the BAM away again, so the two appear together or not at all.
   */
  async close(): Promise<void> {
    try {
      await this.finish();
    } catch (error) {
      this.abort();
      throw error;
    }
    await this.commit();
  }

  /** Writes the EOF block and the index, both closed under their temporary names (a group commit's first half). */
  async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.bgzf.finish();
    if (!this.indexBuilder) return;
    const bai = AtomicFile.create(`${this.path}.bai`);
    this.bai = bai;
    bai.write(serializeBai(this.indexBuilder.finish((position) => this.bgzf.resolveVirtualOffset(position))));
    bai.close();
  }

  /** Renames the BAM, then its BAI, into place (after finish); a BAI that cannot be renamed takes the BAM away again. */
  async commit(): Promise<void> {
    await this.finish();
    try {
      await this.bgzf.commit();
    } catch (error) {
      this.abort();
      throw error;
    }
    if (!this.bai) return;
    try {
      this.bai.commit();
    } catch (error) {
      fs.rmSync(this.path, { force: true });
      throw error;
    }
  }

  abort(): void {
    this.bai?.abort();
    this.bgzf.abort();
  }
}

/** Indexes an existing coordinate-sorted BAM, writing `<path>.bai` (like `samtools index`). */
export async function indexBam(path: string): Promise<void> {
  // The last record's end is the EOF block's offset, taken from the file's size.
  requireRegularFile(path, 'indexing needs a regular BAM file (the index holds offsets into it), not a pipe, FIFO or device');
  const { reader, batches } = await readBatches(path);
  // A record's end offset is the next record's start; hold one record back until it is known.
  let pending: { refId: number; beg: number; end: number; unmapped: boolean; start: number; name: string } | undefined;
  try {
    const builder = new BaiBuilder(
      reader.header.references.length,
      path,
      reader.header.references.map((r) => r.name),
    );
    for await (const batch of batches) {
      for (let i = 0; i < batch.count; i++) {
        const start = batch.virtualOffsetAt(batch.offsets[i]!);
        if (pending) builder.add(pending.refId, pending.beg, pending.end, pending.unmapped, pending.start, start, pending.name);
        const record = batch.record(i);
        pending = {
          refId: record.refId,
          beg: record.pos,
          end: record.alignmentEnd,
          unmapped: (record.flag & Flag.Unmapped) !== 0,
          start,
          name: record.readName,
        };
      }
    }
    // The last record ends where the EOF marker block begins.
    if (pending)
      builder.add(
        pending.refId,
        pending.beg,
        pending.end,
        pending.unmapped,
        pending.start,
        (reader.source.sizeBytes! - 28) * 65536,
        pending.name,
      );
    writeFileAtomic(`${path}.bai`, serializeBai(builder.finish()));
  } catch (error) {
    // The builder names the record; where it lies in the file is known here.
    if (error instanceof HtsError && error.location === undefined && pending)
      throw new HtsError(error.detail, error.file ?? path, describeVirtualOffset(pending.start));
    throw error;
  } finally {
    reader.close();
  }
}
