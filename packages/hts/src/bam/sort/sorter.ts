/**
 * Coordinate sorting of BAM records: an external merge sort whose output equals `samtools sort`'s
 * record for record (order.ts has the order and where it comes from).
 *
 * How it runs. Records are copied into a buffer (record-buffer.ts) until the next one would take it
 * past `memoryBytes`; then the buffer is sorted (a stable radix sort) and spilled as a run, a level-1
 * BAM under a hidden temporary name (runs.ts). At the end the last buffer stays in memory and is
 * merged with the runs on disk by a heap (merge.ts) straight into the output; when every record fit
 * in memory nothing touches the disk but the output.
 *
 * Runs are merged in tiers as they come, so the number of files stays small at any memory limit:
 * a run spilled from memory is of level 0, and whenever the last MAX_MERGE_WIDTH runs are of one
 * level they are merged into one run of the next level (a binary counter in base MAX_MERGE_WIDTH).
 * Levels never rise along the list of runs, so a merge always takes consecutive runs, which keeps
 * input order on ties (merge.ts); each record is rewritten once per level. At the end, runs beyond
 * what one merge takes are merged down first (mergeDownTo).
 *
 * All on the main thread but compression: with `threads` above 1, the output, and runs of at least
 * MIN_PARALLEL_RUN_BYTES, are compressed on the engine's worker threads (@shoal/engine's
 * parallelBgzfCompression, loaded at run time because the engine depends on this package).
 * Inflating the runs stays on the main thread.
 *
 * Files: the output is written under a temporary name and renamed when complete, with its .bai
 * (bam/writer.ts); runs are removed when the sort ends, whether it succeeds, fails or is aborted, and
 * by the exit hook of io/atomic.ts when the process is stopped by a signal.
 *
 * Memory: the records held stay under `memoryBytes` (counted as samtools counts, the record's bytes
 * plus a fixed cost per record). The merge adds its readers: compressed chunks of a sixteenth of
 * `memoryBytes` in all (64 KiB to 4 MiB a run), each held a few times over once inflated, while the
 * last buffer is still held.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HtsError } from '../../errors.js';
import { AtomicFile, ensureOutputFolder } from '../../io/atomic.js';
import { describeFsError } from '../../io/byte-source.js';
import type { ParallelCompressorFactory } from '../../bgzf/writer.js';
import { openAlignments } from '../../alignments.js';
import type { BamHeader } from '../header.js';
import { FIXED_FIELDS_BYTES } from '../record/view.js';
import { BamWriter } from '../writer.js';
import { mergeRuns, type MergeCursor } from './merge.js';
import { RECORD_OVERHEAD_BYTES, RecordBuffer } from './record-buffer.js';
import { RunCursor, RunWriter, type RunFile } from './runs.js';
import { coordinateSortedHeader } from './sorted-header.js';

export interface BamSortOptions {
  /** Bytes of records held in memory before a sorted run is spilled to disk; default 768 MiB (samtools sort -m 768M). */
  memoryBytes?: number;
  /** Total threads; above 1, BGZF compression of the runs and the output runs on the engine's workers. Default 1. */
  threads?: number;
  /** Where runs go; default: the output's folder, or the system's temporary folder for stdout. */
  temporaryFolder?: string;
  /** DEFLATE level of the output, 0-9 (default 6). Runs are always level 1. */
  level?: number;
  /** Also write `<output>.bai` (file output only); the two appear together or not at all. */
  writeIndex?: boolean;
}

export interface BamSortSummary {
  records: number;
  /** Sorted runs spilled to disk (0 when every record fit in memory). */
  runs: number;
}

/** samtools sort's default -m. */
export const DEFAULT_SORT_MEMORY_BYTES = 768 << 20;
/**
 * Runs merged at once. Each open run costs a file descriptor and its read buffers; at the default
 * memory a 64-way merge covers about 48 GiB of records before a second pass is needed.
 */
export const MAX_MERGE_WIDTH = 64;
/**
 * Runs are compressed on the engine only when a run can be this large: each run's compressor
 * starts its own engine (worker threads), about 0.3 s, which a small run does not repay (130 runs
 * of 8 KiB took 44 s at -t 2 against 1.3 s inline; a 64 MiB run takes about as long to deflate at
 * level 1 on one thread as the start costs).
 */
const MIN_PARALLEL_RUN_BYTES = 64 << 20;
/** Read buffers of the merge: this share of memoryBytes in all, within the bounds below per run. */
const MERGE_BUFFER_SHARE = 1 / 16;
const MIN_RUN_READ_BYTES = 64 << 10;
const MAX_RUN_READ_BYTES = 4 << 20;

