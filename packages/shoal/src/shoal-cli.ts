import {
  integerInRange,
  numberInRange,
  outputDirOption,
  Progress,
  progressOptions,
  progressWanted,
  quietOption,
  referenceOption,
  runTool,
  threadsOption,
  UsageError,
  type CommonFlags,
} from '@shoal/cli';
import { writeFileAtomic } from '@shoal/hts';
import { DEFAULT_SCORE_METHOD, SCORE_METHODS, type ScoreMethod } from '@shoal/nanopore';
import { Option } from 'commander';
import path from 'node:path';
import { parseHalt } from './jobs.js';
import { EXIT_SOME_CONTIGS_FAILED, ModsFailure, ResumeMismatch, runMods, type ModsOptions, type ModsSummary } from './mods.js';

/** What commander hands over: ModsOptions' scalar settings as they are, the rest as typed on the command line. */
type ModsFlags = CommonFlags &
  Pick<
    ModsOptions,
    | 'minDepth'
    | 'depthMode'
    | 'minMapq'
    | 'primaryOnly'
    | 'padding'
    | 'subsample'
    | 'subsampleN'
    | 'seed'
    | 'modThreshold'
    | 'writeBam'
    | 'runHmm'
    | 'hmmParams'
    | 'readIntersection'
    | 'motifFlank'
    | 'kmerModel'
    | 'pore'
    | 'cleanupTemp'
    | 'threads'
    | 'device'
    | 'cudaDevices'
    | 'cudaStreams'
    | 'gpuMemoryLimit'
  > & {
    nativeBam: string;
    nativeFastq: string;
    nativeBlow5: string;
    ivtBam: string;
    ivtFastq: string;
    ivtBlow5: string;
    reference?: string;
    ref?: string;
    outputDir?: string;
    targetContigs?: string;
    legacyScoring?: boolean;
    score: ScoreMethod;
    motif: string;
    keepIntermediate?: boolean;
    jobs?: number;
    resume?: boolean;
    halt: string;
    planOnly?: boolean;
  };

