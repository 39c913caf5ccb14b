import { readingFrom, runTool } from '@shoal/cli';
import { AtomicFile, indexBam } from '@shoal/hts';

export function main(argv: string[]): Promise<never> {
  return runTool('bam-index', argv, (program) => {
    program
      .description('Index a coordinate-sorted BAM: writes <input>.bai (as samtools index does)')
      .argument('<input>', 'BAM file')
      .addHelpText('after', '\nExample:\n  bam-index sample.bam && bam2ndjson --region chr1:1-1000 sample.bam')
      .action(async (input: string) => {
        // A folder where the index goes is found before the BAM is read.
        AtomicFile.refuseFolders([`${input}.bai`]);
        readingFrom(input);
        await indexBam(input);
      });
  });
}
