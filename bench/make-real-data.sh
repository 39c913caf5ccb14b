#!/usr/bin/env bash
# Benchmark data made like real data (issue 12): a simulated 2x150 whole-genome sample aligned,
# sorted and duplicate-marked the way real WGS is, with the shapes that the project's own simulator
# does not make (pairs on different contigs, |TLEN| of megabases, split reads with SA tags, soft and
# hard clips, MAPQ 0 in repeats, reads into adapters, duplicates, N gaps, IUPAC codes, contig names
# with '*' and ':'), and the FASTQ pair it was aligned from.
#
#   bench/make-real-data.sh
#
# It took 61 minutes on 2 cores shared with other work, under nice -n 19; two thirds of that is
# bwa mem. minimap2 -ax sr needed about a third of bwa mem's CPU time on a sample of these reads
# (ALIGNER=minimap2); bwa mem is the default because most WGS BAMs come from it (XA tags, hard
# clips on supplementary records, its MAPQ).
#
# Steps, each skipped when its outputs exist (each output is written under a temporary name and
# renamed, so an interrupted run resumes where it stopped):
#   1. bench/make-real-genome.mjs: reference.fa (86 Mbp, 525 contigs shaped like hs38DH) and a
#      diploid donor.fa with SNVs, indels and structural variants (donor-variants.tsv);
#   2. samtools faidx and dict; the aligner's index;
#   3. art_illumina (HiSeq X TruSeq profile, 2x150, fragments 350 +- 80) from the donor;
#   4. bench/make-real-reads.mjs: flowcell order, Illumina names, adapter read-through,
#      PCR and optical duplicates -> reads_1.fastq.gz, reads_2.fastq.gz;
#   5. bwa mem (or minimap2 -ax sr) | samtools fixmate -m | samtools sort | samtools markdup,
#      the header's @SQ lines from samtools dict (M5, UR, AS), index -> sample.bam, sample.bam.bai;
#   6. SUMMARY.txt: record counts, duplicates, pairs on different contigs, |TLEN|, supplementary
#      records, contigs, and how long each step took.
#
# Settings (environment): PAIRS (simulated pairs before duplicates, default 2100000: about 4.4 M
# records), ALIGNER (bwa or minimap2; default bwa), THREADS (default 2), SEED (default 38),
# OUT (default bench/data/real).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${OUT:-$here/data/real}
pairs=${PAIRS:-2100000}
aligner=${ALIGNER:-bwa}
threads=${THREADS:-2}
seed=${SEED:-38}
read_length=150
fragment_mean=350
fragment_sd=80
read_group='@RG\tID:HS38SCCXY.1\tSM:SIM-NA00001\tLB:SIM-NA00001-lib1\tPL:ILLUMINA\tPU:HS38SCCXY.1.CGATGTAT+TCTTTCCC'

# ── What it needs, and how to get it ──────────────────────────────────────────────────────────
missing=()
need() { command -v "$1" > /dev/null 2>&1 || missing+=("$2"); }
need art_illumina art-nextgen-simulation-tools
need samtools samtools
need gzip gzip
case $aligner in
  bwa) need bwa bwa ;;
  minimap2) need minimap2 minimap2 ;;
  *)
    echo "make-real-data: ALIGNER must be bwa or minimap2, not '$aligner'" >&2
    exit 2
    ;;
