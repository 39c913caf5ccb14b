/**
 * dtw-gpu's run: signal-segment streams in (a native and an IVT one, or any number), per position the DTW distance
 * matrix of every read's padded series out, as matrix frames or as one NDJSON summary line per position.
 *
 * ## Where the work runs
 * `--device cpu`: the engine (`@shoal/engine`) runs the C kernel (or its TypeScript fallback) on blocks of positions,
 * any block on any thread, results in block order. `--device cuda`: batches of positions go to the CUDA library
 * (cuda.ts) from the main thread, over `--cuda-streams` streams, sized to `--gpu-memory-limit` or the device's free
 * memory; with several `--cuda-devices` the batches take turns. `auto` (the default): CUDA when the library was built
 * and a device answers, else the CPU, said once on stderr.
 *
 * ## Memory
 * The segment streams are read position by position (readPositionGroups), the padding window holds 2p + 1
 * positions of one contig, and blocks in flight are bounded by the engine (3 per thread) or by one CUDA batch.
 */
import { Engine, type Payload } from '@shoal/engine';
import { commitSinks, encodeStreamPreamble, HtsError, openOutput, readBedFile, type ByteSink } from '@shoal/hts';
import { ChunkWriter } from '../chunk-writer.js';
import { openSegmentStream, positionGroupsOf, type SegmentStream } from '../eventalign/segments.js';
import { cpuDtwBackend } from './cpu.js';
import { cudaDtw, type CudaDtw } from './cuda.js';
import { matrixFrame, matrixStreamEndFrame, matrixStreamHeaderFrame, type DtwMatrix } from './matrices.js';
import { paddedPositions, type DtwPosition, type PositionFilter } from './positions.js';
import { DTW_STAGES_MODULE, matricesOfBlock, type MatrixBlock, type SeriesBlock } from './stages.js';

export type DtwDevice = 'cpu' | 'cuda' | 'auto';
export type DtwOutputFormat = 'frames' | 'ndjson';

export interface DtwRunOptions {
  /** Segment streams: paths, `-` for stdin (once). */
  inputs: string[];
  /** `-` for stdout. */
  output: string;
  format: DtwOutputFormat;
  padding: number;
  /** Series longer than this are resampled to it (positions.ts). */
  maxLength: number;
  /** BED of sites (0-based, half-open): only k-mers centred on a base inside an interval. */
  positionsBed?: string;
  /** IUPAC motif matched at the k-mer's centre (DRACH). */
  motif?: string;
  device: DtwDevice;
  cudaDevices?: number[];
  cudaStreams: number;
  /** Bytes of device memory a batch may use; 0: 90% of the free memory. */
  gpuMemoryLimit: number;
  /** Total threads, main included (CPU path). */
  threads: number;
  /** Called once, when auto falls back to the CPU or when CUDA is chosen: what runs and why. */
  onDevice?: (message: string) => void;
  onProgress?: (positions: number) => void;
  /** The engine stage module (tests under vitest pass the built one, as workers need). */
  stageModule?: string;
}

export interface DtwRunSummary {
  positions: number;
  /** Positions read but left out by --positions or --motif. */
  filteredOut: number;
  /** Series (read × position) compared. */
  series: number;
  /** Pairs computed (each once) and the DTW cells they took. */
  pairs: number;
  cells: number;
  resampled: number;
  /** What computed the matrices: 'c', 'typescript' or 'cuda'. */
  backend: 'c' | 'typescript' | 'cuda';
}

/** A block closes at this many DTW cells (about 50 ms of the C kernel) or this many positions. */
const BLOCK_CELLS = 4e8;
const BLOCK_POSITIONS = 256;

