/**
 * Where blocks end up, in block order, on the main thread: output files (per segment, interleaved,
 * chunked, stdout), side files of steps, SHA-256 side files, and the run marker. Every file is
 * written under a temporary name and all are renamed together when the run succeeds (a CommitGroup:
 * all appear or none does, and files of an earlier run are put back when a rename fails), so a
 * failed run leaves no output, only the marker `{prefix}.incompleted` that says the run did not
 * finish (mbf's marker).
 *
 * Existing outputs: an error unless --allow-overwrite (mbf's rule), checked for every file a run
 * writes, hash files and chunks included: before any input is read for the names known then (a
 * chunk of any number), and again for every final name before the first rename.
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  AtomicFile,
  BamWriter,
  describeFsError,
  HtsError,
  makeHeader,
  openOutput,
  temporaryPathFor,
  writeFileAtomic,
  type ByteSink,
} from '@shoal/hts';
import type { Payload } from '@shoal/engine';
import type { OutputPlan, Plan } from './plan.js';
import { compress } from './compression.js';
import { chunkNamePattern, outputTargets, plannedOutputFiles, targetFileName } from './output-names.js';
import { REPORT_SECTION, type SideOutput } from './block.js';
import { reportHtml, reportJson, type StepTiming } from './report-files.js';
import type { HtmlReport } from './report-html.js';

interface SinkOptions {
  plan: Plan;
  outputDirectory: string;
  allowOverwrite: boolean;
  /** Replaces process stdout for `output.stdout = true` (verify, tests). */
  stdout?: ByteSink;
}

interface ChunkState {
  /** Chunks started so far, by the name they would have with one digit (for messages). */
  files: string[];
  /** The finished chunks, closed under their temporary names until the run commits. */
  finished: ByteSink[];
  /** Hex digests per finished chunk (uncompressed, compressed), when hashes are wanted. */
  digests: { raw?: string; compressed?: string }[];
  rawHash?: Hash;
  compressedHash?: Hash;
  current: ByteSink | undefined;
  recordsInChunk: number;
}

interface Target {
  name: string;
  sink?: ByteSink;
  bam?: BamWriter;
  chunk?: ChunkState;
  recordsPerChunk?: number;
  rawHash?: Hash;
  compressedHash?: Hash;
}

const BAM_HEADER_TEXT = '@HD\tVN:1.6\tSO:unsorted\n@PG\tID:fq-transform\tPN:fq-transform\n';

export class OutputSink {
  private readonly targets: Target[] = [];
  private readonly side = new Map<string, ByteSink>();
  /** The Report steps' sections, in step order (they arrive with the final block). */
  private readonly reports: HtmlReport[] = [];
  private readonly marker: string | undefined;
  private finished = false;
  private readonly onExit = (): void => this.abort();

  private constructor(private readonly options: SinkOptions) {
    const output = options.plan.output;
    this.marker = output ? path.resolve(options.outputDirectory, `${output.prefix}.incompleted`) : undefined;
  }

  static async open(options: SinkOptions): Promise<OutputSink> {
    const sink = new OutputSink(options);
    try {
      await sink.openAll();
    } catch (error) {
      sink.abort();
      throw error;
    }
    return sink;
  }

  /** An output's path: prefixes may hold folders, relative to the output directory, or be absolute. */
  private resolve(name: string): string {
    return path.resolve(this.options.outputDirectory, name);
  }

  /** An output name is free: no folder there, and no file unless --allow-overwrite. */
  private checkFree(file: string): void {
    AtomicFile.refuseFolders([file]);
    if (!this.options.allowOverwrite && fs.existsSync(file))
      throw new HtsError('output file exists already (use --allow-overwrite to replace it)', file);
  }

  /** The SHA-256 side files of an output file, as the plan asks for them. */
  private hashFileNames(file: string): string[] {
    const output = this.options.plan.output;
    return [
      ...(output?.hashUncompressed ? [`${file}.uncompressed.sha256`] : []),
      ...(output?.hashCompressed ? [`${file}.compressed.sha256`] : []),
    ];
  }

  /**
   * Chunk files take their final names at the end (the number of digits depends on the count), so
   * before the run any file that could be one of them (a chunk of an earlier run, with any number
   * of digits, or its hash file) counts as an existing output.
   */
  private checkChunksFree(segmentName: string): void {
    const { folder, pattern } = chunkNamePattern(this.options.plan.output!, segmentName);
    const full = this.resolve(folder);
    let names: string[];
    try {
      names = fs.readdirSync(full);
    } catch {
      return; // No folder yet: nothing there.
    }
    for (const name of names.filter((n) => pattern.test(n)).sort()) this.checkFree(path.join(full, name));
  }

