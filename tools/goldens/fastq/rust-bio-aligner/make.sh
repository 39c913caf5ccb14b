#!/usr/bin/env bash
# Regenerates cases.txt and expected.txt: random alignment problems (make-cases.mjs) and what
# rust-bio 3.0.0's Aligner::custom answers (score xstart xend ystart yend operations), built here
# from its source (body.rs) with rustc alone. pairwise-aligner.test.ts checks the port against them.
#
#   tools/goldens/fastq/rust-bio-aligner/make.sh      (needs rustc and node)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rustc -O --edition 2021 -o "$work/rust-bio-custom" "$here/main.rs"
node "$here/make-cases.mjs" 3000 > "$here/cases.txt"
"$work/rust-bio-custom" < "$here/cases.txt" > "$here/expected.txt"
echo "rust-bio-aligner: $(wc -l < "$here/expected.txt") alignments by $(rustc --version)" >&2
