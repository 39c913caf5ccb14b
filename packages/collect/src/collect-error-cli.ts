import { singleToolMain } from './shell.js';

export const main = singleToolMain(
  'error',
  'Base error rates by stratum: mismatches, indels and overlapping-mate disagreement (Picard CollectSamErrorMetrics; riker error)',
  `
Needs a coordinate-sorted input and the reference FASTA (-r) it was aligned to. Every base
with MAPQ >= --min-mapq and quality >= --min-bq counts (duplicates, secondary and supplementary
alignments do not); loci of known variants (--vcf, records not FILTERed) are skipped, so that
what differs from the reference there is error. Each directive of --metrics counts one
calculator (ERROR, OVERLAPPING_ERROR, INDEL_ERROR) by its stratifiers (BASE_QUALITY, CYCLE,
READ_ORDINALITY, HOMOPOLYMER, ... : collect-docs error lists all 32); the default is Picard's 26.

Outputs: <prefix>.error-mismatch.txt, .error-overlap.txt and .error-indel.txt (riker layout:
every directive's rows, stratifier and covariate first), or one file per directive,
<prefix>.error_by_base_quality etc. (--format picard, as Picard writes them).

Examples:
  collect-error -i sample.bam -r ref.fa --vcf dbsnp.vcf.gz -o qc/sample
  collect-error -i sample.bam -r ref.fa --vcf known.vcf -o qc/sample --format picard \\
    --metrics ERROR:BASE_QUALITY,ERROR:READ_ORDINALITY:CYCLE,INDEL_ERROR:INDEL_LENGTH`,
);
