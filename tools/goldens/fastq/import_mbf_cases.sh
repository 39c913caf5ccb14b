#!/usr/bin/env bash
# Copies mbf-fastq-processor's own test cases (MIT licence; TyberiusPrime/mbf-fastq-processor)
# that fq-transform implements into test/fastq-cases/mbf/: inputs, configuration and mbf's
# expected outputs, unchanged (symbolic links in mbf's tree are resolved into files). Expected
# outputs are mbf's: an anchor, never fq-transform's.
#
#   tools/goldens/fastq/import_mbf_cases.sh /path/to/mbf-fastq-processor [commit]
#
# The list below: cases of the steps FASTQ 2/2 brought (Demultiplex, MergeReads, QuantifyTag,
# TagDuplicates, TagOtherFile, CalcKmers, ExtractIUPACWithIndel, StoreTagInFastQ, Report's count_oligos and tag_histograms) whose files are small (< 1 MiB each, a few MB in all) and whose expected files
# fq-transform can match byte for byte (not mbf's boxed error texts or progress timings).
# tools/goldens/fastq/run_mbf_suite.sh runs all of mbf's cases, out of the tree. Cases left out, and why: docs/tools/fq-transform.md.
set -euo pipefail
mbf=${1:?usage: import_mbf_cases.sh MBF_CLONE [COMMIT]}
commit=${2:-ffaf84c2}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$here/../../../test/fastq-cases/mbf
cases=(
  demultiplex/head_with_index_and_demultiplex
  demultiplex/no_matching_barcodes
  demultiplex/simple_combined_outputs/order1
  demultiplex/simple_combined_outputs/order2_invariant
  demultiplex/simple_hamming
  demultiplex/simple_iupac
  demultiplex/simple_iupac_hamming
  demultiplex/simple_iupac_two_regions
  demultiplex/simple_multiple_into_one_output
  demultiplex/simple_no_unmatched
  demultiplex/simple_single_barcode
  demultiplex/two_barcodes
  single_step/edits/merge_reads/no_overlap_concatenate
  single_step/edits/merge_reads/no_overlap_keep
  single_step/edits/merge_reads/overlap_perfect_match
  single_step/edits/merge_reads/overlap_with_tag
  single_step/edits/merge_reads/vs_fastp
  demultiplex/quantify_tag
  integration_tests/calc/quantify_regions_simple
  single_step/duplicates/exact_location_tag
  single_step/error_handling/demultiplex/barcodes/same_files
  single_step/filter/other_file_by_name/distinct_separators
  demultiplex/bool
  demultiplex/bool_with_unmatched
  demultiplex/multiple_barcode_and_bool
  single_step/calc/kmer/basic
  single_step/calc/kmer/basic_higher_min_count
  single_step/calc/kmer/files_as_sequence
  single_step/calc/kmer/phix
  single_step/extraction/extract_iupac/with_indel
  single_step/extraction/extract_iupac/with_indel_anchor_left
  single_step/extraction/extract_iupac/with_indel_anchor_right
  single_step/extraction/extract_iupac/with_indel_empty_reads
  single_step/extraction/store_tag_in_fastq/basic
  single_step/extraction/store_tag_in_fastq/demultiplex_output_unmatched=false
  single_step/extraction/store_tag_in_fastq/fasta
  single_step/extraction/store_tag_in_fastq/gzipped
  single_step/extraction/store_tag_in_fastq/no_location
  single_step/extraction/store_tag_in_fastq/with_comments
  single_step/extraction/store_tag_in_fastq/with_location
  single_step/extraction/with_demultiplex/store_tag_in_fastq/demultiplex
  single_step/reports/oligo_counts
  single_step/reports/oligo_counts_2
  integration/head/tag_histogram_before_head
  demultiplex/inspect
  single_step/extraction/store_tags_in_table/in_tsv_demultiplex
  tags_and_readset_modifying_steps/head_demultiplex
  tags_and_readset_modifying_steps/skip_demultiplex
)
rm -rf "$out"
full=$(git -C "$mbf" rev-parse "$commit")
for case in "${cases[@]}"; do
  git -C "$mbf" ls-tree -r "$full" "test_cases/$case/" | while read -r mode _ _ path; do
    name=${path#test_cases/}
    [[ $name == *.rapidgzip_index || $(basename "$name") == ignore_* || $name == */ignore_*/* ]] && continue
    mkdir -p "$out/$(dirname "$name")"
    source=$path
    if [[ $mode == 120000 ]]; then
      target=$(git -C "$mbf" show "$full:$path")
      source=$(python3 -c 'import os, sys; print(os.path.normpath(os.path.join(os.path.dirname(sys.argv[1]), sys.argv[2])))' "$path" "$target")
    fi
    git -C "$mbf" show "$full:$source" > "$out/$name"
  done
  echo "tools/goldens/fastq/import_mbf_cases.sh: mbf-fastq-processor's own case test_cases/$case at $full (MIT licence), copied unchanged" > "$out/$case/MADE_BY"
done
find "$out" -type f -size +1M -print | sed 's/^/too large: /' | grep . && exit 1
echo "import_mbf_cases: ${#cases[@]} cases into test/fastq-cases/mbf" >&2
