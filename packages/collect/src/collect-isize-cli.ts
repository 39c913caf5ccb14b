import { singleToolMain } from './shell.js';

export const main = singleToolMain(
  'isize',
  'Insert size distribution per pair orientation (Picard CollectInsertSizeMetrics; riker isize)',
  `
Outputs: <prefix>.isize-metrics.txt and <prefix>.isize-histogram.txt (riker layout), or
<prefix>.insert_size_metrics (--format picard, as Picard writes it).

Examples:
  collect-isize -i sample.bam -o qc/sample
  collect-isize -i sample.bam -o qc/sample --format picard --min-frac 0
  bam2ndjson sample.bam | collect-isize -i - -o qc/sample`,
);
