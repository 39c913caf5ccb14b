import { singleToolMain } from './shell.js';

export const main = singleToolMain(
  'basic',
  'Base composition and mean quality by cycle, and the quality score distribution (Picard CollectBaseDistributionByCycle, MeanQualityByCycle, QualityScoreDistribution; riker basic)',
  `
Outputs: <prefix>.base-distribution-by-cycle.txt, .mean-quality-by-cycle.txt and
.quality-score-distribution.txt (riker layout), or Picard's .base_distribution_by_cycle_metrics,
.quality_by_cycle_metrics and .quality_distribution_metrics (--format picard).

Examples:
  collect-basic -i sample.bam -o qc/sample
  collect-basic -i sample.bam -o qc/sample --format picard --threads 4`,
);
