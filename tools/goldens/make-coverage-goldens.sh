#!/usr/bin/env bash
# Regenerates the Picard golden outputs of the coverage collectors (collect-wgs, collect-gcbias, collect-hybcap).
# Needs Picard 2.27.5 and samtools (Debian: apt-get install picard-tools samtools) and a built workspace (npm ci).
# CollectGcBiasMetrics requires CHART= and an Rscript it can start, but writes its metrics before calling R: a stand-in
# Rscript that exits 0 is put first on PATH, so R is not needed. Each golden is the metrics file Picard wrote, from "## METRICS CLASS" on (the header lines above it
# hold the command line and the date). Inputs:
#  - the coverage data set of our simulator (deterministic): tools/dist/make-data.js cov: N gaps, soft-masked repeats, a
#    contig without reads between two with reads, short fragments (overlapping mates), duplicates, QC failures;
#  - test/fixtures/wgs/edge.{sam,fa} (tools/goldens/make-wgs-edge-sam.py 2): adapter-like reads, supplementary
#    alignments over their own primary, IUPAC reference bases, qualities 0-2, N read bases, a pile-up hot spot.
# Exact commands:
set -euo pipefail
cd "$(dirname "$0")/../.."
out=test/golden/qc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
picard() { PicardCommandLine "$@" 2>>"$work/picard.log" >/dev/null; }
strip() { awk 'f || /^## (METRICS CLASS|HISTOGRAM)/ { f = 1; print }' "$1" > "$2"; }
node tools/dist/make-data.js cov "$work"
picard CollectWgsMetrics I="$work/cov.bam" O="$work/wgs.txt" R="$work/cov.fa"
strip "$work/wgs.txt" "$out/wgs.default.wgs_metrics"
picard CollectWgsMetrics I="$work/cov.bam" O="$work/wgs5.txt" R="$work/cov.fa" COVERAGE_CAP=5
strip "$work/wgs5.txt" "$out/wgs.coverage_cap_5.wgs_metrics"
picard CollectWgsMetrics I="$work/cov.bam" O="$work/wgsU.txt" R="$work/cov.fa" COUNT_UNPAIRED=true MINIMUM_MAPPING_QUALITY=0 MINIMUM_BASE_QUALITY=10
strip "$work/wgsU.txt" "$out/wgs.unpaired_mmq0_mbq10.wgs_metrics"
picard CollectWgsMetrics I=test/fixtures/wgs/edge.sam O="$work/wgsE.txt" R=test/fixtures/wgs/edge.fa VALIDATION_STRINGENCY=SILENT
strip "$work/wgsE.txt" "$out/wgs.edge.wgs_metrics"
# GC bias: the coverage data set, and the edge SAM (tools/goldens/make-gcbias-edge-sam.py mixed 1, sorted).
mkdir -p "$work/bin" && printf '#!/bin/sh\nexit 0\n' > "$work/bin/Rscript" && chmod +x "$work/bin/Rscript"
gcbias() { PATH="$work/bin:$PATH" picard CollectGcBiasMetrics CHART="$work/gc.pdf" "$@"; }
gcbias I="$work/cov.bam" O="$work/gcD.txt" S="$work/gcS.txt" R="$work/cov.fa"
strip "$work/gcD.txt" "$out/gcbias.default.gc_bias.detail_metrics"
strip "$work/gcS.txt" "$out/gcbias.default.gc_bias.summary_metrics"
python3 tools/goldens/make-gcbias-edge-sam.py "$work/gcedge" 1 mixed
samtools sort --no-PG -o "$work/gcedge/in.bam" "$work/gcedge/in.sam" 2>/dev/null
samtools view --no-PG -h -o test/fixtures/gcbias/edge.sam "$work/gcedge/in.bam"
cp "$work/gcedge/ref.fa" test/fixtures/gcbias/edge.fa
gcbias I=test/fixtures/gcbias/edge.sam O="$work/gceD.txt" S="$work/gceS.txt" R=test/fixtures/gcbias/edge.fa
strip "$work/gceD.txt" "$out/gcbias.edge.gc_bias.detail_metrics"
strip "$work/gceS.txt" "$out/gcbias.edge.gc_bias.summary_metrics"
# Insert size at MINIMUM_PCT=0 on the coverage data without tandem pairs (reads whose strand equals their mate's
# dropped): Picard writes no TANDEM row and no tandem_count column for an orientation without pairs.
samtools view -b --no-PG -e '((flag/16)%2) != ((flag/32)%2)' -o "$work/notandem.bam" "$work/cov.bam"
PATH="$work/bin:$PATH" picard CollectInsertSizeMetrics I="$work/notandem.bam" O="$work/isNT.txt" H="$work/isNT.pdf" MINIMUM_PCT=0
strip "$work/isNT.txt" "$out/isize.no_tandem_minimum_pct_0.insert_size_metrics"
# Hybrid selection: the coverage data set with targets and baits from tools/goldens/make-hybcap-intervals.py (overlapping,
# abutting and same-span targets, a target across an N gap, targets on the contig without reads, baits past targets),
# and the edge set of tools/goldens/make-hybcap-edge-sam.py (overlapping and same-start mates, mates on other contigs,
# I/D/N/S/H/=/X, duplicates, QC failures, secondary and supplementary records, adapters, MAPQ 0-255, qualities 0-41),
# committed under test/fixtures/hybcap. Picard reads intervals only as interval_list; shoal's BED reading is checked
# against the same goldens with the .bed files written beside them.
samtools view -H "$work/cov.bam" > "$work/cov.header.sam"
samtools faidx "$work/cov.fa"   # CollectHsMetrics reads each target's bases through the index
python3 tools/goldens/make-hybcap-intervals.py "$work/cov.header.sam" test/fixtures/hybcap cov
hs() { picard CollectHsMetrics "$@"; }
hs I="$work/cov.bam" O="$work/hs.txt" R="$work/cov.fa" TARGET_INTERVALS=test/fixtures/hybcap/cov.targets.interval_list \
  BAIT_INTERVALS=test/fixtures/hybcap/cov.baits.interval_list PER_TARGET_COVERAGE="$out/hybcap.default.per_target_coverage" \
  PER_BASE_COVERAGE="$out/hybcap.default.per_base_coverage"
