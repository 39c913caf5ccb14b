import {
  inputSizeBytes,
  outputFileOption,
  Progress,
  progressOptions,
  progressWanted,
  quietOption,
  readingFrom,
  regionOption,
  runTool,
  threadsOption,
  integerInRange,
  UsageError,
  type CommonFlags,
} from '@shoal/cli';
import { DEFAULT_PORE, PORE_PRESETS, runEventalign, type Condition, type EventalignCounts } from '@shoal/nanopore';
import { Option } from 'commander';

interface Flags extends CommonFlags {
  reads?: string;
  readIds?: string;
  bam: string;
  genome: string;
  slow5: string;
  output: string;
  threads: number;
  scaleEvents?: boolean;
  printReadNames?: boolean;
  signalIndex?: boolean;
  samples?: boolean;
  summary?: string;
  kmerModel?: string;
  pore?: string;
  minMapq: number;
  contig?: string;
  region?: string;
  mode: 'banded' | 'dense';
  format: 'tsv' | 'frames';
  condition?: Condition;
}

/** nanopolish's default MAPQ floor is 0; baleen keeps reads with MAPQ ≥ 20 before krill, and so do we. */
const DEFAULT_MIN_MAPQ = 20;

export function main(argv: string[]): Promise<never> {
  return runTool('eventalign', argv, (program) => {
    program
      .description(
        "Nanopore signal aligned to reference k-mers (nanopolish eventalign's interface): nanopolish's TSV, or signal-segment frames for dtw-gpu",
      )
      .addOption(
        new Option('-r, --reads <fastq>', "the basecalls (FASTQ or FASTA, as nanopolish's -r); reads not in it are counted and skipped"),
      )
      .addOption(new Option('--read-ids <file>', 'only the reads named in <file> (one id a line); the others are counted and skipped'))
      .addOption(
        new Option(
          '-b, --bam <bam>',
          'the reads aligned to the genome (BAM; coordinate-sorted with its .bai for --contig, --region, --format frames)',
        ).makeOptionMandatory(),
      )
      .addOption(
        new Option(
          '-g, --genome <fasta>',
          'the reference the reads were aligned to (FASTA; its .fai is built when missing)',
        ).makeOptionMandatory(),
      )
      .addOption(new Option('--slow5 <blow5>', "the reads' signal (BLOW5 or SLOW5; its .idx is built when missing)").makeOptionMandatory())
      .addOption(outputFileOption('the TSV or the frames'))
      .addOption(
        new Option('--format <layout>', "output: nanopolish's TSV, or signal-segment frames (docs/formats.md)")
          .choices(['tsv', 'frames'])
          .default('tsv'),
      )
      .addOption(
        new Option('--condition <condition>', 'frames: the sample the reads come from (native reads come first at each position)').choices([
          'native',
          'ivt',
        ]),
      )
      .addOption(
        new Option('--summary <file>', "also write nanopolish's per-read summary (events, steps, skips, stays, scaling) to <file>"),
      )
      .addOption(new Option('--scale-events', 'scale event levels (and frame samples) to the model instead of the model to the events'))
      .addOption(new Option('-n, --print-read-names', 'TSV: print read names instead of indexes'))
      .addOption(new Option('--signal-index', "TSV: add each event's raw signal start and end index (start_idx, end_idx)"))
      .addOption(new Option('--samples', "TSV: add each event's samples, scaled to the model (as nanopolish)"))
      .addOption(
        new Option(
          '--pore <model>',
          `pore model: a preset (${Object.keys(PORE_PRESETS).join(', ')}; default ${DEFAULT_PORE}) or a model file`,
        ),
      )
      .addOption(new Option('--kmer-model <file>', "a pore model file in nanopolish's format, instead of --pore"))
      .addOption(
        new Option(
          '--mode <mode>',
          'banded: event detection and adaptive banded alignment (nanopolish/f5c); dense: every sample assigned to a k-mer, no skips (krill)',
        )
          .choices(['banded', 'dense'])
          .default('banded'),
      )
      .addOption(
        new Option('--min-mapq <n>', 'minimum mapping quality; only primary forward-strand reads are aligned')
          .argParser(integerInRange('--min-mapq', 0, 255))
          .default(DEFAULT_MIN_MAPQ),
      )
      .addOption(new Option('--contig <name>', 'only reads aligned to this reference sequence (through the .bai)'))
      .addOption(
        regionOption(
          'only reads overlapping chr, chr:start or chr:start-end (1-based, inclusive), and only rows inside it; needs the .bai',
        ),
      )
      .addOption(threadsOption('the main thread reads and writes, n-1 workers align'))
      .addOption(quietOption());
    for (const option of progressOptions()) program.addOption(option);
    program
      .addHelpText(
        'after',
        `
Only primary, forward-strand reads with MAPQ >= --min-mapq are aligned; the others, reads
missing from --reads or --slow5, and reads the aligner gives up on are counted, and the counts
are printed on stderr at the end (unless -q). Output is in BAM order, the same for every -t.

The TSV is nanopolish 0.14.0's, column for column; frames (--format frames) carry one read's
samples at one reference position each, grouped by position (docs/formats.md, "Signal
segments"), for dtw-gpu. position is the 0-based first base of the reference k-mer.

Examples:
  eventalign -r reads.fastq -b reads.bam -g ref.fa --slow5 reads.blow5 \\
      --scale-events --signal-index --samples -n -t 8 --summary summary.tsv > eventalign.tsv
  eventalign -b native.bam -g ref.fa --slow5 native.blow5 --contig tx1 \\
      --format frames --condition native -o native.tx1.frames
  eventalign -b reads.bam -g ref.fa --slow5 reads.blow5 --region tx1:100-400 --mode dense | head`,
      )
      .action(async (flags: Flags) => {
        checkCombinations(flags);
        const progress = new Progress(
          'eventalign',
          inputSizeBytes(flags.bam),
          progressWanted(flags) && (flags.output !== '-' || flags.progress === true),
          'reads',
        );
        readingFrom(flags.bam);
        const counts = await runEventalign({
          bam: flags.bam,
          genome: flags.genome,
          slow5: flags.slow5,
          reads: flags.reads,
          readIds: flags.readIds,
          output: flags.output,
          summary: flags.summary,
          format: flags.format,
          columns: {
            printReadNames: flags.printReadNames === true,
            signalIndex: flags.signalIndex === true,
            samples: flags.samples === true,
          },
          model: flags.kmerModel ?? flags.pore ?? DEFAULT_PORE,
          mode: flags.mode,
          scaleEvents: flags.scaleEvents === true,
          condition: flags.condition,
          minMappingQuality: flags.minMapq,
          contig: flags.contig,
          region: flags.region,
          threads: flags.threads,
          onProgress: (reads) => progress.update(reads),
        });
        progress.done();
        if (!flags.quiet) process.stderr.write(`eventalign: ${describeCounts(counts, flags)}\n`);
      });
  });
}

