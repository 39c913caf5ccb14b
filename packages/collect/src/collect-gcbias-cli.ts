import { singleToolMain } from './shell.js';

export const main = singleToolMain(
  'gcbias',
  'GC bias: reads and reference windows per GC percentage, dropouts (Picard CollectGcBiasMetrics; riker gcbias)',
  `
Needs the reference FASTA (-r) the reads were aligned to. Every record counts, duplicates and
secondary alignments too, as in Picard.

Outputs: <prefix>.gcbias-detail.txt and <prefix>.gcbias-summary.txt (riker layout), or
<prefix>.gc_bias.detail_metrics and <prefix>.gc_bias.summary_metrics (--format picard).

Examples:
  collect-gcbias -i sample.bam -r ref.fa -o qc/sample
  collect-gcbias -i sample.bam -r ref.fa -o qc/sample --format picard --threads 4`,
);
