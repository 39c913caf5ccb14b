import { integerInRange, positiveInteger, runTool } from '@shoal/cli';
import { ndjsonToBam } from './ndjson2bam.js';

export function main(argv: string[]): Promise<never> {
  return runTool('ndjson2bam', argv, (program) => {
    program
      .description("bam2ndjson's NDJSON (or SAM, or BAM) to BAM")
      .argument('[input]', 'NDJSON file, or - for stdin', '-')
      .option('-o, --output <path>', 'BAM file, or - for stdout', '-')
      .option('--write-index', 'also write <output>.bai (records must be coordinate-sorted)')
      .option('-l, --level <n>', 'compression level 0-9', integerInRange('--level', 0, 9), 6)
      .option('-t, --threads <n>', 'total threads: the main thread parses, n-1 workers compress', positiveInteger('--threads'), 2)
      .addHelpText(
        'after',
        `
The first line must be bam2ndjson's header record. A generic "i" tag type takes the smallest
BAM integer type that fits, as samtools does for SAM text.

Examples:
  bam2ndjson in.bam | jq -c 'if .tags then .tags.XX = ["Z","edited"] else . end' | ndjson2bam -o out.bam
  ndjson2bam --write-index -o sorted.bam records.ndjson`,
      )
      .action(async (input: string, options: { output: string; writeIndex?: boolean; level: number; threads: number }) => {
        await ndjsonToBam({ input, output: options.output, writeIndex: options.writeIndex, level: options.level, threads: options.threads });
      });
  });
}
