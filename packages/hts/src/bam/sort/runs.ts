/**
 * Sorted runs on disk: each is a BAM (magic, an empty header text, the reference dictionary, the
 * records) compressed at level 1, under a hidden temporary name in the temporary folder
 * (`.<output>.sort-run-<n>.tmp-<pid>-<random>`, io/atomic.ts). Runs are never renamed into place:
 * they are removed when the sort ends, whether it succeeds, fails or is stopped (atomic.ts removes
 * every temporary file of the process when it exits, signals included).
 *
 * Level 1: a run is written once and read once, so compression only has to cut the disk traffic;
 * samtools writes its runs at level 1 too (bam_sort.c, mode "wbx1").
 */
import path from 'node:path';
import { HtsError } from '../../errors.js';
import { describeFsError } from '../../io/byte-source.js';
import { AtomicFile } from '../../io/atomic.js';
import type { ByteSink } from '../../io/output.js';
import { BgzfWriter, type ParallelCompressorFactory } from '../../bgzf/writer.js';
import { encodeBamHeader, makeHeader, type ReferenceSequence } from '../header.js';
import { BamReader } from '../reader.js';
import type { RecordBatch } from '../reader.js';
import type { MergeCursor } from './merge.js';
import { positionStrandKeyOf, referenceKeyOf } from './order.js';

const RUN_LEVEL = 1;
/** Records are gathered into this much before each write to the BGZF writer: one call per ~64 KiB, not per record. */
const STAGING_BYTES = 1 << 16;

/** A finished run: its file, and how many records it holds. */
export interface RunFile {
  readonly path: string;
  readonly records: number;
  /** Removes the file (safe to call twice). */
  remove(): void;
}

/**
 * The error of a run that cannot be written (a full disk, a read-only folder), naming the folder
 * the runs go to (-T), since the run's own name means nothing to the user.
 */
function runError(error: unknown, folder: string): unknown {
  if (error instanceof HtsError) {
    const problem = error.detail.replace(/^cannot (create|write) output: /, '');
    return new HtsError(`cannot write the sort's temporary files: ${problem}`, folder);
  }
  if ((error as NodeJS.ErrnoException)?.code)
    return new HtsError(`cannot write the sort's temporary files: ${describeFsError(error)}`, folder);
  return error;
}

/** A ByteSink over a temporary file that is closed, never renamed; its errors name the folder. */
function temporarySink(file: AtomicFile, folder: string): ByteSink {
  const attempt = (action: () => void): Promise<void> => {
    try {
      action();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(runError(error, folder) as Error);
    }
  };
  return {
    name: file.temporary,
    write: (chunk) => attempt(() => file.write(chunk)),
    finish: () => attempt(() => file.close()),
    commit: () => attempt(() => file.close()),
    abort: () => file.abort(),
  };
}

/** Writes one run: records are added in their sorted order. */
export class RunWriter {
  private readonly staging = new Uint8Array(STAGING_BYTES);
  private stagingFill = 0;
  private recordCount = 0;

  private constructor(
    private readonly file: AtomicFile,
    private readonly bgzf: BgzfWriter,
    private readonly folder: string,
  ) {}

  /** Starts run number `number` in `folder`; `stem` (the output's name) makes the run's file name recognisable. */
  static async create(
    folder: string,
    stem: string,
    number: number,
    references: readonly ReferenceSequence[],
    parallel: ParallelCompressorFactory | undefined,
  ): Promise<RunWriter> {
    let file: AtomicFile;
    try {
      file = AtomicFile.create(path.join(folder, `${stem}.sort-run-${String(number).padStart(4, '0')}`));
    } catch (error) {
      throw runError(error, folder);
    }
    const bgzf = new BgzfWriter(temporarySink(file, folder), { level: RUN_LEVEL, parallel });
    try {
      await bgzf.write(encodeBamHeader(makeHeader('', [...references])));
      await bgzf.flushBlock();
    } catch (error) {
      bgzf.abort();
      throw error;
    }
    return new RunWriter(file, bgzf, folder);
  }

  /**
   * Adds the next record. Returns a promise only when gathered records had to be written (await it
   * before the next add), so adding costs no promise per record.
   */
  add(record: Uint8Array): Promise<void> | undefined {
    this.recordCount++;
    if (this.stagingFill + record.length <= STAGING_BYTES) {
      this.staging.set(record, this.stagingFill);
      this.stagingFill += record.length;
      return undefined;
    }
    return this.flushThenAdd(record);
  }

  private async flushThenAdd(record: Uint8Array): Promise<void> {
    await this.flushStaging();
    if (record.length > STAGING_BYTES) await this.bgzf.write(record);
    else {
      this.staging.set(record, 0);
      this.stagingFill = record.length;
    }
  }

  /** Writes the rest and the EOF block, and closes the file (still under its temporary name). */
  async finish(): Promise<RunFile> {
    await this.flushStaging();
    await this.bgzf.finish();
    try {
      this.file.close();
    } catch (error) {
      throw runError(error, this.folder);
    }
    const file = this.file;
    return { path: file.temporary, records: this.recordCount, remove: () => file.abort() };
  }

  abort(): void {
    this.bgzf.abort();
    this.file.abort();
  }

  private async flushStaging(): Promise<void> {
    if (this.stagingFill === 0) return;
    const filled = this.stagingFill;
    this.stagingFill = 0;
    await this.bgzf.write(this.staging.subarray(0, filled));
  }
}

/** Reads a run back, record by record, for the merge. */
export class RunCursor implements MergeCursor {
  bytes: Uint8Array = new Uint8Array(0);
  start = 0;
  length = 0;
  referenceKey = 0;
  positionStrandKey = 0;
  private batch: RecordBatch | undefined;
  private index = 0;

  private constructor(
    private readonly reader: BamReader,
    private readonly batches: AsyncGenerator<RecordBatch>,
    private readonly referenceCount: number,
  ) {}

  /** Opens a run at its first record; undefined when it holds none. `readChunkBytes` bounds its buffers. */
  static async open(run: RunFile, referenceCount: number, readChunkBytes: number): Promise<RunCursor | undefined> {
    const reader = await BamReader.open(run.path, { readChunkBytes });
    const cursor = new RunCursor(reader, reader.batches(), referenceCount);
    try {
      if (await cursor.nextBatch()) return cursor;
    } catch (error) {
      reader.close();
      throw error;
    }
    reader.close();
    return undefined;
  }

  next(): boolean {
    if (++this.index >= this.batch!.count) return false;
    this.point();
    return true;
  }

  async nextBatch(): Promise<boolean> {
    for (;;) {
      const next = await this.batches.next();
      if (next.done) {
        this.close();
        return false;
      }
      if (next.value.count === 0) continue;
      this.batch = next.value;
      this.index = 0;
      this.point();
      return true;
    }
  }

  close(): void {
    this.reader.close();
  }

  private point(): void {
    const batch = this.batch!;
    const at = batch.offsets[this.index]!;
    this.bytes = batch.bytes;
    this.start = at;
    this.length = batch.data.getUint32(at, true) + 4;
    this.referenceKey = referenceKeyOf(batch.data, at, this.referenceCount);
    this.positionStrandKey = positionStrandKeyOf(batch.data, at);
  }
}
