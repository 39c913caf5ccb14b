import {
  integerInRange,
  outputFileOption,
  Progress,
  progressOptions,
  progressWanted,
  quietOption,
  readingFrom,
  runTool,
  threadsOption,
  type CommonFlags,
} from '@shoal/cli';
import { ndjsonToBam } from './ndjson2bam.js';

interface Flags extends CommonFlags {
  output: string;
  writeIndex?: boolean;
  level: number;
  threads: number;
}

export function main(argv: string[]): Promise<never> {
  return runTool('ndjson2bam', argv, (program) => {
    program
      .description("bam2ndjson's NDJSON (or SAM, or BAM) to BAM")
      .argument('[input]', 'NDJSON file, or - for stdin', '-')
      .addOption(outputFileOption('BAM file'))
      .option('--write-index', 'also write <output>.bai (records must be coordinate-sorted); BAM and BAI appear together or not at all')
      .option('-l, --level <n>', 'compression level 0-9', integerInRange('--level', 0, 9), 6)
      .addOption(threadsOption('the main thread parses, n-1 workers compress'))
      .addOption(quietOption());
    for (const option of progressOptions()) program.addOption(option);
    program
      .addHelpText(
        'after',
        `
The first line must be bam2ndjson's header record. A generic "i" tag type takes the smallest
BAM integer type that fits, as samtools does for SAM text.

Examples:
  bam2ndjson in.bam | jq -c 'if .tags then .tags.XX = ["Z","edited"] else . end' | ndjson2bam -o out.bam
  ndjson2bam --write-index -o sorted.bam records.ndjson`,
      )
      .action(async (input: string, flags: Flags) => {
        // BAM on stdout is binary: a progress line goes to a terminal only when the BAM does not.
        const progress = new Progress('ndjson2bam', undefined, progressWanted(flags) && (flags.output !== '-' || flags.progress === true));
        readingFrom(input);
        await ndjsonToBam({
          input,
          output: flags.output,
          writeIndex: flags.writeIndex,
          level: flags.level,
          threads: flags.threads,
          onProgress: (records) => progress.update(records),
        });
        progress.done();
      });
  });
}
