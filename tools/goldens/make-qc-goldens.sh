#!/usr/bin/env bash
# Regenerates the Picard golden outputs the QC collector tests compare against.
# Needs Picard 2.27.5 and samtools (Debian: apt-get install picard-tools samtools) and a built workspace (npm ci).
# Input: the QC data set made by our simulator (deterministic): tools/dist/make-data.js qc.
# Each golden is the metrics file Picard wrote, from "## METRICS CLASS" (or "## HISTOGRAM") on; the
# header lines above it hold the command line and the date. Exact commands:
set -euo pipefail
cd "$(dirname "$0")/../.."
out=test/golden/qc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
node tools/dist/make-data.js qc "$work"
picard() { PicardCommandLine "$@" 2>>"$work/picard.log"; }
# From the first "## METRICS CLASS" or "## HISTOGRAM" line on (some programs write only a histogram).
strip() { awk 'f || /^## (METRICS CLASS|HISTOGRAM)/ { f = 1; print }' "$1" > "$2"; }
picard CollectInsertSizeMetrics I="$work/qc.bam" O="$work/isize.txt" H="$work/isize.pdf"
strip "$work/isize.txt" "$out/isize.default.insert_size_metrics"
picard CollectInsertSizeMetrics I="$work/qc.bam" O="$work/isize0.txt" H="$work/isize0.pdf" MINIMUM_PCT=0
strip "$work/isize0.txt" "$out/isize.minimum_pct_0.insert_size_metrics"
picard CollectInsertSizeMetrics I="$work/qc.bam" O="$work/isizeD.txt" H="$work/isizeD.pdf" MINIMUM_PCT=0 INCLUDE_DUPLICATES=true DEVIATIONS=2
strip "$work/isizeD.txt" "$out/isize.duplicates_deviations_2.insert_size_metrics"
picard CollectBaseDistributionByCycle I="$work/qc.bam" O="$work/bdc.txt" CHART="$work/bdc.pdf"
strip "$work/bdc.txt" "$out/basic.base_distribution_by_cycle_metrics"
picard MeanQualityByCycle I="$work/qc.bam" O="$work/mqc.txt" CHART="$work/mqc.pdf"
strip "$work/mqc.txt" "$out/basic.quality_by_cycle_metrics"
picard QualityScoreDistribution I="$work/qc.bam" O="$work/qsd.txt" CHART="$work/qsd.pdf"
strip "$work/qsd.txt" "$out/basic.quality_distribution_metrics"
picard CollectAlignmentSummaryMetrics I="$work/qc.bam" O="$work/asm.txt" R="$work/qc.fa"
strip "$work/asm.txt" "$out/alignment.alignment_summary_metrics"
picard CollectAlignmentSummaryMetrics I="$work/qc.bam" O="$work/asm300.txt" R="$work/qc.fa" MAX_INSERT_SIZE=300
strip "$work/asm300.txt" "$out/alignment.max_insert_size_300.alignment_summary_metrics"
picard CollectAlignmentSummaryMetrics I="$work/qc.bam" O="$work/asmNoRef.txt"
strip "$work/asmNoRef.txt" "$out/alignment.no_reference.alignment_summary_metrics"
# Per sample, library and read group (three read groups in two libraries): as written (no PU, so Picard's READ_GROUP
# level holds an empty unit and an 'unknown' one), and with PU:unit<ID> added to each @RG (samtools reheader).
levels="METRIC_ACCUMULATION_LEVEL=ALL_READS METRIC_ACCUMULATION_LEVEL=SAMPLE METRIC_ACCUMULATION_LEVEL=LIBRARY METRIC_ACCUMULATION_LEVEL=READ_GROUP"
picard CollectAlignmentSummaryMetrics I="$work/qc.bam" O="$work/asmLevels.txt" R="$work/qc.fa" $levels
strip "$work/asmLevels.txt" "$out/alignment.levels.alignment_summary_metrics"
samtools view -H "$work/qc.bam" | sed 's/^@RG\tID:\([^\t]*\)\(.*\)$/@RG\tID:\1\2\tPU:unit\1/' > "$work/pu.header"
samtools reheader "$work/pu.header" "$work/qc.bam" > "$work/qcpu.bam"
picard CollectAlignmentSummaryMetrics I="$work/qcpu.bam" O="$work/asmLevelsPu.txt" R="$work/qc.fa" $levels
strip "$work/asmLevelsPu.txt" "$out/alignment.levels_pu.alignment_summary_metrics"
picard CollectInsertSizeMetrics I="$work/qc.bam" O="$work/isizeLevels.txt" H="$work/isizeLevels.pdf" $levels
strip "$work/isizeLevels.txt" "$out/isize.levels.insert_size_metrics"
picard CollectInsertSizeMetrics I="$work/qcpu.bam" O="$work/isizeLevelsPu.txt" H="$work/isizeLevelsPu.pdf" $levels
strip "$work/isizeLevelsPu.txt" "$out/isize.levels_pu.insert_size_metrics"
# GC bias and hybrid selection at every level, with and without PU. CollectGcBiasMetrics calls R after writing its
# metrics: a stand-in Rscript that exits 0 goes first on PATH. The targets and baits for the qc reference come from
# tools/goldens/make-hybcap-intervals.py (committed as test/fixtures/hybcap/qc.*.interval_list); SAMPLE_SIZE=1000 keeps each
# unit's HET_SNP_SENSITIVITY (sampled, ~0.5 s per unit at 10000) quick in the tests.
mkdir -p "$work/bin" && printf '#!/bin/sh\nexit 0\n' > "$work/bin/Rscript" && chmod +x "$work/bin/Rscript"
samtools view -H "$work/qc.bam" > "$work/qc.header.sam"
python3 tools/goldens/make-hybcap-intervals.py "$work/qc.header.sam" test/fixtures/hybcap qc
rm -f test/fixtures/hybcap/qc.*.bed
samtools faidx "$work/qc.fa"
for bam in qc qcpu; do
  suffix=$([ "$bam" = qc ] && echo levels || echo levels_pu)
  PATH="$work/bin:$PATH" picard CollectGcBiasMetrics I="$work/$bam.bam" O="$work/gcD.txt" S="$work/gcS.txt" CHART="$work/gc.pdf" R="$work/qc.fa" $levels
  strip "$work/gcD.txt" "$out/gcbias.$suffix.gc_bias.detail_metrics"
  strip "$work/gcS.txt" "$out/gcbias.$suffix.gc_bias.summary_metrics"
  picard CollectHsMetrics I="$work/$bam.bam" O="$work/hs.txt" R="$work/qc.fa" TARGET_INTERVALS=test/fixtures/hybcap/qc.targets.interval_list \
    BAIT_INTERVALS=test/fixtures/hybcap/qc.baits.interval_list SAMPLE_SIZE=1000 $levels
  strip "$work/hs.txt" "$out/hybcap.$suffix.hs_metrics"
done
dpkg-query -W -f '${Package} ${Version}\n' picard-tools libhtsjdk-java > "$out/picard-version.txt"
echo "QC goldens written to $out"
