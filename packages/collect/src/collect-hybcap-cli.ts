import { singleToolMain } from './shell.js';

export const main = singleToolMain(
  'hybcap',
  'Hybrid-selection (target capture) metrics: bait and target coverage, enrichment, penalties (Picard CollectHsMetrics; riker hybcap)',
  `
Needs a coordinate-sorted input, targets and baits (BED or interval_list, told apart by content;
overlapping intervals are merged as Picard merges them). The reference (-r) is optional: with it,
each target's GC gives AT_DROPOUT and GC_DROPOUT (0 without), and --per-target-coverage needs it.
One thread reads; --by-region --threads N reads an indexed BAM as N regions at once and merges
them exactly (not with --per-base-coverage); on a cluster, shard by region
(--region chr1 --partial chr1.json, ...) and join the shards with collect-merge.

Outputs: <prefix>.hybcap-metrics.txt (riker layout) or <prefix>.hs_metrics (--format picard, as
Picard writes it); with --per-target-coverage <prefix>.hybcap-per-target.txt or
<prefix>.per_target_coverage, with --per-base-coverage <prefix>.hybcap-per-base.txt or
<prefix>.per_base_coverage.

Examples:
  collect-hybcap -i sample.bam --targets exome.bed --baits baits.bed -o qc/sample
  collect-hybcap -i sample.bam -r ref.fa --targets t.interval_list --baits b.interval_list -o qc/sample --format picard --per-target-coverage
  collect-multi -i sample.bam -r ref.fa -o qc/sample --tools alignment,isize,hybcap --hybcap::targets t.bed --hybcap::baits b.bed`,
);
