import { numberInRange, outputFileOption, quietOption, runTool, UsageError, type CommonFlags } from '@shoal/cli';
import {
  DEFAULT_HMM_PARAMETERS,
  DEFAULT_SCORE_METHOD,
  defaultHmmModel,
  loadHmmModel,
  runHmmSmooth,
  SCORE_METHODS,
  type ContigCalls,
  type HmmModel,
  type HmmSmoothSummary,
  type ScoreMethod,
} from '@shoal/nanopore';
import { Option } from 'commander';
import { writeReadBam } from './read-bam.js';

interface Flags extends CommonFlags {
  output: string;
  siteTsv?: string;
  readBam?: string;
  nativeBam?: string;
  ivtBam?: string;
  score: ScoreMethod;
  hmm: boolean;
  hmmParams?: string;
  hmmStates: string;
  modThreshold: number;
}

/** baleen's run_pipeline_streaming default. */
const DEFAULT_MOD_THRESHOLD = 0.9;

export function main(argv: string[]): Promise<never> {
  return runTool('hmm-smooth', argv, (program) => {
    program
      .description(
        "Per-read modification probabilities from dtw-gpu's matrices (scores calibrated against the IVT reads, a 2-state HMM along each read), baleen's site table and read BAM",
      )
      .argument('[matrices]', 'a DTW matrix stream (dtw-gpu); - is stdin', '-')
      .addOption(outputFileOption('per-read, per-site p_mod as NDJSON'))
      .addOption(new Option('--site-tsv <file>', "also write baleen's site table (13 columns, with its header) to <file>"))
      .addOption(
        new Option(
          '--read-bam <file>',
          'also write the reads with MM/ML/MN tags, RG native/ivt, sorted and indexed (needs --native-bam and --ivt-bam)',
        ),
      )
      .addOption(new Option('--native-bam <bam>', 'the native alignments the matrices came from (for --read-bam)'))
      .addOption(new Option('--ivt-bam <bam>', 'the IVT alignments the matrices came from (for --read-bam)'))
      .addOption(
        new Option(
          '--score <method>',
          "level: the read's distance from the IVT reads' median level; knn: the IVT fraction of its k nearest reads by DTW (baleen's); ivt-distance: its median DTW distance to the IVT reads",
        )
          .choices([...SCORE_METHODS])
          .default(DEFAULT_SCORE_METHOD),
      )
      .addOption(new Option('--no-hmm', 'p_mod is the calibrated score itself, without the HMM along the read'))
      .addOption(
        new Option('--hmm-states <n>', "2: unmodified/modified (baleen's); 3: unmodified/flank/modified (krill's layout)")
          .choices(['2', '3'])
          .default('2'),
      )
      .addOption(new Option('--hmm-params <file>', 'HMM parameters as JSON (docs/tools/hmm-smooth.md); "states": 3 for the 3-state model'))
      .addOption(
        new Option('--mod-threshold <p>', 'a read is modified at a site when p_mod > p')
          .argParser(numberInRange('--mod-threshold', 0, 1))
          .default(DEFAULT_MOD_THRESHOLD),
      )
      .addOption(quietOption());
    program
      .addHelpText(
        'after',
        `
Scores each read at each position against the IVT reads (the fraction of IVT reads that score
lower: uniform on [0, 1] without a modification; --score level, the default, on the read's
mean level, knn on the DTW matrix), runs a 2-state HMM along each read (stay
probability ${DEFAULT_HMM_PARAMETERS.stay}^gap, emission floor ${DEFAULT_HMM_PARAMETERS.emissionFloor}) and
writes p_mod per read and site. position is the site: the base the k-mer is centred on (0-based).

Examples:
  dtw-gpu native.tx1.frames ivt.tx1.frames | hmm-smooth --site-tsv tx1.tsv > tx1.calls.ndjson
  hmm-smooth tx1.matrices --site-tsv tx1.tsv --read-bam tx1.bam --native-bam native.bam --ivt-bam ivt.bam -o tx1.calls.ndjson
  hmm-smooth tx1.matrices --no-hmm --score knn | head`,
      )
      .action(async (matrices: string, flags: Flags) => {
        const bamInputs = [flags.nativeBam, flags.ivtBam].filter((bam) => bam !== undefined).length;
        if (flags.readBam !== undefined && bamInputs < 2) throw new UsageError('--read-bam needs --native-bam and --ivt-bam');
        if (flags.readBam === undefined && bamInputs > 0) throw new UsageError('--native-bam and --ivt-bam go with --read-bam');
        if (!flags.hmm && (flags.hmmParams !== undefined || flags.hmmStates !== '2'))
          throw new UsageError('--hmm-params and --hmm-states shape the HMM: not with --no-hmm');
        const contigs: ContigCalls[] = [];
        const run = await runHmmSmooth({
          input: matrices,
          output: flags.output,
          siteTsv: flags.siteTsv,
          score: flags.score,
          runHmm: flags.hmm,
          hmm: hmmModel(flags),
          modThreshold: flags.modThreshold,
          onContig: flags.readBam === undefined ? undefined : (calls) => void contigs.push(calls),
          // With a BAM to write, the calls and the site table wait for it: the run's files appear together or not at all.
          deferCommit: flags.readBam !== undefined,
        });
        const { summary } = run;
        let bamLine = '';
        if (flags.readBam !== undefined) {
          try {
            const written = await writeReadBam({
              output: flags.readBam,
              nativeBam: flags.nativeBam!,
              ivtBam: flags.ivtBam!,
              contigs,
              commandLine: ['hmm-smooth', ...argv.slice(2)].join(' '),
            });
            bamLine = `; ${written}`;
          } catch (error) {
            run.abort();
            throw error;
          }
          await run.commit();
        }
        if (!flags.quiet) process.stderr.write(`hmm-smooth: ${describeSummary(summary)}${bamLine}\n`);
      });
  });
}

function hmmModel(flags: Flags): HmmModel {
  const states = flags.hmmStates === '3' ? 3 : 2;
  if (flags.hmmParams === undefined) return defaultHmmModel(states);
  const model = loadHmmModel(flags.hmmParams);
  if (model.states !== states)
    throw new UsageError(`--hmm-params describes a ${model.states}-state model: give --hmm-states ${model.states} with it`);
  return model;
}

function describeSummary(summary: HmmSmoothSummary): string {
  const number = (n: number): string => n.toLocaleString('en-US');
  const parts = [
    `${number(summary.positions)} positions on ${number(summary.contigs)} contig${summary.contigs === 1 ? '' : 's'}`,
    `${number(summary.reads)} reads, ${number(summary.calls)} calls`,
  ];
  if (summary.sites > 0) parts.push(`${number(summary.sites)} sites, ${number(summary.significant)} with padj < 0.05`);
  if (summary.sitesWithoutNative > 0)
    parts.push(`${number(summary.sitesWithoutNative)} positions without a scored native read (no site row)`);
  if (summary.uncalibrated > 0) parts.push(`${number(summary.uncalibrated)} positions with fewer than 3 IVT reads left unscored`);
  parts.push(`scoring ${(summary.scoringMs / 1000).toFixed(2)} s, HMM ${(summary.hmmMs / 1000).toFixed(2)} s`);
  return parts.join(', ');
}