export function main(argv: string[]): Promise<never> {
  return runTool('shoal', argv, (program) => {
    program.description('shoal: the orchestrator of the shoal tools');
    const mods = program
      .command('mods')
      .description(
        "Nanopore RNA modifications, native vs IVT (baleen's run_pipeline_streaming): per contig eventalign | dtw-gpu | hmm-smooth, fanned out, resumable, merged into site_results.tsv and read_results.bam",
      )
      .addOption(
        new Option(
          '--native-bam <bam>',
          'native reads aligned to --ref (coordinate-sorted; a .bai is made when missing)',
        ).makeOptionMandatory(),
      )
      .addOption(new Option('--native-fastq <fastq>', 'native basecalls').makeOptionMandatory())
      .addOption(new Option('--native-blow5 <blow5>', 'native signal (an .idx is made when missing)').makeOptionMandatory())
      .addOption(new Option('--ivt-bam <bam>', 'IVT reads aligned to --ref').makeOptionMandatory())
      .addOption(new Option('--ivt-fastq <fastq>', 'IVT basecalls').makeOptionMandatory())
      .addOption(new Option('--ivt-blow5 <blow5>', 'IVT signal').makeOptionMandatory())
      .addOption(referenceOption('the reference the reads were aligned to (FASTA; a .fai is made when missing)'))
      .addOption(new Option('--ref <fasta>', 'the same as --reference (baleen spells it ref_fasta)'))
      .addOption(outputDirOption('where site_results.tsv, read_results.bam, summary.json, joblog and per_contig/ go').makeOptionMandatory())
      .addOption(
        new Option('--min-depth <n>', 'a contig needs this depth in both conditions')
          .argParser(integerInRange('--min-depth', 0, 1e9))
          .default(15),
      )
      .addOption(
        new Option('--depth-mode <mode>', 'depth as kept reads or as mean coverage of the contig')
          .choices(['read_count', 'mean_coverage'])
          .default('read_count'),
      )
      .addOption(new Option('--min-mapq <n>', 'reads need this MAPQ').argParser(integerInRange('--min-mapq', 0, 255)).default(20))
      .addOption(new Option('--primary-only', 'count primary alignments only in the contig statistics').default(true))
      .addOption(new Option('--no-primary-only', 'count secondary and supplementary alignments too'))
      .addOption(
        new Option('--padding <p>', 'DTW series join positions t-p .. t+p').argParser(integerInRange('--padding', 0, 10)).default(1),
      )
      .addOption(new Option('--subsample', 'at most --subsample-n reads per condition per contig').default(true))
      .addOption(new Option('--no-subsample', 'every read'))
      .addOption(
        new Option('--subsample-n <n>', 'reads kept per condition per contig')
          .argParser(integerInRange('--subsample-n', 1, 1e9))
          .default(300),
      )
      .addOption(new Option('--seed <n>', 'seed of the subsample').argParser(integerInRange('--seed', 0, 2 ** 31 - 1)).default(1))
      .addOption(new Option('--target-contigs <list>', 'only these contigs (comma-separated)'))
      .addOption(
        new Option('--mod-threshold <p>', 'a read is modified at a site when p_mod > p')
          .argParser(numberInRange('--mod-threshold', 0, 1))
          .default(0.9),
      )
      .addOption(new Option('--write-bam', 'write read_results.bam').default(true))
      .addOption(new Option('--no-write-bam', 'no read_results.bam'))
      .addOption(new Option('--run-hmm', 'smooth along each read with the HMM').default(true))
      .addOption(new Option('--no-run-hmm', 'p_mod is the calibrated score'))
      .addOption(new Option('--hmm-params <file>', "HMM parameters (hmm-smooth's JSON)"))
      .addOption(
        new Option('--score <method>', "hmm-smooth's per-read score: level, knn (baleen's) or ivt-distance")
          .choices([...SCORE_METHODS])
          .default(DEFAULT_SCORE_METHOD),
      )
      .addOption(new Option('--legacy-scoring', "the seed's name for --score ivt-distance (median DTW distance to the IVT reads)"))
      .addOption(new Option('--read-intersection', 'keep reads in BAM, FASTQ and BLOW5 alike').default(true))
      .addOption(new Option('--no-read-intersection', 'keep every BAM read'))
      .addOption(new Option('--motif <iupac>', 'DTW only near sites of this motif; "any": every position').default('DRACH'))
      .addOption(
        new Option('--motif-flank <n>', 'k-mers centred within n bases of a motif site')
          .argParser(integerInRange('--motif-flank', 0, 100))
          .default(2),
      )
      .addOption(new Option('--kmer-model <file>', 'a k-mer model file (nanopolish format)'))
      .addOption(new Option('--pore <model>', 'pore model preset').default('rna002'))
      .addOption(new Option('--keep-intermediate', 'keep per_contig/ (the slices) after merging'))
      .addOption(new Option('--cleanup-temp', "remove the plan and the tools' logs").default(true))
      .addOption(new Option('--no-cleanup-temp', 'keep per_contig/ with the plan and the logs'))
      .addOption(threadsOption('contigs in flight', 2))
      .addOption(new Option('--jobs <n>', 'the same as --threads (GNU parallel spells it -j)').argParser(integerInRange('--jobs', 1, 128)))
      .addOption(new Option('--device <device>', 'DTW on auto, cuda or cpu').choices(['auto', 'cuda', 'cpu']).default('auto'))
      .addOption(new Option('--cuda-devices <list>', 'CUDA devices, comma-separated'))
      .addOption(
        new Option('--cuda-streams <n>', 'CUDA streams per device').argParser(integerInRange('--cuda-streams', 1, 256)).default(16),
      )
      .addOption(new Option('--gpu-memory-limit <bytes>', 'device memory a DTW batch may use (K, M, G)'))
      .addOption(new Option('--resume', 'skip contigs already done in --output-dir under the same parameters'))
      .addOption(
        new Option('--halt <policy>', 'never (default: failed contigs are listed, the rest merged), soon,fail=N or now,fail=N').default(
          'never',
        ),
      )
      .addOption(new Option('--plan-only', 'write the plan (per_contig/plan/) and stop: the Snakemake workflow runs the contigs'))
      .addOption(quietOption());
    for (const option of progressOptions()) mods.addOption(option);
    mods.addHelpText(
      'after',
      `
Steps: index inputs without an index; per condition the reads in BAM, FASTQ and BLOW5 alike; per contig
the kept reads and depth, and the --min-depth filter (each skipped contig and its reason on stderr);
then per contig, --threads at a time, eventalign (native and IVT) | dtw-gpu | hmm-smooth into
per_contig/<contig>.tsv and .bam; then merge-slices into site_results.tsv and read_results.bam. A JSON
summary goes to stdout and summary.json; joblog is GNU parallel's --joblog layout. By default DTW runs
on the k-mers within --motif-flank bases of DRACH sites (--motif any: every position).

Exit: 0 done; 1 an error (nothing final written); 2 usage, or --resume against other parameters;
3 some contigs failed: the outputs hold the others, per_contig/ is kept, --resume retries them.

Examples:
  shoal mods --native-bam native.bam --native-fastq native.fastq --native-blow5 native.blow5 \\
      --ivt-bam ivt.bam --ivt-fastq ivt.fastq --ivt-blow5 ivt.blow5 --ref transcripts.fa -O mods
  shoal mods ... -O mods --resume            # after a stop: only the contigs not done
  shoal mods ... -O mods --target-contigs tx1,tx7 --threads 4 --keep-intermediate`,
    );
    mods.action(async (flags: ModsFlags) => {
      const reference = flags.reference ?? flags.ref;
      if (reference === undefined) throw new UsageError('give the reference: --ref (or -r, --reference)');
      if (flags.reference !== undefined && flags.ref !== undefined && flags.reference !== flags.ref)
        throw new UsageError('--ref and --reference name different files');
      const halt = parseHalt(flags.halt);
      if (halt === undefined) throw new UsageError(`--halt takes never, soon,fail=N or now,fail=N, got '${flags.halt}'`);
      if (flags.motif !== 'any' && !/^[ACGTURYSWKMBDHVN]+$/i.test(flags.motif))
        throw new UsageError(`--motif takes IUPAC nucleotide codes or "any", got '${flags.motif}'`);
      if (flags.kmerModel !== undefined && flags.pore !== 'rna002') throw new UsageError('give --pore or --kmer-model, not both');
      if (!flags.runHmm && flags.hmmParams !== undefined) throw new UsageError('--hmm-params shapes the HMM: not with --no-run-hmm');
      if (flags.legacyScoring === true && flags.score !== DEFAULT_SCORE_METHOD && flags.score !== 'ivt-distance')
        throw new UsageError(`--legacy-scoring is --score ivt-distance: not with --score ${flags.score}`);
      const threads = flags.jobs ?? flags.threads;
      const progress = new Progress('shoal mods', 1e6, progressWanted(flags), 'contigs');
      const log = (line: string): void => {
        if (!flags.quiet) process.stderr.write(`shoal mods: ${line}\n`);
      };
      const outputDir = flags.outputDir!;
      if (outputDir === '-') throw new UsageError('-O is a folder (site_results.tsv, read_results.bam, …), not stdout');
      let summary: ModsSummary;
      let exitCode = 0;
      try {
        summary = await runMods({
          inputs: {
            native: { bam: flags.nativeBam, fastq: flags.nativeFastq, blow5: flags.nativeBlow5 },
            ivt: { bam: flags.ivtBam, fastq: flags.ivtFastq, blow5: flags.ivtBlow5 },
          },
          reference,
          outputDir,
          minDepth: flags.minDepth,
          depthMode: flags.depthMode,
          minMapq: flags.minMapq,
          primaryOnly: flags.primaryOnly,
          padding: flags.padding,
          subsample: flags.subsample,
          subsampleN: flags.subsampleN,
          seed: flags.seed,
          // A set: its order changes neither the run nor (sorted) its fingerprint and @PG line.
          targetContigs:
            flags.targetContigs === undefined
              ? undefined
              : [...new Set(flags.targetContigs.split(',').filter((name) => name !== ''))].sort(),
          modThreshold: flags.modThreshold,
          writeBam: flags.writeBam,
          runHmm: flags.runHmm,
          hmmParams: flags.hmmParams,
          score: flags.legacyScoring === true ? 'ivt-distance' : flags.score,
          readIntersection: flags.readIntersection,
          motif: flags.motif === 'any' ? undefined : flags.motif.toUpperCase(),
          motifFlank: flags.motifFlank,
          kmerModel: flags.kmerModel,
          pore: flags.pore,
          keepIntermediate: flags.keepIntermediate === true,
          cleanupTemp: flags.cleanupTemp,
          threads,
          device: flags.device,
          cudaDevices: flags.cudaDevices,
          cudaStreams: flags.cudaStreams,
          gpuMemoryLimit: flags.gpuMemoryLimit,
          resume: flags.resume === true,
          halt,
          planOnly: flags.planOnly === true,
          log,
          warn: (line) => process.stderr.write(`shoal mods: ${line}\n`),
          onContigDone: (done, total) => progress.update(done, total === 0 ? undefined : (done / total) * 1e6),
        });
      } catch (error) {
        progress.done();
        if (error instanceof ResumeMismatch) throw new UsageError(error.message);
        if (!(error instanceof ModsFailure)) throw error;
        summary = error.summary;
        exitCode = summary.failed_contigs.length > 0 && summary.site_tsv !== null ? EXIT_SOME_CONTIGS_FAILED : 1;
        process.stderr.write(`shoal: error: ${error.message}\n`);
      }
      progress.done();
      const json = `${JSON.stringify(summary, null, 2)}\n`;
      // Beside the outputs it describes; a run stopped before merging has none (only the summary on stdout).
      if (!flags.planOnly && summary.site_tsv !== null) writeFileAtomic(path.join(outputDir, 'summary.json'), json);
      process.stdout.write(json);
      if (exitCode === 0)
        log(
          flags.planOnly
            ? `plan written under ${path.join(outputDir, 'per_contig', 'plan')}`
            : `${summary.n_total_sites.toLocaleString('en-US')} sites (${summary.n_significant.toLocaleString('en-US')} with padj < 0.05) on ${summary.n_contigs_passed_filter} contigs in ${summary.site_tsv}${summary.read_bam === null ? '' : `, reads in ${summary.read_bam}`}`,
        );
      if (exitCode !== 0) {
        await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
        process.exit(exitCode);
      }
    });
  });
}
