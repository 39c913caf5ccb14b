/**
 * The molecule source: reads every segment's files (one after another per segment; all segments
 * at once, so two gzip mates inflate on two threads) and yields blocks of `blockSize` molecules,
 * then one final sentinel block. Runs on the main thread; the engine pulls it only while the
 * bound on blocks in flight allows, so memory stays flat.
 */
import {
  emptyReadsBlock,
  HtsError,
  openSequenceFile,
  type ReadsBlock,
  type SequenceFileReader,
  type SequenceInputOptions,
} from '@shoal/hts';
import type { Payload } from '@shoal/engine';
import { FastqBlock } from './block.js';
import { resolveInputPath } from './config.js';
import type { InputPlan } from './plan.js';

/** Several files read as one stream of reads. */
class FileSequence {
  private current: SequenceFileReader | undefined;
  private next = 0;
  /** Reads taken from files already finished plus the current one. */
  taken = 0;
  lastFile = '';

  constructor(
    private readonly files: string[],
    private readonly options: SequenceInputOptions,
  ) {}

  async take(block: ReadsBlock, max: number): Promise<number> {
    let got = 0;
    while (got < max) {
      if (!this.current) {
        if (this.next >= this.files.length) break;
        this.current = await openSequenceFile(this.files[this.next++]!, this.options);
        this.lastFile = this.current.name;
      }
      const n = await this.current.take(block, max - got);
      got += n;
      if (n === 0) {
        this.current.close();
        this.current = undefined;
      }
    }
    this.taken += got;
    return got;
  }

  close(): void {
    this.current?.close();
    this.current = undefined;
    this.next = this.files.length;
  }
}

interface MoleculeSourceOptions {
  input: InputPlan;
  baseDirectory: string;
  blockSize: number;
  /** [benchmark]: repeat the first block until this many molecules went through. */
  benchmarkMolecules?: number;
  /** Standard input for `--stdin--` (defaults to process.stdin). */
  stdin?: AsyncIterable<Uint8Array>;
}

export class MoleculeSource implements AsyncIterable<Payload> {
  private stopped = false;
  private readonly sequences: FileSequence[];
  private readonly interleaved: boolean;
  moleculesRead = 0;
  /** Arena bytes to start each segment's next block with (the last block's size, and a margin). */
  private arenaGuess: number[] = [];

  constructor(private readonly options: MoleculeSourceOptions) {
    const { input } = options;
    const fileOptions: SequenceInputOptions = {
      fastaFakeQuality: input.fastaFakeQuality,
      bamIncludeMapped: input.bamIncludeMapped,
      bamIncludeUnmapped: input.bamIncludeUnmapped,
      stdin: options.stdin,
    };
    const resolve = (files: string[]): string[] => files.map((f) => resolveInputPath(f, options.baseDirectory));
    this.interleaved = input.interleavedFiles !== undefined;
    this.sequences = this.interleaved
      ? [new FileSequence(resolve(input.interleavedFiles!), fileOptions)]
      : input.files.map((files) => new FileSequence(resolve(files), fileOptions));
  }

  /** Stop reading (Head reached): files close, the next block is the final sentinel. */
  stop(): void {
    this.stopped = true;
    this.closeReaders();
  }

  private closeReaders(): void {
    for (const sequence of this.sequences) sequence.close();
  }

  private async readBlock(): Promise<FastqBlock | undefined> {
    const { blockSize, input } = this.options;
    const segmentCount = input.segments.length;
    let segments: ReadsBlock[];
    if (this.interleaved) {
      const all = emptyReadsBlock(blockSize * segmentCount, this.arenaGuess[0] ?? 0);
      const sequence = this.sequences[0]!;
      const got = await sequence.take(all, blockSize * segmentCount);
      if (got % segmentCount !== 0) {
        throw new HtsError(
          `interleaved input ends inside a molecule: ${got % segmentCount} of ${segmentCount} reads of the last one are there`,
          sequence.lastFile,
          `record ${sequence.taken}`,
        );
      }
      segments = splitInterleaved(all, segmentCount);
    } else {
      segments = this.sequences.map((_, s) => emptyReadsBlock(blockSize, this.arenaGuess[s] ?? 0));
      const counts = await Promise.all(this.sequences.map((sequence, s) => sequence.take(segments[s]!, blockSize)));
      const most = Math.max(...counts);
      const fewest = Math.min(...counts);
      if (most !== fewest) {
        const short = counts.indexOf(fewest);
        const long = counts.indexOf(most);
        const sequence = this.sequences[short]!;
        throw new HtsError(
          `Unequal number of reads: segment '${input.segments[short]}' has fewer reads than '${input.segments[long]}': it ends after ${this.moleculesRead + fewest} reads, while '${this.sequences[long]!.lastFile}' has more`,
          sequence.lastFile,
          `record ${sequence.taken + 1}`,
        );
      }
    }
    const count = segments[0]!.count;
    if (count === 0) return undefined;
    // The next block's arena starts at this one's size (plus a little): no doubling and copying as it fills.
    this.arenaGuess = this.interleaved ? [Math.ceil(segments[0]!.used * 1.05)] : segments.map((reads) => Math.ceil(reads.used * 1.05));
    const index = new Float64Array(count);
    for (let i = 0; i < count; i++) index[i] = this.moleculesRead + i;
    this.moleculesRead += count;
    return new FastqBlock(segments, count, index);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Payload> {
    const segmentCount = this.options.input.segments.length;
    try {
      const limit = this.options.benchmarkMolecules;
      if (limit !== undefined) {
        const first = await this.readBlock();
        this.closeReaders();
        if (first) {
          for (let done = 0; done < limit && !this.stopped;) {
            const copy = cloneBlock(first, Math.min(first.count, limit - done), done);
            done += copy.count;
            yield copy.toPayload();
          }
        }
      } else {
        while (!this.stopped) {
          let block: FastqBlock | undefined;
          try {
            block = await this.readBlock();
          } catch (error) {
            // Readers closed mid-block on purpose (Head reached): not an input error.
            if (this.stopped) break;
            throw error;
          }
          if (!block || this.stopped) break;
          yield block.toPayload();
        }
      }
      const final = new FastqBlock(
        Array.from({ length: segmentCount }, () => emptyReadsBlock(0, 0)),
        0,
        new Float64Array(0),
        {},
        [],
        true,
      );
      yield final.toPayload();
    } finally {
      this.closeReaders();
    }
  }
}

function splitInterleaved(all: ReadsBlock, segmentCount: number): ReadsBlock[] {
  const molecules = all.count / segmentCount;
  return Array.from({ length: segmentCount }, (_, s) => {
    const fields = new Int32Array(molecules * 6);
    for (let i = 0; i < molecules; i++) fields.set(all.fields.subarray((i * segmentCount + s) * 6, (i * segmentCount + s + 1) * 6), i * 6);
    // The segments share one arena, cut to its used length: a step that appends to one segment
    // then grows (copies) that segment's arena instead of writing where another segment reads.
    return { count: molecules, arena: all.arena.subarray(0, all.used), used: all.used, fields };
  });
}

function cloneBlock(block: FastqBlock, count: number, firstIndex: number): FastqBlock {
  const segments = block.segments.map((reads) => ({
    count,
    arena: reads.arena.slice(0, reads.used),
    used: reads.used,
    fields: reads.fields.slice(0, count * 6),
  }));
  const index = new Float64Array(count).map((_, i) => firstIndex + i);
  return new FastqBlock(segments, count, index);
}