/** The engine's compressor, loaded by name: @shoal/engine depends on this package, so this package cannot import it statically. */
async function engineCompression(threads: number): Promise<ParallelCompressorFactory> {
  const engineModule = '@shoal/engine';
  let engine: { parallelBgzfCompression?: (threads: number) => ParallelCompressorFactory };
  try {
    engine = (await import(engineModule)) as typeof engine;
  } catch (error) {
    throw new Error(`sorting with ${threads} threads needs the @shoal/engine package: ${(error as Error).message}`);
  }
  if (!engine.parallelBgzfCompression) throw new Error('@shoal/engine has no parallelBgzfCompression');
  return engine.parallelBgzfCompression(threads);
}

function checkOptions(outputPath: string, options: BamSortOptions): void {
  const { memoryBytes, threads, level } = options;
  if (memoryBytes !== undefined && !(Number.isSafeInteger(memoryBytes) && memoryBytes >= 1))
    throw new Error(`memoryBytes must be a whole number ≥ 1, got ${memoryBytes}`);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1))
    throw new Error(`threads must be a whole number ≥ 1, got ${threads}`);
  if (level !== undefined && !(Number.isInteger(level) && level >= 0 && level <= 9)) throw new Error(`level must be 0-9, got ${level}`);
  if (options.writeIndex && outputPath === '-') throw new HtsError('cannot write an index for BAM on stdout');
}

/**
 * Checks, before any record is read, that the output and the runs can be written: no folder in the
 * way of the output or its index, the output's folder and the temporary folder exist (made when
 * missing) and are writable.
 */
function checkWritable(outputPath: string, writeIndex: boolean, temporaryFolder: string): void {
  if (outputPath !== '-') {
    AtomicFile.refuseFolders(writeIndex ? [outputPath, `${outputPath}.bai`] : [outputPath]);
    ensureOutputFolder(outputPath);
    const folder = path.dirname(path.resolve(outputPath));
    try {
      fs.accessSync(folder, fs.constants.W_OK);
    } catch (error) {
      throw new HtsError(`cannot write output: ${describeFsError(error)}`, outputPath);
    }
  }
  let isFolder = false;
  try {
    isFolder = fs.statSync(temporaryFolder).isDirectory();
  } catch {
    // Missing: made below.
  }
  if (!isFolder) {
    if (fs.existsSync(temporaryFolder)) throw new HtsError('the temporary folder is a file, not a folder', temporaryFolder);
    try {
      ensureOutputFolder(path.join(temporaryFolder, 'run'));
    } catch (error) {
      if (!(error instanceof HtsError)) throw error;
      throw new HtsError(error.detail.replace('the output folder', 'the temporary folder'), error.file, error.location);
    }
  }
  try {
    fs.accessSync(temporaryFolder, fs.constants.W_OK);
  } catch (error) {
    throw new HtsError(`cannot write temporary files: ${describeFsError(error)}`, temporaryFolder);
  }
}

/** Sorts records pushed one by one (e.g. by the signal simulator) into a coordinate-sorted BAM. */
export class BamSorter {
  private readonly buffer: RecordBuffer;
  /** The runs on disk, in input order, each with its tier (levels never rise along the list). */
  private readonly runs: (RunFile & { level: number })[] = [];
  private spilledRuns = 0;
  private runNumber = 0;
  private recordCount = 0;
  private activeRun: RunWriter | undefined;
  private output: BamWriter | undefined;
  private state: 'open' | 'finishing' | 'done' | 'aborted' = 'open';
  private spilling = false;
  /** The compressor of the runs: the engine's only when runs are large (MIN_PARALLEL_RUN_BYTES). */
  private readonly runParallel: ParallelCompressorFactory | undefined;

  private constructor(
    private readonly outputPath: string,
    /** The output's header: the input's with SO:coordinate. */
    readonly header: BamHeader,
    private readonly memoryBytes: number,
    private readonly level: number,
    private readonly writeIndex: boolean,
    private readonly temporaryFolder: string,
    private readonly parallel: ParallelCompressorFactory | undefined,
  ) {
    this.buffer = new RecordBuffer(header.references.length, memoryBytes);
    this.runParallel = memoryBytes >= MIN_PARALLEL_RUN_BYTES ? parallel : undefined;
  }