function checkCombinations(flags: Flags): void {
  if (flags.kmerModel !== undefined && flags.pore !== undefined) throw new UsageError('give --pore or --kmer-model, not both');
  if (flags.contig !== undefined && flags.region !== undefined) throw new UsageError('give --contig or --region, not both');
  if (flags.format === 'frames') {
    if (flags.condition === undefined) throw new UsageError('--format frames needs --condition native or --condition ivt');
    const tsvOnly = [
      flags.samples && '--samples',
      flags.signalIndex && '--signal-index',
      flags.printReadNames && '--print-read-names',
    ].filter(Boolean);
    if (tsvOnly.length > 0) throw new UsageError(`${tsvOnly.join(', ')} shape the TSV; frames always carry read names and samples`);
  } else if (flags.condition !== undefined) {
    throw new UsageError('--condition goes into frames: give it with --format frames');
  }
}

/** The end-of-run line: what was aligned and why the rest was not. */
export function describeCounts(counts: EventalignCounts, flags: Pick<Flags, 'minMapq' | 'format'>): string {
  const number = (n: number): string => n.toLocaleString('en-US');
  const skipped: string[] = [];
  const add = (n: number, what: string): void => {
    if (n > 0) skipped.push(`${number(n)} ${what}`);
  };
  add(counts.unmapped, 'unmapped');
  add(counts.secondary, 'secondary');
  add(counts.supplementary, 'supplementary');
  add(counts.reverseStrand, 'reverse-strand');
  add(counts.lowMappingQuality, `with MAPQ < ${flags.minMapq}`);
  add(counts.withoutFullSequence, 'without their whole sequence (no SEQ, or hard-clipped)');
  add(counts.notInReadIds, 'not in --read-ids');
  add(counts.missingFromReads, `not in --reads (first: ${counts.firstMissingFromReads ?? ''})`);
  add(counts.missingFromSignal, `not in --slow5 (first: ${counts.firstMissingFromSignal ?? ''})`);
  const reasons = Object.entries(counts.notAlignedReasons)
    .map(([reason, n]) => `${reason}: ${number(n)}`)
    .join(', ');
  add(counts.notAligned, `not aligned (${reasons})`);
  const written = flags.format === 'frames' ? `${number(counts.segments)} segments` : `${number(counts.rows)} rows`;
  const plural = (n: number, noun: string): string => `${number(n)} ${noun}${n === 1 ? '' : 's'}`;
  return `${plural(counts.records, 'BAM record')}, ${plural(counts.aligned, 'read')} aligned, ${written}${skipped.length > 0 ? `; skipped: ${skipped.join(', ')}` : ''}`;
}
