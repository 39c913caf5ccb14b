import {
  integerInRange,
  outputFileOption,
  Progress,
  progressOptions,
  progressWanted,
  quietOption,
  runTool,
  threadsOption,
  byteSize,
  UsageError,
  type CommonFlags,
} from '@shoal/cli';
import { runDtw, type DtwDevice, type DtwOutputFormat, type DtwRunSummary } from '@shoal/nanopore';
import { Option } from 'commander';

interface Flags extends CommonFlags {
  output: string;
  format: DtwOutputFormat;
  padding: number;
  maxLength: number;
  positions?: string;
  motif?: string;
  device: DtwDevice;
  cudaDevices?: string;
  cudaStreams: number;
  gpuMemoryLimit?: number;
  threads: number;
}

/** baleen's padding and CUDA streams; its GPU kernel's longest length bucket. */
const DEFAULT_PADDING = 1;
const DEFAULT_CUDA_STREAMS = 16;
const DEFAULT_MAX_LENGTH = 2048;

export function main(argv: string[]): Promise<never> {
  return runTool('dtw-gpu', argv, (program) => {
    program
      .description(
        "Pairwise DTW distances of the reads' signal at each reference position (baleen's DTW): eventalign's signal-segment frames in, a distance matrix per position out",
      )
      .argument('[segments...]', 'signal-segment streams (eventalign --format frames): a native and an IVT one; - is stdin', ['-'])
      .addOption(outputFileOption('the matrices (frames) or the per-position summary (NDJSON)'))
      .addOption(
        new Option('--format <layout>', 'frames: every matrix (docs/formats.md, "DTW matrices"); ndjson: one summary line per position')
          .choices(['frames', 'ndjson'])
          .default('frames'),
      )
      .addOption(
        new Option('--padding <p>', "each read's series joins its samples at positions t-p .. t+p")
          .argParser(integerInRange('--padding', 0, 1000))
          .default(DEFAULT_PADDING),
      )
      .addOption(
        new Option('--max-length <n>', 'a longer series is resampled to n samples (linear interpolation)')
          .argParser(integerInRange('--max-length', 1, 2048))
          .default(DEFAULT_MAX_LENGTH),
      )
      .addOption(new Option('--positions <bed>', 'only k-mers centred on a site inside these BED intervals (0-based)'))
      .addOption(new Option('--motif <iupac>', 'only k-mers whose centre bases match this IUPAC motif (e.g. DRACH)'))
      .addOption(
        new Option('--device <device>', 'cuda, cpu, or auto: CUDA when its library was built and a device answers, else the CPU')
          .choices(['auto', 'cuda', 'cpu'])
          .default('auto'),
      )
      .addOption(new Option('--cuda-devices <list>', 'CUDA devices to use, comma-separated (default 0); batches take turns'))
      .addOption(
        new Option('--cuda-streams <n>', 'CUDA streams per device')
          .argParser(integerInRange('--cuda-streams', 1, 256))
          .default(DEFAULT_CUDA_STREAMS),
      )
      .addOption(
        new Option(
          '--gpu-memory-limit <bytes>',
          'device memory a batch may use (K, M, G suffixes; default 90% of the free memory)',
        ).argParser(byteSize('--gpu-memory-limit', 1 << 20)),
      )
      .addOption(threadsOption('CPU path: the main thread reads and writes, n-1 workers compute'))
      .addOption(quietOption());
    for (const option of progressOptions()) program.addOption(option);
    program
      .addHelpText(
        'after',
        `
Reads the segment streams position by position (native reads first, then IVT: the row order of
each matrix) and writes, per position, the (n_native + n_ivt)^2 float32 matrix of DTW
distances: full DTW, no band, squared-difference cost, the square root of the accumulated cost,
all in float32, identical on the CPU and on CUDA. The position is the k-mer's first base, as in
the segments; the site it is centred on is position + floor(k/2).

Examples:
  eventalign -b native.bam -g ref.fa --slow5 native.blow5 --contig tx1 --format frames --condition native -o native.tx1.frames
  eventalign -b ivt.bam -g ref.fa --slow5 ivt.blow5 --contig tx1 --format frames --condition ivt -o ivt.tx1.frames
  dtw-gpu native.tx1.frames ivt.tx1.frames -o tx1.matrices
  dtw-gpu native.tx1.frames ivt.tx1.frames --motif DRACH --format ndjson | head
  eventalign ... --format frames --condition native | dtw-gpu - ivt.tx1.frames --device cpu -t 8 > tx1.matrices`,
      )
      .action(async (segments: string[], flags: Flags) => {
        const cudaDevices = parseDevices(flags.cudaDevices);
        if (flags.motif !== undefined && !/^[ACGTURYSWKMBDHVN]+$/i.test(flags.motif))
          throw new UsageError(`--motif takes IUPAC nucleotide codes (ACGTU RYSWKM BDHV N), got '${flags.motif}'`);
        if (flags.device === 'cpu' && (cudaDevices !== undefined || flags.gpuMemoryLimit !== undefined))
          throw new UsageError('--cuda-devices and --gpu-memory-limit are for CUDA: not with --device cpu');
        const progress = new Progress(
          'dtw-gpu',
          undefined,
          progressWanted(flags) && (flags.output !== '-' || flags.progress === true),
          'positions',
        );
        const started = performance.now();
        const summary = await runDtw({
          inputs: segments,
          output: flags.output,
          format: flags.format,
          padding: flags.padding,
          maxLength: flags.maxLength,
          positionsBed: flags.positions,
          motif: flags.motif,
          device: flags.device,
          cudaDevices,
          cudaStreams: flags.cudaStreams,
          gpuMemoryLimit: flags.gpuMemoryLimit ?? 0,
          threads: flags.threads,
          onDevice: (message) => {
            if (!flags.quiet) process.stderr.write(`dtw-gpu: ${message}\n`);
          },
          onProgress: (positions) => progress.update(positions),
        });
        progress.done();
        if (!flags.quiet) process.stderr.write(`dtw-gpu: ${describeSummary(summary, (performance.now() - started) / 1000)}\n`);
      });
  });
}

function parseDevices(list: string | undefined): number[] | undefined {
  if (list === undefined) return undefined;
  const devices = list.split(',').map((item) => Number(item.trim()));
  if (devices.length === 0 || devices.some((device) => !Number.isInteger(device) || device < 0))
    throw new UsageError(`--cuda-devices takes device numbers separated by commas (e.g. 0,1), got '${list}'`);
  return devices;
}

/** The end-of-run line. */
export function describeSummary(summary: DtwRunSummary, seconds: number): string {
  const number = (n: number): string => n.toLocaleString('en-US');
  const rate = seconds > 0 ? ` (${(summary.cells / seconds / 1e9).toFixed(2)} GCUPS over the whole run)` : '';
  const parts = [
    `${number(summary.positions)} positions`,
    `${number(summary.series)} series`,
    `${number(summary.pairs)} pairs, ${number(summary.cells)} DTW cells on ${summary.backend === 'cuda' ? 'CUDA' : `the CPU (${summary.backend} kernel)`}${rate}`,
  ];
  if (summary.filteredOut > 0) parts.push(`${number(summary.filteredOut)} positions left out by --positions/--motif`);
  if (summary.resampled > 0) parts.push(`${number(summary.resampled)} series resampled to --max-length`);
  return parts.join(', ');
}