  /** Starts a sort into `outputPath` (`-` for stdout). The output's header is `header` with SO:coordinate (sorted-header.ts). */
  static async open(outputPath: string, header: BamHeader, options: BamSortOptions = {}): Promise<BamSorter> {
    checkOptions(outputPath, options);
    const temporaryFolder = options.temporaryFolder ?? (outputPath === '-' ? os.tmpdir() : path.dirname(path.resolve(outputPath)));
    checkWritable(outputPath, options.writeIndex ?? false, temporaryFolder);
    const threads = options.threads ?? 1;
    return new BamSorter(
      outputPath,
      coordinateSortedHeader(header),
      options.memoryBytes ?? DEFAULT_SORT_MEMORY_BYTES,
      options.level ?? 6,
      options.writeIndex ?? false,
      temporaryFolder,
      threads > 1 ? await engineCompression(threads) : undefined,
    );
  }

  /** Records added so far. */
  get records(): number {
    return this.recordCount;
  }

  /** Adds one record as encodeRecord() returns it (block_size first); the bytes are copied. */
  async add(record: Uint8Array): Promise<void> {
    this.checkRecord(record);
    await this.addBytes(record, 0, record.length);
  }

  /**
   * Adds the record of `length` bytes at `bytes[start]`, copying it, without checking it (a
   * reader's batch, already checked). Returns a promise only when a run had to be spilled (await it
   * before the next add), so adding costs no promise per record.
   */
  addBytes(bytes: Uint8Array, start: number, length: number): Promise<void> | undefined {
    if (this.state !== 'open') throw new Error(`BamSorter: add after ${this.state === 'aborted' ? 'abort' : 'finish'}`);
    // A record added while the buffer is being written out would be lost when it is cleared.
    if (this.spilling) throw new Error('BamSorter: add while a run is being written (await the add that started it)');
    this.recordCount++;
    if (this.buffer.count > 0 && this.buffer.usedBytes + length + RECORD_OVERHEAD_BYTES > this.memoryBytes)
      return this.spillThenAdd(bytes, start, length);
    this.buffer.add(bytes, start, length);
    return undefined;
  }

