import { singleToolMain } from './shell.js';

export const main = singleToolMain(
  'alignment',
  'Alignment summary per read category: reads, aligned and HQ bases, mismatch and indel rates, pairs, chimeras, clipping (Picard CollectAlignmentSummaryMetrics; riker alignment)',
  `
The reference (-r) is optional, as in Picard: without it there are no mismatches
(PF_MISMATCH_RATE, PF_HQ_ERROR_RATE and PF_HQ_MEDIAN_MISMATCHES are 0).

Outputs: <prefix>.alignment-metrics.txt (riker layout), or
<prefix>.alignment_summary_metrics (--format picard, as Picard writes it).

Examples:
  collect-alignment -i sample.bam -r ref.fa -o qc/sample
  collect-alignment -i sample.bam -r ref.fa -o qc/sample --format picard --max-insert-size 1000
  bam2ndjson sample.bam | collect-alignment -i - -r ref.fa -o qc/sample`,
);
