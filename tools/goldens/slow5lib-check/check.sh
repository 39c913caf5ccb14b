#!/bin/sh
# Checks our SLOW5/BLOW5 against upstream slow5lib, both ways. It builds two small programs against
# a slow5lib source tree: s5text.c (every record back to SLOW5 text through slow5lib's own
# slow5_rec_to_mem) and s5convert.c (slow5_convert to BLOW5 in a given compression pair). slow5lib
# reads our file in each (record, signal) compression pair and must give exactly the records our
# own SLOW5 text writer gives; slow5lib rewrites our file in each pair and our reader must give
# those same records back. Debian's libslow5 0.7.0 cannot
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
for program in s5text s5convert; do
  gcc -O1 -I"$src/include" -o "$work/$program" "$here/$program.c" "$src/lib/libslow5.a" -lz -lzstd -lm -lpthread
done
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
for record in none zlib zstd; do
  for signal in none svb-zd; do
    theirs="$work/theirs-$record-$signal.blow5"
    if "$work/s5convert" "$work/ours-zlib-none.blow5" "$theirs" "$record" "$signal" 2>/dev/null &&
      node "$here/read-theirs.mjs" "$theirs" >"$work/got.txt" && cmp -s "$work/got.txt" "$work/expected.txt"; then
      echo "identical: slow5lib's $record/$signal read by us"
    else
      echo "DIFFERS: slow5lib's $record/$signal read by us"
      status=1
    fi
  done
done
exit $status
