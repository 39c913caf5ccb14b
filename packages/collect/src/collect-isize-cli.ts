import { runTool } from '@shoal/cli';
import { addCommonOptions, addToolOptions, runCollect, toolOptionsFrom, type CommonParsed } from './shell.js';

export function main(argv: string[]): Promise<never> {
  return runTool('collect-isize', argv, (program) => {
    program.description('Insert size distribution per pair orientation (Picard CollectInsertSizeMetrics; riker isize)');
    addCommonOptions(program);
    addToolOptions(program, 'isize', false);
    program.addHelpText(
      'after',
      `
Outputs: <prefix>.isize-metrics.txt and <prefix>.isize-histogram.txt (riker layout), or
<prefix>.insert_size_metrics (--format picard, as Picard writes it).

Examples:
  collect-isize -i sample.bam -o qc/sample
  collect-isize -i sample.bam -o qc/sample --format picard --min-frac 0
  bam2ndjson sample.bam | collect-isize -i - -o qc/sample`,
    );
    program.action(async (parsed: CommonParsed & Record<string, unknown>) => {
      await runCollect('collect-isize', ['isize'], parsed, toolOptionsFrom(parsed, ['isize'], false), argv);
    });
  });
}