export async function runDtw(options: DtwRunOptions): Promise<DtwRunSummary> {
  if (options.inputs.filter((input) => input === '-').length > 1) throw new HtsError('stdin (-) can be given once');
  const streams: SegmentStream[] = [];
  for (const input of options.inputs)
    streams.push(
      input === '-' ? await openSegmentStream(process.stdin as AsyncIterable<Uint8Array>, 'stdin') : await openSegmentStream(input),
    );
  const names = options.inputs.map((input) => (input === '-' ? 'stdin' : input));
  const first = streams[0]!.header;
  streams.forEach((stream, i) => {
    const h = stream.header;
    if (h.k !== first.k || h.samples !== first.samples || h.model !== first.model)
      throw new HtsError(
        `its segments (k ${h.k}, ${h.samples}, model ${h.model}) differ from those of ${names[0]!} (k ${first.k}, ${first.samples}, model ${first.model})`,
        names[i],
      );
  });
  const keep = positionFilter(options, first.k);
  const counted = countingFilter(keep);
  const positions = paddedPositions(positionGroupsOf(streams, names), {
    padding: options.padding,
    maxLength: options.maxLength,
    keep: counted.filter,
  });

  const cuda = chooseDevice(options);
  const summary: DtwRunSummary = {
    positions: 0,
    filteredOut: 0,
    series: 0,
    pairs: 0,
    cells: 0,
    resampled: 0,
    backend: cuda ? 'cuda' : cpuDtwBackend(),
  };
  const output = openOutput(options.output, { background: true });
  const sinks: ByteSink[] = [output];
  try {
    const writer = new ChunkWriter(output);
    const frames = options.format === 'frames';
    if (frames) {
      await writer.add(encodeStreamPreamble());
      await writer.addAll(
        matrixStreamHeaderFrame({
          contigs: first.contigs,
          k: first.k,
          model: first.model,
          samples: first.samples,
          padding: options.padding,
          maxLength: options.maxLength,
          distance: 'sqrt-accumulated-squared-difference',
        }),
      );
    }
    const deliver = async (block: DtwPosition[], distances: Float32Array): Promise<void> => {
      let at = 0;
      for (const position of block) {
        const n = position.reads.length;
        const matrix: DtwMatrix = {
          contig: position.contig,
          position: position.position,
          kmer: position.kmer,
          reads: position.reads,
          nNative: position.nNative,
          nIvt: position.nIvt,
          lengths: position.lengths,
          distances: distances.subarray(at, at + n * n),
          levels: position.levels,
        };
        at += n * n;
        tally(summary, position);
        if (frames) await writer.addAll(matrixFrame(matrix));
        else await writer.add(new TextEncoder().encode(`${JSON.stringify(positionSummary(matrix, first.k, position.resampled))}\n`));
      }
      options.onProgress?.(summary.positions);
    };
    if (cuda) await runOnCuda(positions, cuda, options, deliver);
    else await runOnCpu(positions, options, deliver);
    summary.filteredOut = counted.dropped();
    if (frames)
      await writer.addAll(matrixStreamEndFrame({ positions: summary.positions, cells: summary.cells, resampled: summary.resampled }));
    await writer.flush();
    await commitSinks(sinks);
    return summary;
  } catch (error) {
    for (const sink of sinks) sink.abort();
    throw error;
  }
}

function tally(summary: DtwRunSummary, position: DtwPosition): void {
  summary.positions++;
  summary.series += position.lengths.length;
  summary.resampled += position.resampled;
  const { lengths } = position;
  let sum = 0;
  let cells = 0;
  for (let i = 0; i < lengths.length; i++) {
    cells += lengths[i]! * sum;
    sum += lengths[i]!;
  }
  summary.pairs += (lengths.length * (lengths.length - 1)) / 2;
  summary.cells += cells;
}

/** CUDA when asked for (refused with the reason when unavailable) or, with auto, when available; else undefined. */
function chooseDevice(options: DtwRunOptions): CudaDtw | undefined {
  if (options.device === 'cpu') return undefined;
  const found = cudaDtw();
  if (found.cuda === undefined) {
    if (options.device === 'cuda') throw new HtsError(`--device cuda: ${found.reason}`);
    options.onDevice?.(
      `no CUDA (${found.reason}); the CPU computes the matrices (${cpuDtwBackend()} kernel, ${options.threads} thread${options.threads === 1 ? '' : 's'})`,
    );
    return undefined;
  }
  for (const device of options.cudaDevices ?? [])
    if (device < 0 || device >= found.cuda.deviceCount)
      throw new HtsError(`--cuda-devices: device ${device} does not exist (${found.cuda.deviceCount} found)`);
  options.onDevice?.(`CUDA on device${(options.cudaDevices ?? [0]).length > 1 ? 's' : ''} ${(options.cudaDevices ?? [0]).join(', ')}`);
  return found.cuda;
}

