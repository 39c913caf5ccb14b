import { Option } from 'commander';
import { byteSize, integerInRange, outputFileOption, readingFrom, runTool, threadsOption } from '@shoal/cli';
import { DEFAULT_SORT_MEMORY_BYTES, sortBamFile } from '@shoal/hts';

interface Flags {
  output: string;
  memory: number;
  threads: number;
  temporaryFolder?: string;
  writeIndex?: boolean;
  level: number;
}

export function main(argv: string[]): Promise<never> {
  return runTool('bam-sort', argv, (program) => {
    program
      .description('Sort BAM or SAM records by coordinate, as samtools sort does: the same records, in the same order')
      .argument('<input>', 'BAM or SAM file, or - for stdin')
      .addOption(outputFileOption('sorted BAM'))
      .addOption(
        new Option('-m, --memory <size>', 'records held in memory before a sorted run is written to disk, in bytes; K, M, G suffixes')
          .argParser(byteSize('--memory', 1024))
          .default(DEFAULT_SORT_MEMORY_BYTES, '768M'),
      )
      .addOption(threadsOption('the main thread sorts and merges, n-1 workers compress'))
      .option(
        '-T, --temporary-folder <dir>',
        "folder for the sorted runs (hidden files, removed at the end); default: the output's folder, or the system's for stdout",
      )
      .option('--write-index', 'also write <output>.bai; BAM and BAI appear together or not at all')
      .option('-l, --level <n>', 'compression level 0-9', integerInRange('--level', 0, 9), 6)
      .addHelpText(
        'after',
        `
The order is samtools sort's (1.16): reference (unplaced reads last), position, strand, and input
order on ties; the header says SO:coordinate. Unlike samtools' per-thread -m, --memory is the
total. The output is written under a temporary name and renamed when complete, so sorting a file
onto itself is safe.

Examples:
  bam-sort -o sorted.bam --write-index aligned.bam
  minimap2 -a ref.fa reads.fq | bam-sort -o sorted.bam -
  bam-sort -m 2G -t 4 -T /scratch/tmp -o sorted.bam big.bam
  bam-sort aligned.sam -o - | bam2ndjson - | head`,
      )
      .action(async (input: string, flags: Flags) => {
        readingFrom(input);
        await sortBamFile(input, flags.output, {
          memoryBytes: flags.memory,
          threads: flags.threads,
          temporaryFolder: flags.temporaryFolder,
          writeIndex: flags.writeIndex,
          level: flags.level,
        });
      });
  });
}
