import { runTool } from '@shoal/cli';
import { addCommonOptions, addToolOptions, runCollect, toolOptionsFrom, type CommonParsed } from './shell.js';

export function main(argv: string[]): Promise<never> {
  return runTool('collect-basic', argv, (program) => {
    program.description('Base composition and mean quality by cycle, and the quality score distribution (Picard CollectBaseDistributionByCycle, MeanQualityByCycle, QualityScoreDistribution; riker basic)');
    addCommonOptions(program);
    addToolOptions(program, 'basic', false);
    program.addHelpText(
      'after',
      `
Outputs: <prefix>.base-distribution-by-cycle.txt, .mean-quality-by-cycle.txt and
.quality-score-distribution.txt (riker layout), or Picard's .base_distribution_by_cycle_metrics,
.quality_by_cycle_metrics and .quality_distribution_metrics (--format picard).

Examples:
  collect-basic -i sample.bam -o qc/sample
  collect-basic -i sample.bam -o qc/sample --format picard --threads 4`,
    );
    program.action(async (parsed: CommonParsed & Record<string, unknown>) => {
      await runCollect('collect-basic', ['basic'], parsed, toolOptionsFrom(parsed, ['basic'], false), argv);
    });
  });
}