/** Positions gathered into blocks of about BLOCK_CELLS cells. */
async function* blocksOf(positions: AsyncIterable<DtwPosition>, maxCells = BLOCK_CELLS): AsyncGenerator<DtwPosition[]> {
  let block: DtwPosition[] = [];
  let cells = 0;
  for await (const position of positions) {
    block.push(position);
    let sum = 0;
    for (const length of position.lengths) sum += length;
    cells += (sum * sum) / 2;
    if (cells >= maxCells || block.length >= BLOCK_POSITIONS) {
      yield block;
      block = [];
      cells = 0;
    }
  }
  if (block.length > 0) yield block;
}

function seriesBlock(block: DtwPosition[]): SeriesBlock {
  let samples = 0;
  let series = 0;
  for (const position of block) {
    samples += position.samples.length;
    series += position.lengths.length;
  }
  const out: SeriesBlock = {
    samples: new Float32Array(samples),
    lengths: new Int32Array(series),
    seriesFirst: new Int32Array(block.length + 1),
  };
  let sampleAt = 0;
  let seriesAt = 0;
  block.forEach((position, p) => {
    out.samples.set(position.samples, sampleAt);
    out.lengths.set(position.lengths, seriesAt);
    sampleAt += position.samples.length;
    seriesAt += position.lengths.length;
    out.seriesFirst[p + 1] = seriesAt;
  });
  return out;
}

async function runOnCpu(
  positions: AsyncIterable<DtwPosition>,
  options: DtwRunOptions,
  deliver: (block: DtwPosition[], distances: Float32Array) => Promise<void>,
): Promise<void> {
  if (options.threads === 1) {
    for await (const block of blocksOf(positions)) await deliver(block, matricesOfBlock(seriesBlock(block)).distances);
    return;
  }
  // Smaller blocks with threads, so that both ends of a contig keep every thread busy.
  const pending: DtwPosition[][] = [];
  async function* source(): AsyncGenerator<Payload> {
    for await (const block of blocksOf(positions, BLOCK_CELLS / 4)) {
      pending.push(block);
      yield seriesBlock(block) as unknown as Payload;
    }
  }
  const engine = await Engine.start({
    threads: options.threads,
    stages: [{ module: options.stageModule ?? DTW_STAGES_MODULE, name: 'dtwMatrices' }],
  });
  try {
    await engine.run(source(), async (payload: Payload) => {
      // The engine delivers blocks in source order: the oldest pending block is this one.
      await deliver(pending.shift()!, (payload as unknown as MatrixBlock).distances);
    });
  } finally {
    await engine.close();
  }
}

async function runOnCuda(
  positions: AsyncIterable<DtwPosition>,
  cuda: CudaDtw,
  options: DtwRunOptions,
  deliver: (block: DtwPosition[], distances: Float32Array) => Promise<void>,
): Promise<void> {
  const devices = options.cudaDevices && options.cudaDevices.length > 0 ? options.cudaDevices : [0];
  let turn = 0;
  for await (const block of blocksOf(positions)) {
    const series = seriesBlock(block);
    const offsets = new BigInt64Array(series.lengths.length);
    let at = 0;
    series.lengths.forEach((length, s) => {
      offsets[s] = BigInt(at);
      at += length;
    });
    const matrixOffsets = new BigInt64Array(block.length);
    let cells = 0;
    block.forEach((position, p) => {
      matrixOffsets[p] = BigInt(cells);
      cells += position.lengths.length ** 2;
    });
    const out = new Float32Array(cells);
    cuda.matrices({
      device: devices[turn++ % devices.length]!,
      streams: options.cudaStreams,
      memoryLimitBytes: options.gpuMemoryLimit,
      series: series.samples,
      offsets,
      lengths: series.lengths,
      positionFirst: series.seriesFirst,
      matrixOffsets,
      out,
    });
    await deliver(block, out);
  }
}

/** --positions and --motif as one filter on (contig, k-mer position, k-mer). */
function positionFilter(options: DtwRunOptions, k: number): PositionFilter | undefined {
  const centre = Math.floor(k / 2);
  const tests: PositionFilter[] = [];
  if (options.positionsBed !== undefined) {
    const byContig = new Map<string, Array<[number, number]>>();
    for (const record of readBedFile(options.positionsBed)) {
      let list = byContig.get(record.contig);
      if (list === undefined) byContig.set(record.contig, (list = []));
      list.push([record.start0, record.end0]);
    }
    for (const [contig, list] of byContig) byContig.set(contig, mergeIntervals(list));
    tests.push((contig, position) => {
      const list = byContig.get(contig);
      return list !== undefined && insideAny(list, position + centre);
    });
  }
  if (options.motif !== undefined) {
    const motif = compileMotif(options.motif, k);
    tests.push((_contig, _position, kmer) => motif(kmer));
  }
  if (tests.length === 0) return undefined;
  return (contig, position, kmer) => tests.every((test) => test(contig, position, kmer));
}

