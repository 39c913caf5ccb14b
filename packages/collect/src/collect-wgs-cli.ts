import { singleToolMain } from './shell.js';

export const main = singleToolMain(
  'wgs',
  'Whole-genome coverage: depth histogram, exclusions, PCT_xX and FOLD_80 (Picard CollectWgsMetrics; riker wgs)',
  `
Needs a coordinate-sorted input and the reference FASTA (-r) it was aligned to: reference N
bases are not territory. One thread reads; --by-region --threads N reads an indexed BAM as N
regions at once and merges them exactly (faster only on genomes of few, long contigs). On a
cluster, shard by region
(--region chr1 --partial chr1.json, ...) and join the shards with collect-merge.

Outputs: <prefix>.wgs-metrics.txt and <prefix>.wgs-coverage.txt (riker layout), or
<prefix>.wgs_metrics (--format picard, as Picard writes it).

Examples:
  collect-wgs -i sample.bam -r ref.fa -o qc/sample
  collect-wgs -i sample.bam -r ref.fa -o qc/sample --format picard --coverage-cap 500
  collect-wgs -i sample.bam -r ref.fa --region chr1 --partial qc/sample.chr1.json`,
);
