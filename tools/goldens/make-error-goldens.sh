#!/usr/bin/env bash
# Regenerates the CollectSamErrorMetrics goldens the collect-error tests compare against.
# Needs Picard 2.27.5 (Debian: apt-get install picard-tools) and python3.
# Input: test/fixtures/error/edge.{sam,fa,vcf} (tools/goldens/make-error-edge-sam.py 3 test/fixtures/error/edge).
# Every stratifier with each of the three error kinds, plus Picard's default composite directives, in two runs (one
# with the VCF of known sites, one without); each golden is the metrics file from "## METRICS CLASS" on.
set -euo pipefail
cd "$(dirname "$0")/../.."
fixtures=test/fixtures/error
out=test/golden/qc/error
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
cp "$fixtures/edge.fa" "$work/edge.fa"
samtools faidx "$work/edge.fa"
picard() { PicardCommandLine "$@" 2>>"$work/picard.log" >/dev/null || { tail -30 "$work/picard.log" >&2; exit 1; }; }
picard CreateSequenceDictionary R="$work/edge.fa" O="$work/edge.dict"
# PAIR_PROPERNESS fails on an unpaired read in Picard (SAMRecord.getProperPairFlag): it runs on the pairs alone, below.
# INDEL_LENGTH fails ("Wrong CIGAR operator") on an indel after an insertion whose first base htsjdk dropped for its
# quality: it runs on the reads without an indel after an insertion, below.
strata=(GC_CONTENT READ_ORDINALITY READ_BASE READ_DIRECTION PAIR_ORIENTATION REFERENCE_BASE PRE_DINUC
  POST_DINUC HOMOPOLYMER_LENGTH HOMOPOLYMER BINNED_HOMOPOLYMER FLOWCELL_TILE FLOWCELL_Y FLOWCELL_X READ_GROUP CYCLE
  BINNED_CYCLE SOFT_CLIPS INSERT_LENGTH BASE_QUALITY MAPPING_QUALITY MISMATCHES_IN_READ ONE_BASE_PADDED_CONTEXT
  TWO_BASE_PADDED_CONTEXT CONSENSUS NS_IN_READ INSERTIONS_IN_READ DELETIONS_IN_READ INDELS_IN_READ)
# "null" first: a Picard list argument adds to its defaults otherwise.
args=(ERROR_METRICS=null)
for kind in ERROR OVERLAPPING_ERROR INDEL_ERROR; do
  args+=("ERROR_METRICS=$kind")
  for s in "${strata[@]}"; do args+=("ERROR_METRICS=$kind:$s"); done
done
for d in ERROR:READ_ORDINALITY:CYCLE ERROR:READ_ORDINALITY:HOMOPOLYMER ERROR:READ_ORDINALITY:GC_CONTENT \
  ERROR:READ_ORDINALITY:PRE_DINUC OVERLAPPING_ERROR:READ_ORDINALITY:CYCLE OVERLAPPING_ERROR:READ_ORDINALITY:HOMOPOLYMER \
  OVERLAPPING_ERROR:READ_ORDINALITY:GC_CONTENT; do
  args+=("ERROR_METRICS=$d")
done
# With known sites (the sites' loci are skipped), and without.
picard CollectSamErrorMetrics I="$fixtures/edge.sam" R="$work/edge.fa" V="$fixtures/edge.vcf" O="$work/vcf" "${args[@]}"
# Picard 2.27.5 requires VCF: no known sites is a VCF of header lines only.
grep '^#' "$fixtures/edge.vcf" > "$work/none.vcf"
picard CollectSamErrorMetrics I="$fixtures/edge.sam" R="$work/edge.fa" V="$work/none.vcf" O="$work/novcf" ERROR_METRICS=null ERROR_METRICS=ERROR \
  ERROR_METRICS=INDEL_ERROR ERROR_METRICS=OVERLAPPING_ERROR ERROR_METRICS=ERROR:BASE_QUALITY
awk -F'\t' '/^@/ || $2 % 2 == 1' "$fixtures/edge.sam" > "$work/paired.sam"
picard CollectSamErrorMetrics I="$work/paired.sam" R="$work/edge.fa" V="$fixtures/edge.vcf" O="$work/paired" ERROR_METRICS=null \
  ERROR_METRICS=ERROR:PAIR_PROPERNESS ERROR_METRICS=OVERLAPPING_ERROR:PAIR_PROPERNESS ERROR_METRICS=INDEL_ERROR:PAIR_PROPERNESS
awk -F'\t' '/^@/ || $6 !~ /I.*[ID]/' "$fixtures/edge.sam" > "$work/indel_length.sam"
picard CollectSamErrorMetrics I="$work/indel_length.sam" R="$work/edge.fa" V="$fixtures/edge.vcf" O="$work/indel_length" \
  ERROR_METRICS=null ERROR_METRICS=ERROR:INDEL_LENGTH ERROR_METRICS=OVERLAPPING_ERROR:INDEL_LENGTH \
  ERROR_METRICS=INDEL_ERROR:INDEL_LENGTH ERROR_METRICS=INDEL_ERROR:READ_GROUP:INDEL_LENGTH:READ_DIRECTION
strip() { awk 'f || /^## (METRICS CLASS|HISTOGRAM)/ { f = 1; print }' "$1" > "$2"; }
rm -f "$out"/*
for f in "$work"/{vcf,novcf,paired,indel_length}.*error_by_*; do strip "$f" "$out/$(basename "$f")"; done
dpkg-query -W -f '${Package} ${Version}\n' picard-tools libhtsjdk-java > "$out/picard-version.txt"
echo "error goldens written to $out: $(ls "$out" | wc -l) files"