esac
if ((${#missing[@]})); then
  echo "make-real-data: needs the Debian packages ${missing[*]}; install them with:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
command -v node > /dev/null 2>&1 || {
  echo "make-real-data: needs Node.js (the repository's own requirement, >= 20.12)" >&2
  exit 1
}

mkdir -p "$out/tmp"
cd "$out"
log=make-real-data.log
steps=steps.tsv
touch "$steps"

# step NAME OUTPUT... -- COMMAND...: runs COMMAND unless every OUTPUT exists; logs its wall time.
step() {
  local name=$1 outputs=() all=1
  shift
  while [[ $1 != -- ]]; do
    outputs+=("$1")
    shift
  done
  shift
  for output in "${outputs[@]}"; do [[ -e $output ]] || all=0; done
  if ((all)); then
    echo "make-real-data: $name: done before, skipped" >&2
    return
  fi
  echo "make-real-data: $name…" >&2
  local started=$SECONDS
  "$@"
  printf '%s\t%s\n' "$name" $((SECONDS - started)) >> "$steps"
  echo "make-real-data: $name took $((SECONDS - started)) s" >&2
}

genome() { node "$here/make-real-genome.mjs" --out "$out" --seed "$seed" 2>> "$log"; }
step genome reference.fa donor.fa donor-variants.tsv -- genome

faidx() {
  samtools faidx --fai-idx tmp/reference.fa.fai reference.fa
  mv tmp/reference.fa.fai reference.fa.fai
  samtools dict -a shoal-sim38 -s 'Homo sapiens (simulated)' -u "file:$out/reference.fa" -o tmp/reference.dict reference.fa
  mv tmp/reference.dict reference.dict
}
step 'faidx and dict' reference.fa.fai reference.dict -- faidx

bwa_suffixes=(amb ann bwt pac sa)
bwa_index() {
  bwa index -p tmp/reference.fa reference.fa 2>> "$log"
  for suffix in "${bwa_suffixes[@]}"; do mv "tmp/reference.fa.$suffix" "reference.fa.$suffix"; done
}
minimap2_index() {
  minimap2 -x sr -d tmp/reference.mmi reference.fa 2>> "$log"
  mv tmp/reference.mmi reference.mmi
}
if [[ $aligner == bwa ]]; then
  step 'bwa index' "${bwa_suffixes[@]/#/reference.fa.}" -- bwa_index
else
  step 'minimap2 index' reference.mmi -- minimap2_index
fi

# art_illumina takes a fold coverage: the one that gives about $pairs pairs over the donor's bases.
simulate() {
  local bases coverage
  bases=$(grep -v '^>' donor.fa | tr -d 'N\n' | wc -c)
  coverage=$(awk -v p="$pairs" -v b="$bases" -v l="$read_length" 'BEGIN { printf "%.4f", p * 2 * l / b }')
  echo "make-real-data: art_illumina at ${coverage}x over $bases donor bases" >&2
  art_illumina -ss HSXt -i donor.fa -p -l "$read_length" -f "$coverage" -m "$fragment_mean" -s "$fragment_sd" \
    -rs "$seed" -na -q -o tmp/art_partial_ >> "$log" 2>&1
  mv tmp/art_partial_1.fq tmp/art_1.fq
  mv tmp/art_partial_2.fq tmp/art_2.fq
}
reads() {
  [[ -e tmp/art_1.fq && -e tmp/art_2.fq ]] || step 'art_illumina' tmp/art_1.fq tmp/art_2.fq -- simulate
  node "$here/make-real-reads.mjs" --in1 tmp/art_1.fq --in2 tmp/art_2.fq --out1 reads_1.fastq.gz --out2 reads_2.fastq.gz \
    --work tmp/shuffle --seed "$seed" 2>> "$log"
  tail -n 1 "$log" >&2
  rm -f tmp/art_1.fq tmp/art_2.fq
}
step 'reads' reads_1.fastq.gz reads_2.fastq.gz -- reads

align() {
  if [[ $aligner == bwa ]]; then
    # -K: a fixed batch size makes the output independent of the thread count (as GATK's pipelines run it).
    bwa mem -t "$threads" -K 100000000 -R "$read_group" reference.fa reads_1.fastq.gz reads_2.fastq.gz 2>> "$log"
  else
    minimap2 -ax sr -t "$threads" --MD -R "$read_group" reference.mmi reads_1.fastq.gz reads_2.fastq.gz 2>> "$log"
  fi
}
bam() {
  rm -f tmp/sort.* tmp/markdup.* tmp/marked.bam # an interrupted run's leftovers
  # The aligner writes the records of a pair together, which is all fixmate needs (no collate).
  align |
    samtools fixmate -u -m - - |
    samtools sort -u -m 1500M -T tmp/sort - |
    samtools markdup -S -d 2500 -f markdup.txt -T tmp/markdup - tmp/marked.bam
  # @SQ lines as a GATK-bundle BAM has them (M5, UR, AS, SP), in the aligner's header otherwise.
  {
    samtools view --no-PG -H tmp/marked.bam | grep '^@HD'
    grep '^@SQ' reference.dict
    samtools view --no-PG -H tmp/marked.bam | grep -v '^@HD' | grep -v '^@SQ'
  } > tmp/header.sam
  samtools reheader -P tmp/header.sam tmp/marked.bam > tmp/sample.bam
  rm tmp/marked.bam
  samtools index tmp/sample.bam tmp/sample.bam.bai
  mv tmp/sample.bam.bai sample.bam.bai
  mv tmp/sample.bam sample.bam
}
step "align ($aligner), fixmate, sort, markdup" sample.bam sample.bam.bai -- bam

summary() {
  {
    echo "bench/data/real: made by bench/make-real-data.sh (seed $seed, $aligner, $(samtools --version | head -n 1))"
    awk '{ n++; bases += $2 } END { printf "reference.fa: %d contigs, %d bp\n", n, bases }' reference.fa.fai
    echo "fastq pairs: $(($(gzip -dc reads_1.fastq.gz | wc -l) / 4)) (reads_1.fastq.gz $(du -m reads_1.fastq.gz | cut -f1) MiB, reads_2.fastq.gz $(du -m reads_2.fastq.gz | cut -f1) MiB)"
    grep 'make-real-reads:' "$log" | tail -n 1
    echo "sample.bam: $(du -m sample.bam | cut -f1) MiB"
    # One pass over the records; mawk has no bitwise operators, hence int(flag / 2^k) % 2.
    samtools view sample.bam | awk -F '\t' '
      {
        records++; flag = $2
        secondary = int(flag / 256) % 2; supplementary = int(flag / 2048) % 2
        unmapped = int(flag / 4) % 2; mate_unmapped = int(flag / 8) % 2; first = int(flag / 64) % 2
        if (supplementary) supplementaries++
        if (secondary) secondaries++
        if (!secondary && !supplementary) {
          primaries++
          if (int(flag / 1024) % 2) duplicates++
          if (unmapped) unmapped_reads++
          if (first && flag % 2 && !unmapped && !mate_unmapped && $7 != "=") chimeric_pairs++
          tlen = $9 < 0 ? -$9 : $9
          if (tlen > max_tlen) max_tlen = tlen
          if (first && tlen > 1000000) far_pairs++
          if (!unmapped && $5 == 0) mapq0++
        }
        if ($6 ~ /S/) soft_clipped++
        if ($6 ~ /H/) hard_clipped++
        if (index($0, "\tSA:Z:")) with_sa++
      }
      END {
        printf "records: %d (%d primary, %d supplementary, %d secondary)\n", records, primaries, supplementaries, secondaries
        printf "duplicates (primary): %d, %.2f%%\n", duplicates, 100 * duplicates / primaries
        printf "unmapped reads: %d, %.2f%%; mapped with MAPQ 0: %d, %.2f%%\n", unmapped_reads, 100 * unmapped_reads / primaries, mapq0, 100 * mapq0 / primaries
        printf "pairs with mates on different contigs: %d\n", chimeric_pairs
        printf "max |TLEN|: %d; pairs with |TLEN| > 1 Mbp: %d\n", max_tlen, far_pairs
        printf "records with an SA tag: %d; soft-clipped: %d; hard-clipped: %d\n", with_sa, soft_clipped, hard_clipped
      }'
    echo "optical duplicates (samtools markdup -d 2500): $(grep '^DUPLICATE PAIR OPTICAL' markdup.txt | cut -d: -f2 | tr -d ' ') reads in pairs"
    samtools idxstats sample.bam | awk '$1 != "*" { n++; if ($3 > 0) used++ } END { printf "contigs: %d in the header, %d with mapped reads\n", n, used }'
    echo "steps (wall seconds, on this run or an earlier one):"
    sed 's/^/  /' "$steps"
  } > tmp/SUMMARY.txt
  mv tmp/SUMMARY.txt SUMMARY.txt
}
echo 'make-real-data: summary…' >&2
summary
cat SUMMARY.txt