/** Sorted by start and merged where they overlap or touch. */
function mergeIntervals(intervals: Array<[number, number]>): Array<[number, number]> {
  intervals.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of intervals) {
    const last = merged[merged.length - 1];
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** Is `site` inside one of the merged, sorted [start, end) intervals? (binary search on the starts) */
function insideAny(intervals: ReadonlyArray<[number, number]>, site: number): boolean {
  let low = 0;
  let high = intervals.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (intervals[middle]![0] <= site) low = middle + 1;
    else high = middle;
  }
  return low > 0 && intervals[low - 1]![1] > site;
}

const IUPAC: Readonly<Record<string, string>> = {
  A: 'A',
  C: 'C',
  G: 'G',
  T: 'TU',
  U: 'TU',
  R: 'AG',
  Y: 'CTU',
  S: 'CG',
  W: 'ATU',
  K: 'GTU',
  M: 'AC',
  B: 'CGTU',
  D: 'AGTU',
  H: 'ACTU',
  V: 'ACG',
  N: 'ACGTU',
};

/** An IUPAC motif (DRACH) matched against the bases of the k-mer around its centre. */
export function compileMotif(motif: string, k: number): (kmer: string) => boolean {
  const upper = motif.toUpperCase();
  if (upper.length === 0 || upper.length > k) throw new HtsError(`--motif ${motif}: it must be 1 to ${k} bases (the k-mer's length)`);
  for (const code of upper) if (!(code in IUPAC)) throw new HtsError(`--motif ${motif}: '${code}' is not an IUPAC nucleotide code`);
  const start = Math.floor(k / 2) - Math.floor(upper.length / 2);
  const allowed = Array.from({ length: upper.length }, (_, i) => IUPAC[upper[i]!]!);
  return (kmer) => {
    for (let i = 0; i < allowed.length; i++) if (!allowed[i]!.includes(kmer[start + i]?.toUpperCase() ?? '-')) return false;
    return true;
  };
}

function countingFilter(keep: PositionFilter | undefined): { filter: PositionFilter | undefined; dropped: () => number } {
  if (keep === undefined) return { filter: undefined, dropped: () => 0 };
  let dropped = 0;
  return {
    filter: (contig, position, kmer) => {
      const kept = keep(contig, position, kmer);
      if (!kept) dropped++;
      return kept;
    },
    dropped: () => dropped,
  };
}

/** The NDJSON line of a position: its size and the medians of its three blocks of distances. */
export function positionSummary(matrix: DtwMatrix, k: number, resampled: number): Record<string, unknown> {
  const { nNative, distances } = matrix;
  const n = matrix.reads.length;
  const block = (rowFrom: number, rowTo: number, columnFrom: number, columnTo: number, upperOnly: boolean): Float32Array => {
    const values: number[] = [];
    for (let r = rowFrom; r < rowTo; r++)
      for (let c = upperOnly ? Math.max(columnFrom, r + 1) : columnFrom; c < columnTo; c++) values.push(distances[r * n + c]!);
    return Float32Array.from(values);
  };
  let lengthSum = 0;
  for (const length of matrix.lengths) lengthSum += length;
  return {
    contig: matrix.contig,
    position: matrix.position,
    site: matrix.position + Math.floor(k / 2),
    kmer: matrix.kmer,
    n_native: nNative,
    n_ivt: matrix.nIvt,
    mean_series_length: n > 0 ? round(lengthSum / n, 3) : null,
    resampled,
    median_native_ivt: median(block(0, nNative, nNative, n, false)),
    median_ivt_ivt: median(block(nNative, n, nNative, n, true)),
    median_native_native: median(block(0, nNative, 0, nNative, true)),
  };
}

function median(values: Float32Array): number | null {
  if (values.length === 0) return null;
  values.sort();
  const middle = values.length >> 1;
  return round(values.length % 2 === 1 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2, 6);
}

function round(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}
