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
  UsageError,
  type CommonFlags,
} from '@shoal/cli';
import { bamToNdjson, parseFields } from './bam2ndjson.js';

interface Flags extends CommonFlags {
  output: string;
  fields?: string;
  region?: string;
  headerOnly?: boolean;
  header: boolean;
  threads: number;
}

export function main(argv: string[]): Promise<never> {
  return runTool('bam2ndjson', argv, (program) => {
    program
      .description('BAM, SAM or shoal NDJSON to NDJSON: a header record, then one JSON object per record (schema: docs/formats.md)')
      .argument('[input]', 'BAM or SAM file, or - for stdin', '-')
      .addOption(outputFileOption())
      .option(
        '-f, --fields <list>',
        'comma-separated record fields to keep (qname,flag,rname,pos,mapq,cigar,rnext,pnext,tlen,seq,qual,tags)',
      )
      .addOption(regionOption('only records overlapping chr, chr:start or chr:start-end (1-based, inclusive); needs <input>.bai'))
      .option('--header-only', 'print only the header record')
      .option('--no-header', 'leave out the header record (plain record lines)')
      .addOption(threadsOption('the main thread plus n-1 workers that inflate and format (BAM input)'))
      .addOption(quietOption());
    for (const option of progressOptions()) program.addOption(option);
    program
      .addHelpText(
        'after',
        `
Positions are 1-based, as in SAM; unavailable values are written as SAM writes them ("*", 0).
Tags keep their BAM type: "tags":{"NM":["C",1],"ZB":["B:s",[1,-2]]}.

Examples:
  bam2ndjson sample.bam | head -3
  bam2ndjson --threads 4 sample.bam > sample.ndjson
  bam2ndjson --region chr1:10,000-20,000 sample.bam > region.ndjson
  bam2ndjson --fields qname,flag,pos sample.bam | jq -c 'select(.flag == 99)'
  bam2ndjson sample.bam | jq -c 'if .qname then .mapq = 0 else . end' | ndjson2bam -o edited.bam
  samtools view -h sample.bam | bam2ndjson - > sample.ndjson`,
      )
      .action(async (input: string, flags: Flags) => {
        if (flags.headerOnly && !flags.header) throw new UsageError('--header-only and --no-header contradict each other');
        let fields;
        try {
          fields = flags.fields === undefined ? undefined : parseFields(flags.fields);
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
        // A progress line shares the terminal with the data when the output is stdout: only on request then.
        const progress = new Progress(
          'bam2ndjson',
          inputSizeBytes(input),
          progressWanted(flags) && (flags.output !== '-' || flags.progress === true),
        );
        readingFrom(input);
        await bamToNdjson({
          input,
          output: flags.output,
          fields,
          region: flags.region,
          headerOnly: flags.headerOnly,
          noHeader: !flags.header,
          threads: flags.threads,
          onProgress: (records, bytes) => progress.update(records, bytes),
        });
        progress.done();
      });
  });
}