  private async openAll(): Promise<void> {
    const { plan } = this.options;
    const output = plan.output;
    const planned = plannedOutputFiles(plan).map((file) => this.resolve(file));
    const chunked = output?.chunkSize !== undefined;
    for (const file of chunked ? [] : planned.flatMap((file) => [file, ...this.hashFileNames(file)])) this.checkFree(file);
    if (output && chunked) for (const target of outputTargets(output, plan.input.segments)) this.checkChunksFree(target.label);
    for (const file of plan.sideFiles) this.checkFree(this.resolve(file));
    if (this.marker) {
      // mbf creates the folders a prefix names (so does every shoal tool); a path that cannot be
      // made is a one-line error naming the marker.
      writeFileAtomic(this.marker, 'run incomplete\n');
    }
    // Whatever ends the process (an error, EPIPE on stdout, a signal turned into exit), no
    // temporary file stays behind.
    process.on('exit', this.onExit);
    if (output) {
      for (const target of outputTargets(output, plan.input.segments)) {
        const segmentName = target.label;
        const entry: Target = { name: output.stdout ? 'stdout' : this.resolve(targetFileName(output, segmentName)) };
        if (output.hashUncompressed) entry.rawHash = createHash('sha256');
        if (output.hashCompressed) entry.compressedHash = createHash('sha256');
        if (output.stdout) entry.sink = this.options.stdout ?? openOutput('-');
        else if (output.chunkSize !== undefined) {
          entry.recordsPerChunk = output.chunkSize * target.segments.length;
          entry.chunk = { files: [], finished: [], digests: [], current: undefined, recordsInChunk: 0 };
          entry.name = segmentName;
          this.startChunk(entry);
        } else if (output.format === 'bam') entry.bam = await BamWriter.open(entry.name, makeHeader(BAM_HEADER_TEXT, []));
        else entry.sink = openOutput(entry.name, { background: true });
        this.targets.push(entry);
      }
    }
    for (const file of plan.sideFiles) this.sideSink(file);
  }

  private startChunk(target: Target): void {
    const output = this.options.plan.output!;
    const chunk = target.chunk!;
    const file = this.resolve(targetFileName(output, target.name, chunk.files.length));
    chunk.files.push(file);
    chunk.current = hiddenChunkSink(file);
    chunk.recordsInChunk = 0;
    if (output.hashUncompressed) chunk.rawHash = createHash('sha256');
    if (output.hashCompressed) chunk.compressedHash = createHash('sha256');
  }

  /** Closes the current chunk under its temporary name: no chunk gets a final name before the run ends well. */
  private async finishChunk(target: Target): Promise<void> {
    const chunk = target.chunk!;
    await chunk.current!.finish();
    chunk.finished.push(chunk.current!);
    chunk.current = undefined;
    chunk.digests.push({ raw: chunk.rawHash?.digest('hex'), compressed: chunk.compressedHash?.digest('hex') });
  }

  private sideSink(file: string): ByteSink {
    let sink = this.side.get(file);
    if (!sink) {
      const full = this.resolve(file);
      this.checkFree(full);
      sink = openOutput(full);
      this.side.set(file, sink);
    }
    return sink;
  }

  /** Writes one finished block (the engine calls this in block order). */
  async write(payload: Payload): Promise<void> {
    const output = this.options.plan.output;
    const out = (payload.out as Uint8Array[] | undefined) ?? [];
    const raw = payload.raw as Uint8Array[] | undefined;
    const ends = payload.ends as Int32Array[] | undefined;
    for (let t = 0; t < this.targets.length; t++) {
      const target = this.targets[t]!;
      const bytes = out[t]!;
      if (target.bam) {
        const recordEnds = ends![t]!;
        let start = 0;
        for (const end of recordEnds) {
          await target.bam.writeRecordBytes(bytes.subarray(start, end));
          start = end;
        }
      } else if (target.chunk) await this.writeChunked(target, bytes, ends![t]!, output!);
      else {
        if (target.rawHash) target.rawHash.update(raw?.[t] ?? bytes);
        target.compressedHash?.update(bytes);
        if (bytes.length) await target.sink!.write(bytes);
      }
    }
    for (const entry of (payload.side as SideOutput[] | undefined) ?? []) {
      if (entry.file === REPORT_SECTION) this.reports.push(JSON.parse(Buffer.from(entry.bytes).toString('utf8')) as HtmlReport);
      else await this.sideSink(entry.file).write(entry.bytes);
    }
  }

  private async writeChunked(target: Target, bytes: Uint8Array, ends: Int32Array, output: OutputPlan): Promise<void> {
    const chunk = target.chunk!;
    let start = 0;
    let record = 0;
    while (record < ends.length) {
      if (chunk.recordsInChunk >= target.recordsPerChunk!) {
        await this.finishChunk(target);
        this.startChunk(target);
      }
      const take = Math.min(ends.length - record, target.recordsPerChunk! - chunk.recordsInChunk);
      const end = ends[record + take - 1]!;
      const piece = bytes.subarray(start, end);
      if (piece.length) {
        const packed = compress(piece, output);
        chunk.rawHash?.update(piece);
        chunk.compressedHash?.update(packed);
        await chunk.current!.write(packed);
      }
      chunk.recordsInChunk += take;
      record += take;
      start = end;
    }
  }

