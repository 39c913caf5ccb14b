#!/usr/bin/env bash
# Rows of Debian's nanopolish 0.14.0 eventalign, for the TSV formatter's test (packages/nanopore/src/eventalign/
# nanopolish-rows.test.ts): four simulated direct-RNA reads (simulate-reads.py), aligned as a user would align them,
# then eventalign with and without --scale-events. Needs nanopolish, minimap2, samtools and python3-slow5
# (apt-get install nanopolish minimap2 samtools python3-slow5).
#
#   tools/goldens/eventalign/make-nanopolish-rows.sh
#
# Writes test/golden/eventalign/: ref.fa, the reference; scaled.tsv, every row with --scale-events --signal-index
# --print-read-names and summary.tsv from the same run (-t 1: nanopolish's order); plain.tsv, the first 400 rows
# without flags. Not --samples: the samples are the read's signal scaled with a scaling nanopolish prints to three
# decimals only, so they cannot be recomputed from its output.
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=test/golden/eventalign
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
/usr/bin/python3 tools/goldens/eventalign/simulate-reads.py "$work"
minimap2 -ax map-ont -uf -k14 --secondary=no "$work/ref.fa" "$work/reads.fastq" 2>/dev/null | samtools sort -o "$work/reads.bam" 2>/dev/null
samtools index "$work/reads.bam"
nanopolish index --slow5 "$work/reads.blow5" "$work/reads.fastq" 2>/dev/null
nanopolish eventalign --reads "$work/reads.fastq" --bam "$work/reads.bam" --genome "$work/ref.fa" -t 1 \
  --scale-events --signal-index --print-read-names --summary "$out/summary.tsv" >"$out/scaled.tsv" 2>/dev/null
nanopolish eventalign --reads "$work/reads.fastq" --bam "$work/reads.bam" --genome "$work/ref.fa" -t 1 >"$work/plain.tsv" 2>/dev/null
head -401 "$work/plain.tsv" >"$out/plain.tsv"
cp "$work/ref.fa" "$out/ref.fa"
wc -l "$out"/*.tsv
