#!/usr/bin/env bash
# Runs every test case of mbf-fastq-processor (its test_cases/ tree, MIT licence) through
# `fq-transform verify` against mbf's own expected files, and sums up why cases fail. Not part of
# the test suite (it needs a clone of mbf and a few minutes); its figures are quoted in
# docs/tools/fq-transform.md. test/fastq-cases/mbf holds the cases committed from it.
#
#   tools/goldens/fastq/run_mbf_suite.sh /path/to/mbf-fastq-processor [commit] [work folder]
set -euo pipefail
mbf=${1:?usage: run_mbf_suite.sh MBF_CLONE [COMMIT] [WORK]}
commit=${2:-ffaf84c2}
work=${3:-$(mktemp -d)}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
full=$(git -C "$mbf" rev-parse "$commit")
rm -rf "$work/cases" && mkdir -p "$work/cases"
git -C "$mbf" ls-tree -r "$full" test_cases/ | while read -r mode _ hash path; do
  name=${path#test_cases/}
  [[ $name == *.rapidgzip_index ]] && continue
  mkdir -p "$work/cases/$(dirname "$name")"
  if [[ $mode == 120000 ]]; then
    target=$(git -C "$mbf" show "$full:$path")
    source=$(python3 -c 'import os, sys; print(os.path.normpath(os.path.join(os.path.dirname(sys.argv[1]), sys.argv[2])))' "$path" "$target")
    git -C "$mbf" show "$full:$source" > "$work/cases/$name" 2> /dev/null || rm -f "$work/cases/$name"
  else
    git -C "$mbf" cat-file blob "$hash" > "$work/cases/$name" 2> /dev/null || rm -f "$work/cases/$name"
  fi
done
node "$here/../../../packages/fq-transform/bin/fq-transform.js" verify "$work/cases" --threads-list 1 --workpool-only > "$work/verify.log" 2>&1 || true
log=$work/verify.log
echo "mbf $full: $(grep -c '^ok' "$log") of $(grep -c '^ok\|^FAIL' "$log") cases pass"
echo "failures:"
echo "  expect mbf's text of a configuration error: $(grep '^FAIL' "$log" | grep -c 'expected a configuration error containing' || true)"
echo "  expect mbf's text of a runtime error: $(grep '^FAIL' "$log" | grep -c 'expected a runtime error containing' || true)"
echo "  use steps fq-transform lacks:"
grep '^FAIL' "$log" | grep -o "unknown action '[A-Za-z]*'\|'[a-z_]*' is not implemented yet\|[A-Za-z]* after a Demultiplex step is not supported yet" | sort | uniq -c | sed 's/^/    /'
echo "  other (see $log):"
grep '^FAIL' "$log" | grep -v "expected a configuration error containing\|expected a runtime error containing\|unknown action\|not implemented yet\|not supported yet" | cut -c1-160 | sed 's/^/    /'
