/**
 * Where blocks end up, in block order, on the main thread: output files (per segment, interleaved,
 * chunked, stdout), side files of steps, SHA-256 side files, and the run marker. Every file is
 * written under a temporary name and renamed on success, so a failed run leaves no half-written
 * output, only the marker `{prefix}.incompleted` that says the run did not finish (mbf's marker).
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AtomicFile, BamWriter, HtsError, makeHeader, openOutput, writeFileAtomic, type ByteSink } from '@shoal/hts';
import type { Payload } from '@shoal/engine';
import type { OutputPlan, Plan } from './plan.js';
import { compress } from './compression.js';
import { outputTargets, plannedOutputFiles, targetFileName } from './output-names.js';
import type { SideOutput } from './block.js';

interface SinkOptions {
  plan: Plan;
  outputDirectory: string;
  allowOverwrite: boolean;
  /** Replaces process stdout for `output.stdout = true` (verify, tests). */
  stdout?: ByteSink;
}

interface ChunkState {
  /** Chunk files written so far (provisional names). */
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

  private checkFree(file: string): void {
    if (!this.options.allowOverwrite && fs.existsSync(file))
      throw new HtsError('output file exists already (use --allow-overwrite to replace it)', file);
  }

  private async openAll(): Promise<void> {
    const { plan } = this.options;
    const output = plan.output;
    for (const file of [...plannedOutputFiles(plan), ...plan.sideFiles]) this.checkFree(this.resolve(file));
    if (this.marker) {
      // mbf creates the folders a prefix names (so does every shoal tool); a path that cannot be
      // made is a one-line error naming the marker.
      writeFileAtomic(this.marker, 'run incomplete\n');
    }
    // Whatever ends the process (an error, EPIPE on stdout, a signal turned into exit), no
    // temporary file stays behind.
    process.on('exit', this.onExit);
    if (output) {
      for (const target of outputTargets(output)) {
        const segmentName = target.interleaved ? 'interleaved' : plan.input.segments[target.segments[0]!]!;
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
    chunk.current = openOutput(file, { background: true });
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
    for (const entry of (payload.side as SideOutput[] | undefined) ?? []) await this.sideSink(entry.file).write(entry.bytes);
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
   * any final name exists), with the SHA-256 side files; then all are renamed, and when a rename
   * fails the ones already renamed are removed again.
   */
  async commit(): Promise<void> {
    const output = this.options.plan.output;
    const hashFiles: AtomicFile[] = [];
    const hashFile = (name: string, digest: string | undefined): void => {
      if (digest === undefined) return;
      const file = AtomicFile.create(name);
      hashFiles.push(file);
      file.write(digest);
      file.close();
    };
    const digits = (target: Target): number => String(target.chunk!.finished.length - 1).length;
    try {
      for (const target of this.targets) {
        if (target.bam) await target.bam.finish();
        else if (target.chunk) {
          await this.finishChunk(target);
          target.chunk.finished.forEach((_, i) => {
            const final = this.resolve(targetFileName(output!, target.name, i, digits(target)));
            hashFile(`${final}.uncompressed.sha256`, target.chunk!.digests[i]!.raw);
            hashFile(`${final}.compressed.sha256`, target.chunk!.digests[i]!.compressed);
          });
        } else {
          await target.sink!.finish();
          if (!output!.stdout) {
            hashFile(`${target.name}.uncompressed.sha256`, target.rawHash?.digest('hex'));
            hashFile(`${target.name}.compressed.sha256`, target.compressedHash?.digest('hex'));
          }
        }
      }
      for (const sink of this.side.values()) await sink.finish();
    } catch (error) {
      for (const file of hashFiles) file.abort();
      this.abort();
      throw error;
    }
    const renamed: string[] = [];
    try {
      for (const target of this.targets) {
        if (target.bam) {
          await target.bam.commit();
          renamed.push(target.name);
        } else if (target.chunk) {
          for (const [i, chunkSink] of target.chunk.finished.entries()) {
            await chunkSink.commit();
            const final = this.resolve(targetFileName(output!, target.name, i, digits(target)));
            if (final !== chunkSink.name) fs.renameSync(chunkSink.name, final);
            renamed.push(final);
          }
        } else {
          await target.sink!.commit();
          if (!output!.stdout) renamed.push(target.name);
        }
      }
      for (const sink of this.side.values()) {
        await sink.commit();
        renamed.push(sink.name);
      }
      for (const file of hashFiles) {
        file.commit();
        renamed.push(file.target);
      }
    } catch (error) {
      for (const name of renamed) fs.rmSync(name, { force: true });
      for (const file of hashFiles) file.abort();
      this.abort();
      throw error;
    }
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
