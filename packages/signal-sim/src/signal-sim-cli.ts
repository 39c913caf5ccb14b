import { InvalidArgumentError, Option } from 'commander';
import {
  integerInRange,
  numberInRange,
  outputDirOption,
  Progress,
  progressOptions,
  progressWanted,
  quietOption,
  runTool,
  threadsOption,
  UsageError,
  type CommonFlags,
} from '@shoal/cli';
import type { Slow5RecordCompression, Slow5SignalCompression } from '@shoal/hts';
import {
  DEFAULT_RECORD_COMPRESSION,
  DEFAULT_SIGNAL_COMPRESSION,
  DEFAULT_SIMULATION_OPTIONS as DEFAULTS,
  runSimulation,
  simulationOptionsProblem,
  type SimulationOptions,
} from '@shoal/nanopore';

interface Flags extends CommonFlags {
  outputDir: string;
  seed: number;
  transcripts: number;
  transcriptome?: string;
  transcriptLength: [number, number];
  abundance?: string;
  readsPerCondition: number;
  partialFraction: number;
  minReadLength: number;
  shift: number;
  dwellFactor: number;
  stoichiometry: [number, number];
  fractionModifiedSites: number;
  noise: number;
  substitutionRate: number;
  insertionRate: number;
  deletionRate: number;
  leader: boolean;
  polyaLength: [number, number];
  pore: string;
  threads: number;
  recordCompression: Slow5RecordCompression;
  signalCompression: Slow5SignalCompression;
}

/** commander parser for `value` or `min-max` (both within [low, high]; whole numbers when `whole`). */
function rangeArgument(flag: string, low: number, high: number, whole: boolean): (value: string) => [number, number] {
  return (value) => {
    const parts = value.split(/(?<=\d)-/);
    const numbers = parts.map(Number);
    const valid =
      parts.length <= 2 &&
      parts.every((part) => part.trim() !== '') &&
      numbers.every((n) => Number.isFinite(n) && n >= low && n <= high && (!whole || Number.isInteger(n))) &&
      numbers[0] <= numbers[numbers.length - 1];
    if (!valid)
      throw new InvalidArgumentError(
        `${flag} takes ${whole ? 'a whole number' : 'a number'} or a range min-max from ${low} to ${high}, got '${value}'`,
      );
    return [numbers[0], numbers[numbers.length - 1]];
  };
}

const range = (pair: readonly [number, number]): string => (pair[0] === pair[1] ? String(pair[0]) : `${pair[0]}-${pair[1]}`);

/** An option taking a value or a range, its default shown as the user would type it (`0.5-1`, not `[0.5,1]`). */
function rangeOption(
  flags: string,
  description: string,
  parse: (value: string) => [number, number],
  defaultValue: [number, number],
): Option {
  return new Option(flags, description).argParser(parse).default(defaultValue, range(defaultValue));
}