strip "$work/hs.txt" "$out/hybcap.default.hs_metrics"
python3 tools/goldens/make-hybcap-edge-sam.py "$work" 3
samtools sort --no-PG -o "$work/hyedge.bam" "$work/in.sam" 2>/dev/null
samtools view --no-PG -h -o test/fixtures/hybcap/edge.sam "$work/hyedge.bam"
cp "$work/ref.fa" test/fixtures/hybcap/edge.fa
samtools faidx test/fixtures/hybcap/edge.fa
cp "$work/targets.interval_list" test/fixtures/hybcap/edge.targets.interval_list
cp "$work/baits.interval_list" test/fixtures/hybcap/edge.baits.interval_list
edge() { hs I=test/fixtures/hybcap/edge.sam R=test/fixtures/hybcap/edge.fa VALIDATION_STRINGENCY=SILENT \
  TARGET_INTERVALS=test/fixtures/hybcap/edge.targets.interval_list BAIT_INTERVALS=test/fixtures/hybcap/edge.baits.interval_list "$@"; }
edge O="$work/hsE.txt" PER_TARGET_COVERAGE="$out/hybcap.edge.per_target_coverage"
strip "$work/hsE.txt" "$out/hybcap.edge.hs_metrics"
edge O="$work/hsE2.txt" CLIP_OVERLAPPING_READS=false NEAR_DISTANCE=50
strip "$work/hsE2.txt" "$out/hybcap.edge.noclip_near50.hs_metrics"
edge O="$work/hsE3.txt" MINIMUM_MAPPING_QUALITY=0 MINIMUM_BASE_QUALITY=10 COVERAGE_CAP=5
strip "$work/hsE3.txt" "$out/hybcap.edge.mmq0_mbq10_cap5.hs_metrics"
# Whole-genome coverage restricted to intervals (INTERVALS=): the coverage data set with the hybcap targets (overlapping
# and abutting ones merge), and the wgs edge SAM with a few intervals.
picard CollectWgsMetrics I="$work/cov.bam" O="$work/wgsI.txt" R="$work/cov.fa" INTERVALS=test/fixtures/hybcap/cov.targets.interval_list
strip "$work/wgsI.txt" "$out/wgs.intervals.wgs_metrics"
{ printf '@HD\tVN:1.6\n'; grep '^@SQ' test/fixtures/wgs/edge.sam; printf 'chrA\t1\t100\t+\ta\nchrA\t300\t700\t+\tb\nchrB\t50\t393\t+\tc\n'; } \
  > test/fixtures/wgs/edge.interval_list
picard CollectWgsMetrics I=test/fixtures/wgs/edge.sam O="$work/wgsEI.txt" R=test/fixtures/wgs/edge.fa \
  INTERVALS=test/fixtures/wgs/edge.interval_list VALIDATION_STRINGENCY=SILENT
strip "$work/wgsEI.txt" "$out/wgs.edge_intervals.wgs_metrics"
dpkg-query -W -f '${Package} ${Version}\n' picard-tools libhtsjdk-java > "$out/picard-version.txt"
echo "coverage goldens written to $out"
