#!/bin/sh
# Checks that upstream slow5lib reads our SLOW5/BLOW5 files exactly: it builds a small dumper
# (s5text.c: every record back to SLOW5 text through slow5lib's own slow5_rec_to_mem) against a
# slow5lib source tree, has it read our file in each (record, signal) compression pair, and
# compares its text with the records our own SLOW5 text writer gives. Debian's libslow5 0.7.0 cannot
# serve here: it is built without zstd, and its svb-zd decode is broken (linked to the system
# streamvbyte, whose zigzag_delta_decode writes int32 where slow5lib's vendored copy writes int16).
#
#   tools/goldens/slow5lib-check/check.sh /path/to/slow5lib   # a checkout of hasindu2008/slow5lib
#
# Needs gcc, zlib and zstd headers (zlib1g-dev, libzstd-dev) and a built tree (npm run build).
set -eu
src=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make -C "$src" zstd=1 lib/libslow5.a >/dev/null
gcc -O1 -I"$src/include" -o "$work/s5text" "$here/s5text.c" "$src/lib/libslow5.a" -lz -lzstd -lm -lpthread
node "$here/write-ours.mjs" "$work"
grep -v '^[#@]' "$work/ours.slow5" >"$work/expected.txt"
status=0
for file in "$work"/ours-*.blow5 "$work/ours.slow5"; do
  if "$work/s5text" "$file" >"$work/got.txt" 2>/dev/null && cmp -s "$work/got.txt" "$work/expected.txt"; then
    echo "identical: $(basename "$file")"
  else
    echo "DIFFERS: $(basename "$file")"
    status=1
  fi
done
exit $status