export function main(argv: string[]): Promise<never> {
  return runTool('signal-sim', argv, (program) => {
    program
      .description(
        'Simulate nanopore direct-RNA reads of native (modified) and IVT (unmodified) RNA with ground truth: BLOW5 signal, ' +
          'FASTQ basecalls, a sorted indexed BAM from the known alignment, and truth files (squigulator method)',
      )
      .addOption(outputDirOption().makeOptionMandatory())
      .option(
        '--seed <n>',
        'seed of every random draw: the same seed gives the same bytes',
        integerInRange('--seed', 0, 2 ** 53 - 1),
        DEFAULTS.seed,
      )
      .option(
        '--transcripts <n>',
        'random transcripts to make (without --transcriptome)',
        integerInRange('--transcripts', 1, 1_000_000),
        DEFAULTS.transcripts,
      )
      .option('--transcriptome <fasta>', 'simulate from these transcripts instead (FASTA, plain or gzip; U read as T)')
      .addOption(
        rangeOption(
          '--transcript-length <min-max>',
          'length range of random transcripts (bases)',
          rangeArgument('--transcript-length', 20, 1_000_000, true),
          [DEFAULTS.transcriptMinLengthBp, DEFAULTS.transcriptMaxLengthBp],
        ),
      )
      .option('--abundance <tsv>', "relative abundance per transcript ('name<TAB>count'); reads are then drawn by abundance")
      .option(
        '--reads-per-condition <n>',
        'depth: reads per transcript in each condition (native and IVT)',
        integerInRange('--reads-per-condition', 1, 1_000_000),
        DEFAULTS.readsPerCondition,
      )
      .option(
        '--partial-fraction <f>',
        "fraction of reads that lose their 5' end",
        numberInRange('--partial-fraction', 0, 1),
        DEFAULTS.partialFraction,
      )
      .option(
        '--min-read-length <n>',
        'shortest partial read (bases)',
        integerInRange('--min-read-length', 20, 1_000_000),
        DEFAULTS.minReadLengthBp,
      )
      .option(
        '--shift <pA>',
        'current shift of the k-mers covering a modified site',
        numberInRange('--shift', -100, 100),
        DEFAULTS.shiftPicoamps,
      )
      .option('--dwell-factor <x>', 'dwell multiplier of those k-mers', numberInRange('--dwell-factor', 0.1, 10), DEFAULTS.dwellFactor)
      .addOption(
        rangeOption(
          '--stoichiometry <f|min-max>',
          "fraction of native reads modified at a modified site: one value, or a range each site's value is drawn from",
          rangeArgument('--stoichiometry', 0, 1, false),
          [DEFAULTS.stoichiometryMin, DEFAULTS.stoichiometryMax],
        ),
      )
      .option(
        '--fraction-modified-sites <f>',
        'fraction of DRACH sites that are modified',
        numberInRange('--fraction-modified-sites', 0, 1),
        DEFAULTS.fractionModifiedSites,
      )
      .option(
        '--noise <x>',
        "multiplier of the pore model's level deviation (0: ideal levels)",
        numberInRange('--noise', 0, 10),
        DEFAULTS.noise,
      )
      .option(
        '--substitution-rate <f>',
        'basecall substitutions per base',
        numberInRange('--substitution-rate', 0, 0.5),
        DEFAULTS.substitutionRate,
      )
      .option('--insertion-rate <f>', 'basecall insertions per base', numberInRange('--insertion-rate', 0, 0.5), DEFAULTS.insertionRate)
      .option('--deletion-rate <f>', 'basecall deletions per base', numberInRange('--deletion-rate', 0, 0.5), DEFAULTS.deletionRate)
      .option('--no-leader', 'no adaptor and poly(A) signal before the molecule')
      .addOption(
        rangeOption(
          '--polya-length <min-max>',
          'poly(A) length range in the leader (bases)',
          rangeArgument('--polya-length', 0, 10_000, true),
          [DEFAULTS.polyAMinLengthBp, DEFAULTS.polyAMaxLengthBp],
        ),
      )
      .option('--pore <model>', 'pore model: a preset (rna002) or a model file in nanopolish format', DEFAULTS.pore)
      .addOption(threadsOption('the main thread writes, n-1 workers simulate'))
      .addOption(
        new Option('--record-compression <method>', 'BLOW5 record compression')
          .choices(['none', 'zlib', 'zstd'])
          .default(DEFAULT_RECORD_COMPRESSION),
      )
      .addOption(
        new Option('--signal-compression <method>', "BLOW5 signal compression (svb-zd: Debian's nanopolish 0.14.0 cannot read it)")
          .choices(['none', 'svb-zd'])
          .default(DEFAULT_SIGNAL_COMPRESSION),
      )
      .addOption(quietOption());
    for (const option of progressOptions()) program.addOption(option);
    program
      .addHelpText(
        'after',
        `
Outputs in the folder: transcripts.fa(.fai), native.blow5 native.fastq native.bam(.bai), the same
for ivt, truth_sites.tsv (every DRACH A: contig, 0-based position, motif, modified, stoichiometry,
shift, ...), truth_reads.ndjson.gz (per read: molecule, modified sites, sample range of every k-mer)
and params.json. Positions are 0-based; a k-mer's position is its first base (nanopolish's).
Output is the same, byte for byte, for the same seed and settings at every --threads.

Examples:
  signal-sim -O sim --seed 7                          # 20 random transcripts, 50 reads each per condition
  signal-sim -O hard --shift 2 --stoichiometry 0.1 --reads-per-condition 20
  signal-sim -O easy --shift 10 --dwell-factor 1.5 --stoichiometry 1 --reads-per-condition 300
  signal-sim -O mine --transcriptome tx.fa --abundance counts.tsv -t 8

On real data, the BAM comes from an aligner instead:
  minimap2 -ax map-ont -uf -k14 --secondary=no ref.fa reads.fq | samtools sort -o reads.bam && samtools index reads.bam
Then, as on simulated data:
  nanopolish index --slow5 sim/native.blow5 sim/native.fastq
  nanopolish eventalign --reads sim/native.fastq --bam sim/native.bam --genome sim/transcripts.fa \\
    --scale-events --signal-index --print-read-names > native.eventalign.tsv`,
      )
      .action(async (flags: Flags) => {
        const options: SimulationOptions = {
          ...DEFAULTS,
          seed: flags.seed,
          pore: flags.pore,
          transcripts: flags.transcripts,
          transcriptMinLengthBp: flags.transcriptLength[0],
          transcriptMaxLengthBp: flags.transcriptLength[1],
          readsPerCondition: flags.readsPerCondition,
          partialFraction: flags.partialFraction,
          minReadLengthBp: flags.minReadLength,
          shiftPicoamps: flags.shift,
          dwellFactor: flags.dwellFactor,
          stoichiometryMin: flags.stoichiometry[0],
          stoichiometryMax: flags.stoichiometry[1],
          fractionModifiedSites: flags.fractionModifiedSites,
          noise: flags.noise,
          leader: flags.leader,
          polyAMinLengthBp: flags.polyaLength[0],
          polyAMaxLengthBp: flags.polyaLength[1],
          substitutionRate: flags.substitutionRate,
          insertionRate: flags.insertionRate,
          deletionRate: flags.deletionRate,
        };
        const problem = simulationOptionsProblem(options);
        if (problem !== undefined) throw new UsageError(problem);
        const progress = new Progress('signal-sim', undefined, progressWanted(flags), 'reads');
        const summary = await runSimulation({
          outputDir: flags.outputDir,
          options,
          transcriptomePath: flags.transcriptome,
          abundancePath: flags.abundance,
          threads: flags.threads,
          recordCompression: flags.recordCompression,
          signalCompression: flags.signalCompression,
          onProgress: (reads) => progress.update(reads),
        });
        progress.done();
        if (!flags.quiet)
          process.stderr.write(
            `signal-sim: ${summary.transcripts} transcripts, ${summary.sites} DRACH sites (${summary.modifiedSites} modified), ` +
              `${summary.readsPerCondition} reads per condition, stoichiometry ${range(flags.stoichiometry)}, shift ${flags.shift} pA, ` +
              `into ${flags.outputDir}\n`,
          );
      });
  });
}
