#!/usr/bin/env bash
# Regenerates the samtools golden outputs the format tests compare against.
# Needs samtools (Debian: apt-get install samtools) and a built workspace (npm ci).
# The demo BAM is made by our simulator (deterministic); samtools reads it and writes the truth:
#   demo.sam.gz          samtools view -h demo.bam            (every field of every record)
#   demo.regions.tsv     samtools view -X demo.bam samtools.bai REGION, for each region below,
#                        through an index samtools built itself (so our BAI is checked against it)
#   demo.idxstats.txt    samtools idxstats demo.bam, reading OUR demo.bam.bai
#   demo.quickcheck.txt  samtools quickcheck -v demo.bam (empty = accepted)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=test/golden
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node tools/dist/make-data.js demo "$work"
samtools --version | head -1 > "$out/samtools-version.txt"
samtools view -h "$work/demo.bam" | gzip -n -9 > "$out/demo.sam.gz"
samtools index -o "$work/samtools.bai" "$work/demo.bam"
: > "$out/demo.regions.tsv"
while read -r region; do
  samtools view -X "$work/demo.bam" "$work/samtools.bai" "$region" | awk -v r="$region" -F '\t' '{print r "\t" $1 "\t" $2 "\t" $4}' >> "$out/demo.regions.tsv"
  printf '%s\t#count\t%s\n' "$region" "$(samtools view -c -X "$work/demo.bam" "$work/samtools.bai" "$region")" >> "$out/demo.regions.tsv"
done < "$out/regions.txt"
samtools idxstats "$work/demo.bam" > "$out/demo.idxstats.txt"
samtools quickcheck -v "$work/demo.bam" > "$out/demo.quickcheck.txt" 2>&1
echo "goldens written to $out from $(cat "$out/samtools-version.txt")"
