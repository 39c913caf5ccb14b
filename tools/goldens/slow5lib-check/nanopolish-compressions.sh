#!/usr/bin/env bash
# nanopolish reads our BLOW5 in every (record, signal) compression pair, svb-zd included. signal-sim writes the same
# reads (same --seed) six times, once per pair; each copy goes through `nanopolish index --slow5` and `nanopolish
# eventalign`, and every eventalign TSV must equal the none/none one byte for byte.
#
# Each pair runs twice: with Debian's libslow5 0.7.0 (the library nanopolish 0.14.0 is linked to) and with the same
# slow5lib release, v0.7.0, built from upstream source with its vendored streamvbyte, through LD_LIBRARY_PATH.
# Debian's build links the system streamvbyte, whose zigzag-delta decoder writes int32 where slow5lib's vendored copy
# writes int16, so it crashes on every svb-zd file, slow5lib's own examples included (a packaging bug, not a format
# difference: the upstream build of the same version reads our svb-zd files).
#
#   tools/goldens/slow5lib-check/nanopolish-compressions.sh /path/to/slow5lib [DIR]
#
# slow5lib: a checkout of hasindu2008/slow5lib (any revision with the v0.7.0 tag). Needs nanopolish, gcc, git,
# zlib1g-dev and libzstd-dev, and a built workspace (npm ci).
set -euo pipefail
src=$1
cd "$(dirname "$0")/../../.."
dir=${2:-$(mktemp -d)}
mkdir -p "$dir"
lib="$dir/slow5lib-0.7.0"
if [ ! -f "$lib/libslow5.so.0" ]; then
  rm -rf "$lib.src" && mkdir -p "$lib.src" "$lib"
  git -C "$src" archive v0.7.0 | tar -x -C "$lib.src"
  make -C "$lib.src" zstd=1 lib/libslow5.so >/dev/null
  cp "$lib.src/lib/libslow5.so" "$lib/libslow5.so.0"
fi
status=0
for record in none zlib zstd; do
  for signal in none svb-zd; do
    pair="$record-$signal"
    node packages/signal-sim/bin/signal-sim.js -O "$dir/$pair" --seed 5 --transcripts 3 --reads-per-condition 8 \
      --record-compression "$record" --signal-compression "$signal" -q
    for library in upstream debian; do
      run() {
        if [ "$library" = upstream ]; then LD_LIBRARY_PATH="$lib" "$@"; else "$@"; fi
      }
      rm -f "$dir/$pair/native.fastq.index"* "$dir/$pair/native.blow5.idx"
      out="$dir/$pair/eventalign-$library.tsv"
      if run nanopolish index --slow5 "$dir/$pair/native.blow5" "$dir/$pair/native.fastq" 2>"$dir/$pair/index-$library.log" &&
        run nanopolish eventalign --reads "$dir/$pair/native.fastq" --bam "$dir/$pair/native.bam" \
          --genome "$dir/$pair/transcripts.fa" --scale-events --signal-index --print-read-names -t 1 \
          >"$out" 2>"$dir/$pair/eventalign-$library.log"; then
        rows=$(($(wc -l <"$out") - 1))
        if cmp -s "$out" "$dir/none-none/eventalign-upstream.tsv" 2>/dev/null || [ "$pair/$library" = none-none/upstream ]; then
          echo "$pair, $library libslow5: read, $rows rows$([ "$pair/$library" = none-none/upstream ] || echo ', identical to none/none')"
        else
          echo "$pair, $library libslow5: read, $rows rows, DIFFERENT from none/none"
          status=1
        fi
      else
        echo "$pair, $library libslow5: FAILED (exit $?; $dir/$pair/*-$library.log)"
        [ "$library" = debian ] && [ "$signal" = svb-zd ] || status=1
      fi
    done
  done
done
exit $status
