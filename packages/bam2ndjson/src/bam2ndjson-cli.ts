import { Progress, positiveInteger, runTool, UsageError } from '@shoal/cli';
import { openByteSource } from '@shoal/hts';
import { bamToNdjson, parseFields } from './bam2ndjson.js';

export function main(argv: string[]): Promise<never> {
  return runTool('bam2ndjson', argv, (program) => {
    program
      .description('BAM, SAM or shoal NDJSON to NDJSON: a header record, then one JSON object per record (schema: docs/formats.md)')
      .argument('[input]', 'BAM or SAM file, or - for stdin', '-')
      .option('-o, --output <path>', 'output file, or - for stdout', '-')
      .option('-f, --fields <list>', 'comma-separated record fields to keep (qname,flag,rname,pos,mapq,cigar,rnext,pnext,tlen,seq,qual,tags)')
      .option('-r, --region <region>', 'only records overlapping chr, chr:start or chr:start-end (1-based, inclusive); needs <input>.bai')
      .option('--header-only', 'print only the header record')
      .option('--no-header', 'leave out the header record (plain record lines)')
      .option('-t, --threads <n>', 'total threads: the main thread plus n-1 workers that inflate and format (BAM input)', positiveInteger('--threads'), 2)
      .option('-q, --quiet', 'no progress on stderr')
      .addHelpText(
        'after',
        `
Positions are 1-based, as in SAM; unavailable values are written as SAM writes them ("*", 0).
Tags keep their BAM type: "tags":{"NM":["C",1],"ZB":["B:s",[1,-2]]}.

Examples:
  bam2ndjson sample.bam | head -3
  bam2ndjson --threads 4 sample.bam > sample.ndjson
  bam2ndjson -r chr1:10,000-20,000 sample.bam > region.ndjson
  bam2ndjson --fields qname,flag,pos sample.bam | jq -c 'select(.flag == 99)'
  bam2ndjson sample.bam | jq -c 'if .qname then .mapq = 0 else . end' | ndjson2bam -o edited.bam
  samtools view -h sample.bam | bam2ndjson - > sample.ndjson`,
      )
      .action(async (input: string, options: { output: string; fields?: string; region?: string; headerOnly?: boolean; header: boolean; quiet?: boolean; threads: number }) => {
        if (options.headerOnly && !options.header) throw new UsageError('--header-only and --no-header contradict each other');
        let fields;
        try {
          fields = options.fields === undefined ? undefined : parseFields(options.fields);
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
        const size = input === '-' ? undefined : safeSize(input);
        const progress = new Progress('bam2ndjson', size, !options.quiet && process.stderr.isTTY === true && options.output !== '-');
        await bamToNdjson({
          input,
          output: options.output,
          fields,
          region: options.region,
          headerOnly: options.headerOnly,
          noHeader: !options.header,
          threads: options.threads,
          onProgress: (records, bytes) => progress.update(records, bytes),
        });
        progress.done();
      });
  });
}

function safeSize(path: string): number | undefined {
  try {
    const source = openByteSource(path);
    source.close();
    return source.sizeBytes;
  } catch {
    return undefined; // the real open reports the error
  }
}
