/** fq-transform: flags only; the work is in process.ts, verify.ts and template.ts. */
import {
  DEFAULT_THREADS,
  outputDirOption,
  Progress,
  progressOptions,
  progressWanted,
  quietOption,
  readingFrom,
  runTool,
  threadsOption,
  type CommonFlags,
} from '@shoal/cli';
import { HtsError } from '@shoal/hts';
import { planFromFile } from './config.js';
import { formatTimings, processConfig } from './process.js';
import { TEMPLATE } from './template.js';
import { verifyCases, parseThreadList } from './verify.js';

const EXAMPLES = `
Examples:
  fq-transform template > config.toml          # every step, commented
  fq-transform validate config.toml            # check a configuration without reading data
  fq-transform process config.toml --threads 2 # run it (outputs land in the working directory)
  fq-transform process config.toml --no-workpool --timing -O results/
  fq-transform verify test/fastq-cases         # run test-case folders, compare outputs

Configuration: mbf-fastq-processor's TOML ([input], [[step]] action = "...", [output], [options]).
Input files are FASTQ, FASTA or BAM, plain, gzip or zstd (told by their bytes); '--stdin--' reads stdin.`;

export function main(argv: string[]): Promise<never> {
  return runTool('fq-transform', argv, (program) => {
    program
      .description('FASTQ processing: a TOML-configured chain of steps over read segments (mbf-fastq-processor compatible)')
      .addHelpText('after', EXAMPLES);

    const processCommand = program
      .command('process')
      .description('run a configuration')
      .argument('<config>', "the TOML configuration ('-': read it from stdin)")
      .option('--allow-overwrite', 'replace existing output files')
      .addOption(
        threadsOption(
          `the main thread plus n-1 workers; default: options.threads of the configuration, else ${DEFAULT_THREADS}`,
          undefined,
        ),
      )
      .option('--no-workpool', 'use the classic thread-per-step pipeline (for comparison)')
      .option('--timing', 'print wall and CPU time per step to stderr')
      .addOption(outputDirOption('folder the outputs go to (default: the working directory; created when missing)'))
      .addOption(quietOption());
    for (const option of progressOptions()) processCommand.addOption(option);
    processCommand.action(
      async (
        config: string,
        flags: CommonFlags & { allowOverwrite?: boolean; threads?: number; workpool: boolean; timing?: boolean; outputDir?: string },
      ) => {
        // A progress line on stderr (molecules read, rate, time): on a terminal, or on request.
        const progress = new Progress('fq-transform', undefined, progressWanted(flags), 'molecules');
        // Inputs are many; an internal error names the configuration and the molecules read.
        readingFrom(config);
        const report = await processConfig({
          onProgress: (molecules) => progress.update(molecules),
          configFile: config,
          allowOverwrite: flags.allowOverwrite,
          threads: flags.threads,
          workpool: flags.workpool,
          outputDirectory: flags.outputDir,
        });
        progress.done();
        if (flags.timing) process.stderr.write(formatTimings(report));
      },
    );

    program
      .command('validate')
      .description('check a configuration (keys, types, steps, tags) without reading data')
      .argument('<config>', "the TOML configuration ('-': read it from stdin)")
      .action((config: string) => {
        const plan = planFromFile(config);
        process.stderr.write(`${config}: ok (${plan.steps.length} steps, segments ${plan.input.segments.join(', ')})\n`);
      });

    program
      .command('template')
      .description('print a commented configuration with every step')
      .action(() => {
        process.stdout.write(TEMPLATE);
      });

    program
      .command('verify')
      .description('run test-case folders (input.toml + expected outputs) in both pipelines at several thread counts')
      .argument('<path>', 'a case folder, or a tree of them')
      .option('--threads-list <list>', 'thread counts to run each case at', '1,2,8')
      .option('--workpool-only', 'skip the classic pipeline')
      .addOption(outputDirOption('keep the outputs of failed cases in this folder'))
      .action(async (root: string, options: { threadsList: string; workpoolOnly?: boolean; outputDir?: string }) => {
        const result = await verifyCases(root, {
          threads: parseThreadList(options.threadsList),
          modes: options.workpoolOnly ? [true] : [true, false],
          keepFailuresIn: options.outputDir,
          log: (line) => process.stderr.write(`${line}\n`),
        });
        process.stdout.write(`${result.passed} passed, ${result.failed} failed\n`);
        if (result.failed > 0) throw new HtsError(`${result.failed} of ${result.passed + result.failed} cases failed`);
      });
  });
}