  /**
   * Merges the runs and the records still in memory into the output, renames it (and its index)
   * into place, and removes the runs. On failure, nothing is left: no output, no index, no run.
   */
  async finish(): Promise<BamSortSummary> {
    if (this.state !== 'open') throw new Error(`BamSorter: finish after ${this.state === 'aborted' ? 'abort' : 'finish'}`);
    if (this.spilling) throw new Error('BamSorter: finish while a run is being written (await the last add)');
    this.state = 'finishing';
    try {
      // The records still in memory are one more input of the last merge.
      await this.mergeDownTo(this.buffer.count > 0 ? MAX_MERGE_WIDTH - 1 : MAX_MERGE_WIDTH);
      const output = await BamWriter.open(this.outputPath, this.header, {
        level: this.level,
        parallel: this.parallel,
        writeIndex: this.writeIndex,
      });
      this.output = output;
      const emit = (record: Uint8Array): Promise<void> => output.writeRecordBytes(record);
      if (this.runs.length === 0) {
        for (const record of this.buffer.sorted()) await emit(record);
      } else {
        const cursors = await this.openCursors(this.runs, true);
        await mergeRuns(cursors, emit);
      }
      await output.close();
      this.output = undefined;
      this.removeRuns();
      this.buffer.clear();
      this.state = 'done';
      return { records: this.recordCount, runs: this.spilledRuns };
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  /** Drops everything: the runs, a run being written, the output being written. Safe to call twice. */
  // eslint-disable-next-line @typescript-eslint/require-await -- async in the API: a later abort may wait for workers
  async abort(): Promise<void> {
    this.state = 'aborted';
    this.activeRun?.abort();
    this.activeRun = undefined;
    this.output?.abort();
    this.output = undefined;
    this.removeRuns();
    this.buffer.clear();
  }

  private checkRecord(record: Uint8Array): void {
    const data = new DataView(record.buffer, record.byteOffset, record.byteLength);
    const where = `record ${this.recordCount + 1} added to the sort`;
    if (record.length < 4 + FIXED_FIELDS_BYTES + 1 || data.getUint32(0, true) + 4 !== record.length)
      throw new HtsError(`block_size does not match the record's ${record.length} bytes`, undefined, where);
    const referenceId = data.getInt32(4, true);
    const referenceCount = this.header.references.length;
    if (referenceId < -1 || referenceId >= referenceCount)
      throw new HtsError(`reference id ${referenceId} is outside -1..${referenceCount - 1} (the header's references)`, undefined, where);
    if (data.getInt32(8, true) < -1) throw new HtsError(`position ${data.getInt32(8, true)} is below -1`, undefined, where);
  }

  private async spillThenAdd(bytes: Uint8Array, start: number, length: number): Promise<void> {
    // The record's bytes may be a reader's recycled buffer: copy it into the buffer before any await.
    const record = bytes.slice(start, start + length);
    this.spilling = true;
    try {
      await this.spill();
    } catch (error) {
      await this.abort();
      throw error;
    } finally {
      this.spilling = false;
    }
    this.buffer.add(record, 0, length);
  }

  /** Sorts the buffer and writes it as the next run. */
  private async spill(): Promise<void> {
    const writer = await RunWriter.create(this.temporaryFolder, this.stem(), this.runNumber++, this.header.references, this.runParallel);
    this.activeRun = writer;
    for (const record of this.buffer.sorted()) {
      const pending = writer.add(record);
      if (pending) await pending;
    }
    this.runs.push({ ...(await writer.finish()), level: 0 });
    this.activeRun = undefined;
    this.spilledRuns++;
    this.buffer.clear();
    // The tiers: while the last MAX_MERGE_WIDTH runs are of one level, merge them into one run of the next.
    for (let n = this.runs.length; n >= MAX_MERGE_WIDTH; n = this.runs.length) {
      const level = this.runs[n - 1]!.level;
      if (this.runs[n - MAX_MERGE_WIDTH]!.level !== level) break;
      await this.mergeRange(n - MAX_MERGE_WIDTH, MAX_MERGE_WIDTH, level + 1);
    }
  }

  /**
   * Merges consecutive runs into one until at most `width` remain: at each step the fewest runs
   * that bring the count down (at most MAX_MERGE_WIDTH), moving along the runs so that a record
   * is rewritten as few times as it can be.
   */
  private async mergeDownTo(width: number): Promise<void> {
    let at = 0;
    while (this.runs.length > width) {
      const count = Math.min(MAX_MERGE_WIDTH, this.runs.length - width + 1);
      if (at + count > this.runs.length) at = 0;
      await this.mergeRange(at, count, this.runs[at]!.level + 1);
      at++;
    }
  }

  /** Merges the `count` runs from `at` into one run of `level` in their place, and removes them. */
  private async mergeRange(at: number, count: number, level: number): Promise<void> {
    const group = this.runs.slice(at, at + count);
    const writer = await RunWriter.create(this.temporaryFolder, this.stem(), this.runNumber++, this.header.references, this.runParallel);
    this.activeRun = writer;
    await mergeRuns(await this.openCursors(group, false), (record) => writer.add(record));
    const merged = await writer.finish();
    this.activeRun = undefined;
    this.runs.splice(at, count, { ...merged, level });
    for (const run of group) run.remove();
  }

  /** Cursors at the first record of each run, in run order; with `withBuffer`, the records in memory last (they are the latest input). */
  private async openCursors(runs: readonly RunFile[], withBuffer: boolean): Promise<MergeCursor[]> {
    const readBytes = Math.min(
      MAX_RUN_READ_BYTES,
      Math.max(MIN_RUN_READ_BYTES, Math.floor((this.memoryBytes * MERGE_BUFFER_SHARE) / runs.length)),
    );
    const cursors: MergeCursor[] = [];
    try {
      for (const run of runs) {
        const cursor = await RunCursor.open(run, this.header.references.length, readBytes);
        if (cursor) cursors.push(cursor);
      }
    } catch (error) {
      for (const cursor of cursors) cursor.close();
      throw error;
    }
    if (withBuffer && this.buffer.count > 0) cursors.push(this.buffer.cursor());
    return cursors;
  }

  private removeRuns(): void {
    for (const run of this.runs) run.remove();
    this.runs.length = 0;
  }

  /** What run files are named after: the output, or `bam-sort` for stdout. */
  private stem(): string {
    return this.outputPath === '-' ? 'bam-sort' : path.basename(this.outputPath);
  }
}

/**
 * Sorts a BAM, SAM or shoal NDJSON file (`-` for stdin) into a coordinate-sorted BAM (`-` for
 * stdout). A failed sort leaves no output and no run behind.
 */
export async function sortBamFile(inputPath: string, outputPath: string, options: BamSortOptions = {}): Promise<BamSortSummary> {
  // Options and outputs are checked before the input is opened, so a bad flag is not a read error.
  checkOptions(outputPath, options);
  const reader = await openAlignments(inputPath);
  let sorter: BamSorter | undefined;
  try {
    sorter = await BamSorter.open(outputPath, reader.header, options);
    for await (const batch of reader.batches()) {
      const { bytes, offsets, data } = batch;
      for (let i = 0; i < batch.count; i++) {
        const at = offsets[i]!;
        const pending = sorter.addBytes(bytes, at, data.getUint32(at, true) + 4);
        if (pending) await pending;
      }
    }
    return await sorter.finish();
  } catch (error) {
    await sorter?.abort();
    throw error;
  } finally {
    reader.close();
  }
}