  /**
   * Flushes and renames everything into place, all or nothing; removes the marker. First every
   * output is finished under its temporary name (a full disk or a failed write shows here, before
   * any final name exists), with the SHA-256 side files; then every final name is checked (no
   * folder, no existing file unless --allow-overwrite); then all are renamed as one CommitGroup,
   * which puts every name back as it was when a rename fails.
   */
  async commit(timings?: StepTiming[]): Promise<void> {
    const output = this.options.plan.output;
    const plan = this.options.plan;
    if (output?.reports.json)
      await this.sideSink(`${output.prefix}.json`).write(
        Buffer.from(reportJson(plan, this.reports, output.reports.timing ? timings : undefined)),
      );
    if (output?.reports.html)
      await this.sideSink(`${output.prefix}.html`).write(Buffer.from(reportHtml(this.reports, `fq-transform report: ${output.prefix}`)));
    const hashFiles: AtomicFile[] = [];
    const hashFile = (name: string, digest: string | undefined): void => {
      if (digest === undefined) return;
      const file = AtomicFile.create(name);
      hashFiles.push(file);
      file.write(digest);
      file.close();
    };
    const digits = (target: Target): number => String(target.chunk!.finished.length - 1).length;
    const chunkName = (target: Target, i: number): string => this.resolve(targetFileName(output!, target.name, i, digits(target)));
    /** Every rename of the run: the final names it makes and the call that makes them. */
    const renames: { targets: string[]; rename: () => Promise<void> }[] = [];
    try {
      for (const target of this.targets) {
        if (target.bam) {
          await target.bam.finish();
          renames.push({ targets: [target.name], rename: () => target.bam!.commit() });
        } else if (target.chunk) {
          await this.finishChunk(target);
          target.chunk.finished.forEach((chunkSink, i) => {
            const final = chunkName(target, i);
            hashFile(`${final}.uncompressed.sha256`, target.chunk!.digests[i]!.raw);
            hashFile(`${final}.compressed.sha256`, target.chunk!.digests[i]!.compressed);
            renames.push({ targets: [final], rename: () => commitChunk(chunkSink, final) });
          });
        } else if (output!.stdout) {
          // Already written; nothing to rename.
          await target.sink!.commit();
        } else {
          await target.sink!.finish();
          hashFile(`${target.name}.uncompressed.sha256`, target.rawHash?.digest('hex'));
          hashFile(`${target.name}.compressed.sha256`, target.compressedHash?.digest('hex'));
          renames.push({ targets: [target.name], rename: () => target.sink!.commit() });
        }
      }
      for (const sink of this.side.values()) {
        await sink.finish();
        renames.push({ targets: [sink.name], rename: () => sink.commit() });
      }
      for (const file of hashFiles)
        renames.push({
          targets: [file.target],
          rename: () => {
            file.commit();
            return Promise.resolve();
          },
        });
      for (const { targets } of renames) for (const target of targets) this.checkFree(target);
    } catch (error) {
      for (const file of hashFiles) file.abort();
      this.abort();
      throw error;
    }
    const group = AtomicFile.group();
    try {
      for (const { targets, rename } of renames) await group.renameAsync(targets, rename);
    } catch (error) {
      group.rollback();
      for (const file of hashFiles) file.abort();
      this.abort();
      throw error;
    }
    group.release();
    if (this.marker) fs.rmSync(this.marker, { force: true });
    this.finished = true;
    process.off('exit', this.onExit);
  }

  /** Drops every temporary file; the marker stays to say the run did not finish. */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    process.off('exit', this.onExit);
    for (const target of this.targets) {
      target.sink?.abort();
      target.bam?.abort();
      if (target.chunk) {
        target.chunk.current?.abort();
        for (const chunkSink of target.chunk.finished) chunkSink.abort();
      }
    }
    for (const sink of this.side.values()) sink.abort();
  }
}

/**
 * A chunk's output until the run ends: its final name needs the number of chunks (the digits), so
 * it is written under a hidden temporary name (never under a name a user's file might have) and
 * renamed once, by commitChunk. Errors name the chunk as the user knows it.
 */
function hiddenChunkSink(file: string): ByteSink {
  const sink = openOutput(temporaryPathFor(file), { background: true });
  const named = (error: unknown): unknown =>
    error instanceof HtsError && error.file === sink.name ? new HtsError(error.detail, file, error.location) : error;
  const rethrow = (error: unknown): never => {
    throw named(error);
  };
  return {
    name: sink.name,
    write: (bytes) => sink.write(bytes).catch(rethrow),
    finish: () => sink.finish().catch(rethrow),
    commit: () => sink.commit().catch(rethrow),
    abort: () => sink.abort(),
  };
}

/** Moves a finished chunk from its hidden name to its final name. */
async function commitChunk(chunkSink: ByteSink, final: string): Promise<void> {
  await chunkSink.commit();
  try {
    fs.renameSync(chunkSink.name, final);
  } catch (error) {
    fs.rmSync(chunkSink.name, { force: true });
    throw new HtsError(`cannot move output into place: ${describeFsError(error)}`, final);
  }
}
