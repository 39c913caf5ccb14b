#!/usr/bin/env bash
# nanopolish eventalign on signal-sim's output: the simulator's anchor. Simulates a tiny native + IVT set into DIR,
# runs Debian's nanopolish 0.14.0 on it exactly as a user would on real data (index --slow5, then eventalign against
# the BAM; on real data the BAM comes from minimap2 -ax map-ont -uf -k14 | samtools sort), and prints, per condition,
# how many reads eventalign aligned and how far its events agree with the truth (sim-eventalign-agreement.mjs).
# test/signal-sim.test.ts runs it where nanopolish is installed (apt-get install nanopolish).
#
#   tools/goldens/check-sim-nanopolish.sh [DIR]      # needs a built workspace (npm ci)
#
# Not --summary: nanopolish 0.14.0 crashes writing it for SLOW5 input (it prints the read's fast5 path, which SLOW5
# reads lack). Not svb-zd signal compression: Debian's libslow5 0.7.0 crashes decoding it.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-$(mktemp -d)}
node packages/signal-sim/bin/signal-sim.js -O "$dir" --seed 5 --transcripts 3 --reads-per-condition 5 \
  --shift 8 --stoichiometry 1 --fraction-modified-sites 0.5 -q
for condition in native ivt; do
  nanopolish index --slow5 "$dir/$condition.blow5" "$dir/$condition.fastq" 2>"$dir/$condition.index.log"
  nanopolish eventalign --reads "$dir/$condition.fastq" --bam "$dir/$condition.bam" --genome "$dir/transcripts.fa" \
    --scale-events --signal-index --print-read-names -t 2 >"$dir/$condition.eventalign.tsv" 2>"$dir/$condition.eventalign.log"
done
node tools/goldens/sim-eventalign-agreement.mjs "$dir"
