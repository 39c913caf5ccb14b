import { outputPrefixOption, quietOption, runTool, SHOAL_VERSION, UsageError } from '@shoal/cli';
import { formatOption } from './shell.js';
import { mergeMetrics } from '@shoal/qc';

export function main(argv: string[]): Promise<never> {
  return runTool('collect-merge', argv, (program) => {
    program
      .description(
        'Combine partial states (collect-* --partial) from runs over different regions, read subsets or machines into the metrics of one pass',
      )
      .argument('<partial...>', 'partial-state files')
      .addOption(outputPrefixOption('output prefix: files are <prefix>.<metric>.txt').makeOptionMandatory())
      .addOption(formatOption())
      .option('--no-plots', 'do not draw the SVG plots beside the metrics')
      .option('--report', "also write <prefix>.report.html, as collect-multi does (the merge of a collect-multi's shards)")
      .addOption(quietOption())
      .addHelpText(
        'after',
        `
Examples:
  for c in chr1 chr2 '*'; do collect-multi -i s.bam --region "$c" --partial "s.$c.partial.json"; done
  collect-merge -o qc/s --report s.*.partial.json`,
      )
      .action((partials: string[], options: { output: string; format: string; quiet?: boolean; plots: boolean; report?: boolean }) => {
        if (options.format !== 'riker' && options.format !== 'picard')
          throw new UsageError(`--format takes riker or picard, got '${options.format}'`);
        const result = mergeMetrics(partials, options.output, options.format, ['collect-merge', ...argv.slice(2)].join(' '), {
          plots: options.plots,
          report: options.report === true ? { version: SHOAL_VERSION } : undefined,
        });
        if (!options.quiet)
          process.stderr.write(
            `collect-merge: ${partials.length} partial states, ${result.records.toLocaleString('en-US')} records; wrote ${result.files.join(', ')}\n`,
          );
      });
  });
}
