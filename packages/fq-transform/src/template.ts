/**
 * `fq-transform template`: a commented configuration covering every section and every registered
 * step (mbf-fastq-processor's TOML). The uncommented part is a minimal working configuration (two
 * segments, one Head step, gzipped FASTQ output); everything else is commented out with `#`, one
 * block per step, listing each key the step reads with its default and meaning. template.test.ts
 * checks that the text parses, that the active part validates and that every action is listed.
 */
export const TEMPLATE = `# fq-transform configuration template (mbf-fastq-processor compatible TOML)
#
# The uncommented lines below form a small, working configuration: read two paired files, keep the
# first 1000 molecules, write them gzipped. Everything else is commented out: remove the leading
# '#' of a section or a [[step]] block (and its keys) to use it.
#
# Conventions used here:
#   (required)      the key must be given
#   (default: x)    the key may be left out; x is used then
#   segment         the name of an [input] segment ('read1', 'read2', 'index1', ... any name you
#                   choose). Steps with a single segment key may leave it out when [input] has
#                   exactly one segment. Where noted, 'All' selects every segment.
#   tags            steps named Extract*/Calc*/EvalExpression make per-molecule values ("tags")
#                   under an out_label; later steps read them by in_label. Every tag must be used
#                   by a later step (or dropped with ForgetTag), or the configuration is rejected.
#                   Kinds: location (a region of a read, with its sequence), string, numeric, bool.
#   choices         enum values (anchor, keep_or_remove, compression, ...) match ignoring case.
#   keys            key names match ignoring case and '_' (chunk_size = chunksize).
#
# Check a configuration without reading any data:  fq-transform validate config.toml

# ============================================================================================
# [input]: segment name = file or list of files
# ============================================================================================
[input]
    read1 = ['reads_R1.fq.gz']   # a segment and its file(s); several files are read one after another
    read2 = ['reads_R2.fq.gz']   # every segment needs the same number of files
    # index1 = ['reads_I1.fq.gz']   # any further segments, any names (letters, digits, '_')
    #
    # Segment names are ordered alphabetically. Compression (gzip, zstd, none) and format (FASTQ,
    # FASTA, BAM) are detected from the file contents. '--stdin--' as a file name reads standard
    # input (once at most).
    #
    # Interleaved input: give exactly one source key and name the segments its records cycle
    # through (at least two); steps and [output] then use these names:
    #   reads = ['interleaved.fq.gz']
    #   interleaved = ['read1', 'read2']

# [input.options]
    # fasta_fake_quality = 'I'        # FASTA input: the quality byte given to every base, used as is
    #                                 # (a character or a number 0..255; required for FASTA input)
    # bam_include_mapped = true       # BAM input: keep reads that have an alignment (required for BAM)
    # bam_include_unmapped = true     # BAM input: keep unaligned reads (required for BAM; not both false)
    # read_comment_character = ' '    # (default: ' ') where a read name's comment starts (a character
    #                                 # or byte value); used by name:<segment> sources
    # threads_per_segment = 2         # accepted for compatibility; no effect
    # use_rapidgzip = false           # accepted for compatibility; no effect
    # build_rapidgzip_index = false   # accepted for compatibility; no effect

# ============================================================================================
# [output]: where the processed reads go (leave the section out to write no reads)
# ============================================================================================
[output]
    prefix = 'output'           # (required) files are named {prefix}{ix_separator}{segment}.{suffix},
                                # e.g. output_read1.fq.gz; also the base name of steps' side files
    compression = 'Gzip'        # (default: 'Uncompressed') 'Uncompressed' | 'Gzip' | 'Zstd'
    # format = 'Fastq'            # (default: 'Fastq') 'Fastq' | 'Fasta' | 'Bam' | 'None' (no read output)
    #                             # Bam is always BGZF-compressed: leave compression out with it
    # compression_level = 6       # (default: gzip 6, zstd 5) gzip 0..9, zstd 1..22
    # suffix = 'fq.gz'            # (default: from format and compression: fq, fq.gz, fq.zst, fasta, bam)
    # ix_separator = '_'          # (default: '_') joins prefix, infix and segment name in file names
    # stdout = false              # (default: false) write reads to standard output instead of files;
    #                             # all segments are interleaved unless 'interleave' says otherwise
    # interleave = ['read1', 'read2']  # (default: none) these segments go, molecule by molecule, into
    #                             # one file {prefix}{ix_separator}interleaved.{suffix} (or stdout)
    # output = ['read1']          # (default: every segment) the segments written to their own files;
    #                             # [] writes none
    # chunksize = 1000000         # (default: none) at most this many molecules per file; files get
    #                             # a chunk number: output_read1.0.fq.gz, output_read1.1.fq.gz, ...
    # output_hash_uncompressed = false  # (default: false) also write {file}.uncompressed.sha256,
    #                             # the SHA-256 of the uncompressed data (not with format = 'Bam')
    # output_hash_compressed = false    # (default: false) also write {file}.compressed.sha256,
    #                             # the SHA-256 of the file as written
    # compression_threads = 4     # accepted for compatibility; no effect
    # report_html = false         # {prefix}.html: the Report steps' numbers and plots, self-contained
    # report_json = false         # {prefix}.json: the Report steps' numbers (mbf's layout)
    # report_timing = false       # add per-step wall and CPU milliseconds to the JSON (needs report_json)
    # report_timing = false       #   (same)

# ============================================================================================
# [options]: how the run is carried out
# ============================================================================================
# [options]
    # threads = 8                       # (default: the number of CPU cores) worker threads (alias thread_count)
    # block_size = 10000                # (default: 10000) molecules per block handed to the steps
    # max_blocks_in_flight = 100        # (default: 100) blocks read ahead at most (bounds memory)
    # spot_check_read_pairing = true    # (default: true) with several segments, check every 1000th
    #                                   # molecule's read names against each other (an implicit
    #                                   # ValidateReadPairing step, unless ValidateName or
    #                                   # ValidateReadPairing is configured or benchmark mode is on)
    # buffer_size = 102400              # accepted for compatibility; no effect
    # output_buffer_size = 102400       # accepted for compatibility; no effect
    # accept_duplicate_files = false    # true: one file may be named twice in [input] (else an error)

# ============================================================================================
# [benchmark]: time the steps on repeated input
# ============================================================================================
# [benchmark]
    # enable = false          # (default: false) benchmark mode: the first block of input is repeated
    #                         # through the steps and no reads or side files are written
    # molecule_count = 1000000  # (required) how many molecules to push through the steps
    # quiet = false           # (default: false) accepted for compatibility; no effect

# ============================================================================================
# [[step]]: the transformations, applied in the order given
# ============================================================================================
# The one active step of this template: keep only the first 1000 molecules.
[[step]]
    action = 'Head'
    n = 1000

# Every step fq-transform knows follows, grouped by what it does. Uncomment a block to use it.
# Each block starts with '# [[step]]'; a step's keys belong to the [[step]] line above them.

# --------------------------------------------------------------------------------------------
# Modify reads
# --------------------------------------------------------------------------------------------

# [[step]]
    # action = 'CutStart'       # remove bases (and qualities) from the 5' end
    # n = 5                     # (required, >= 1) how many bases
    # segment = 'read1'         # (required with several segments) which segment
    # if_tag = 'mytag'          # (default: every molecule) only where this tag is set / true;
    #                           # '!mytag' inverts (bool, location or string tag)

# [[step]]
    # action = 'CutEnd'         # remove bases from the 3' end
    # n = 5                     # (required, >= 1) how many bases
    # segment = 'read1'         # (required with several segments) which segment
    # if_tag = 'mytag'          # (default: every molecule) only where this tag is set / true ('!' inverts)

# [[step]]
    # action = 'Truncate'       # shorten reads to at most n bases (from the 3' end)
    # n = 100                   # (required, >= 0) the maximum length
    # segment = 'read1'         # (required with several segments) which segment
    # if_tag = 'mytag'          # (default: every molecule) only where this tag is set / true ('!' inverts)

# [[step]]
    # action = 'Prefix'         # add fixed bases (and their qualities) to the 5' end
    # seq = 'ACGT'              # (required) bases to add: A, C, G, T, N
    # qual = 'IIII'             # (required) their qualities, as many characters as seq
    # encoding = 'Sanger'       # (default: 'Sanger') the encoding qual is checked against:
    #                           # 'Sanger' (= 'Illumina1.8') | 'Solexa' | 'Illumina1.3'
    # segment = 'read1'         # (required with several segments) which segment
    # if_tag = 'mytag'          # (default: every molecule) only where this tag is set / true ('!' inverts)

# [[step]]
    # action = 'Postfix'        # add fixed bases (and their qualities) to the 3' end
    # seq = 'ACGT'              # (required) bases to add: A, C, G, T, N
    # qual = 'IIII'             # (required) their qualities, as many characters as seq
    # encoding = 'Sanger'       # (default: 'Sanger') 'Sanger' (= 'Illumina1.8') | 'Solexa' | 'Illumina1.3'
    # segment = 'read1'         # (required with several segments) which segment
    # if_tag = 'mytag'          # (default: every molecule) only where this tag is set / true ('!' inverts)

# [[step]]
    # action = 'ReverseComplement'  # reverse-complement the bases (IUPAC-aware), reverse the qualities
    # segment = 'read1'         # (required with several segments) which segment
    # if_tag = 'mytag'          # (default: every molecule) only where this tag is set / true ('!' inverts)

# [[step]]
    # action = 'Swap'           # exchange two segments (e.g. read1 and read2)
    # segment_a = 'read1'       # (default with exactly two segments: the two of them) give both or neither
    # segment_b = 'read2'
    # if_tag = 'mytag'          # (default: every molecule) only where this tag is set / true ('!' inverts)

# [[step]]
    # action = 'Rename'         # regex search-and-replace on every segment's read name (all matches)
    # search = '^(.+)/[12]$'    # (required) a regular expression (Rust regex syntax)
    # replacement = '$1'        # (required) the replacement: $1, $name refer to groups;
    #                           # {{READ_INDEX}} becomes the molecule's 0-based number

# [[step]]
    # action = 'ConvertQuality' # re-encode quality scores
    # from = 'Illumina1.3'      # (required) 'Sanger' (= 'Illumina1.8') | 'Solexa' | 'Illumina1.3'
    # to = 'Sanger'             # (required) the same choices; must differ from 'from'

# [[step]]
    # action = 'Lowercase'      # turn bases (or a name, or a tag's sequence) into lower case
    # target = 'read1'          # (required with several segments) a segment, 'All',
    #                           # 'name:<segment>' (the read name, up to its comment) or 'tag:<label>'
    #                           # (aliases: segment, source)
    # if_tag = 'mytag'          # (default: every molecule) only where this tag is set / true ('!' inverts)

# [[step]]
    # action = 'Uppercase'      # turn bases (or a name, or a tag's sequence) into upper case
    # target = 'read1'          # (required with several segments) a segment, 'All', 'name:<segment>'
    #                           # or 'tag:<label>' (aliases: segment, source)
    # if_tag = 'mytag'          # (default: every molecule) only where this tag is set / true ('!' inverts)

# [[step]]
    # action = 'TrimAtTag'      # cut reads at a location tag (e.g. an adapter found by ExtractIUPAC)
    # in_label = 'adapter'      # (required) a location tag
    # direction = 'End'         # (required) 'Start': drop everything before the tag; 'End': after it
    # keep_tag = false          # (required) keep the tagged bases themselves?

# [[step]]
    # action = 'MergeReads'     # merge overlapping mates into segment1 (fastp's overlap search), segment2 emptied
    # algorithm = 'Fastp'       # (required) the only one (alias 'FastpSeemsWeird')
    # segment1 = 'read1'        # (required)
    # segment2 = 'read2'        # (required, another segment)
    # reverse_complement_segment2 = true  # (required) reverse-complement segment2 first (true for Illumina pairs)
    # min_overlap = 30          # (required, >= 5) bases the mates must share
    # max_mismatch_rate = 0.2   # (required, 0 <= x < 1) mismatches allowed per overlapping base
    # max_mismatch_count = 5    # (required) mismatches allowed at most
    # no_overlap_strategy = 'as_is'  # (required) 'as_is' | 'concatenate' (segment1 + spacer + segment2)
    # concatenate_spacer = 'NNNN'  # (required with 'concatenate') between the mates
    # spacer_quality_char = '!' # (default '!' = 33) the spacer's quality
    # out_label = 'merged'      # (optional) a bool tag, true where the mates were merged

# [[step]]
    # action = 'StoreTagInSequence'  # write a location tag's (possibly changed) sequence back into the read
    # in_label = 'mytag'        # (required) a location tag
    # ignore_missing = false    # (default: false) skip molecules without the tag instead of failing

# [[step]]
    # action = 'ReplaceTagWithLetter'  # overwrite the bases under a location tag with one letter
    # in_label = 'mytag'        # (required) a location tag
    # letter = 'N'              # (required) the letter (a character or a byte value 0..255)

# --------------------------------------------------------------------------------------------
# Filter molecules
# --------------------------------------------------------------------------------------------

# [[step]]
    # action = 'Head'           # keep only the first n molecules (stops reading input early)
    # n = 1000                  # (required, >= 0) how many molecules

# [[step]]
    # action = 'Skip'           # drop the first n molecules
    # n = 1000                  # (required, >= 0) how many molecules

# [[step]]
    # action = 'FilterEmpty'    # drop molecules whose read is empty (length 0)
    # segment = 'read1'         # (required with several segments) a segment, or 'All' (drop only
    #                           # when every segment is empty)

# [[step]]
    # action = 'FilterByTag'    # keep or drop molecules by a tag's presence / truth
    # in_label = 'mytag'        # (required) a bool, location or string tag
    # keep_or_remove = 'Keep'   # (required) 'Keep' | 'Remove' the molecules where the tag is set / true

# [[step]]
    # action = 'FilterByNumericTag'  # keep or drop molecules by a numeric tag's value
    # in_label = 'length'       # (required) a numeric tag
    # min_value = 20            # (default: no lower bound) passing means min_value <= value
    # max_value = 150           # (default: no upper bound) passing means value < max_value;
    #                           # give at least one of min_value / max_value
    # keep_or_remove = 'Keep'   # (required) 'Keep' | 'Remove' the passing molecules

# [[step]]
    # action = 'FilterSample'   # keep each molecule with probability p (deterministic for a seed)
    # p = 0.1                   # (required) the probability, 0 < p < 1
    # seed = 42                 # (required) random seed (0 .. 2^64-1)

# [[step]]
    # action = 'Sample'         # another name for FilterSample (same keys: p, seed)
    # p = 0.1                   # (required) the probability, 0 < p < 1
    # seed = 42                 # (required) random seed

# [[step]]
    # action = 'FilterReservoirSample'  # keep exactly n uniformly chosen molecules (all if fewer)
    # n = 10000                 # (required, > 0) how many molecules
    # seed = 42                 # (required) random seed (0 .. 2^64-1)

# [[step]]
    # action = 'ReservoirSample'  # another name for FilterReservoirSample (same keys: n, seed)
    # n = 10000                 # (required, > 0) how many molecules
    # seed = 42                 # (required) random seed

# --------------------------------------------------------------------------------------------
# Extract tags (location / string tags)
# --------------------------------------------------------------------------------------------

# [[step]]
    # action = 'ExtractIUPAC'   # find an IUPAC pattern (Hamming distance) at the start, end or anywhere
    # search = 'CTN'            # (required) a pattern, or a list of patterns (first found wins);
    #                           # letters AGTCU RYSWKMBDHVN (aliases: query, pattern)
    # anchor = 'Anywhere'       # (required) 'Left' (read start) | 'Right' (read end) | 'Anywhere'
    # max_mismatches = 1        # (required, 0..255) mismatches allowed
    # segment = 'read1'         # (required with several segments) which segment
    # out_label = 'adapter'     # (required) the new location tag

# [[step]]
    # action = 'ExtractIUPACWithIndel'  # find an IUPAC pattern allowing substitutions and indels (rust-bio's alignment, as mbf)
    # search = 'AGTCAGTC'       # (required) one pattern, letters AGTCU RYSWKMBDHVN (aliases: query, pattern)
    # anchor = 'Anywhere'       # (required) 'Left' (starts at the read start) | 'Right' (ends at the read end) | 'Anywhere'
    # max_mismatches = 1        # (default 0) substitutions allowed (a pattern N against A counts as one, as in mbf)
    # max_indel_bases = 1       # (default 0) inserted plus deleted bases allowed
    # max_total_edits = 2       # (default: the two above summed) all edits together
    # segment = 'read1'         # (required with several segments) which segment
    # out_label = 'primer'      # (required) the new location tag

# [[step]]
    # action = 'ExtractRegex'   # the first match of a regular expression
    # search = '^CT(..)CT'      # (required) Rust regex syntax (aliases: pattern, query)
    # replacement = '$1'        # (default: '$0', the whole match) what the tag holds; write
    #                           # '\${1}_' rather than '$1_' when a group is followed by text
    # source = 'read1'          # (required) a segment (location tag) or 'name:<segment>' (string tag)
    #                           # (alias segment)
    # out_label = 'mytag'       # (required) the new tag

# [[step]]
    # action = 'ExtractRegion'  # a fixed-position region
    # source = 'read1'          # (required) a segment, 'name:<segment>' or 'tag:<label>' (alias segment)
    # start = 0                 # (required) offset from the anchor (may be negative with 'End')
    # len = 8                   # (required, >= 0) region length (alias length)
    # anchor = 'Start'          # (required) 'Start' (= 'Left') | 'End' (= 'Right'): start counts from
    #                           # the read's start or its end
    # out_label = 'umi'         # (required) the new tag (location for a segment source, else string);
    #                           # molecules whose read is too short get no tag

# [[step]]
    # action = 'ExtractRegions' # several fixed-position regions joined into one tag
    # regions = [               # (required, at least one) each: source, start, length, anchor as in
    #     { source = 'read1', start = 0, length = 8, anchor = 'Start' },   # ExtractRegion
    #     { source = 'read1', start = 12, length = 4, anchor = 'Start' },
    # ]
    # out_label = 'barcode'     # (required) the new tag

# [[step]]
    # action = 'ExtractLowQualityStart'  # the run of low-quality bases at the 5' end
    # min_qual = 'C'            # (required) bases with a quality byte below this are low quality
    #                           # (a character or byte value, in the file's encoding)
    # segment = 'read1'         # (required with several segments) which segment
    # out_label = 'low_start'   # (required) the new location tag (use with TrimAtTag direction='Start')

# [[step]]
    # action = 'ExtractLowQualityEnd'  # the run of low-quality bases at the 3' end
    # min_qual = 'C'            # (required) quality byte threshold (character or byte value)
    # segment = 'read1'         # (required with several segments) which segment
    # out_label = 'low_end'     # (required) the new location tag (use with TrimAtTag direction='End')

# [[step]]
    # action = 'ExtractPolyTail'  # a homopolymer tail at the 3' end (e.g. poly-A)
    # base = 'A'                # (required) 'A' | 'C' | 'G' | 'T' | 'N', or '.' for any base
    # min_length = 5            # (required, >= 2) shortest tail to report
    # max_mismatch_rate = 0.1   # (required, 0 <= x < 1) share of other bases tolerated in the tail
    # max_consecutive_mismatches = 3  # (required) longest run of other bases tolerated
    # segment = 'read1'         # (required with several segments) which segment
    # out_label = 'polya'       # (required) the new location tag

# [[step]]
    # action = 'ExtractLongestPolyX'  # the longest homopolymer stretch anywhere (leftmost on ties)
    # base = '.'                # (required) 'A' | 'C' | 'G' | 'T' | 'N', or '.' for any of A/C/G/T
    # min_length = 5            # (required, >= 1) shortest stretch to report
    # max_mismatch_rate = 0.1   # (required, 0 <= x < 1) share of other bases tolerated
    # max_consecutive_mismatches = 3  # (required) longest run of other bases tolerated
    # segment = 'read1'         # (required with several segments) which segment
    # out_label = 'polyx'       # (required) the new location tag

# [[step]]
    # action = 'ExtractIUPACSuffix'  # an adapter's start (possibly truncated) at the read's 3' end
    # search = 'AGATCGGAAGAGC'  # (required; aliases query, pattern) A, C, G, T only
    # min_length = 3            # (required, 1..length of search) shortest suffix to report
    # max_mismatches = 1        # (required, 0..255) differences allowed
    # segment = 'read1'         # (required with several segments) which segment
    # out_label = 'adapter_end' # (required) the new location tag (use with TrimAtTag direction='End')

# [[step]]
    # action = 'ExtractRegionsOfLowQuality'  # every run of low-quality bases, one hit each
    # min_quality = '#'         # (required) bases with a quality byte below this are low quality
    # min_length = 3            # (required, >= 1) shortest run to report
    # segment = 'read1'         # (required with several segments) which segment
    # out_label = 'low_runs'    # (required) the new location tag (e.g. ReplaceTagWithLetter 'N')

# [[step]]
    # action = 'ExtractAdapter'  # (ours) the 3' adapter cutadapt finds, and what follows it, as a location tag
    # adapter = 'AGATCGGAAGAGCACACGTCTGAACTCCAGTCA'  # (required) IUPAC letters; the other keys as TrimAdapter's
    # segment = 'read1'         # (required with several segments) which segment
    # out_label = 'adapter'     # (required) the new location tag (TrimAtTag direction='End' trims as cutadapt)

# [[step]]
    # action = 'ConcatTags'     # join two or more location / string tags into one
    # in_labels = ['umi', 'barcode']  # (required, at least two) the tags, in order
    # out_label = 'combined'    # (required) the new tag: location if all inputs are, else string
    # separator = '_'           # (default: nothing) between the pieces of a string result
    # on_missing = 'MergePresent'  # (required) 'MergePresent' (join what is there) |
    #                           # 'SetMissing' (no tag when any input is missing)

# --------------------------------------------------------------------------------------------
# Trim (ours: each equal to its anchor tool, read for read)
# --------------------------------------------------------------------------------------------

# [[step]]
    # action = 'TrimQualityMott'  # seqtk trimfq -q: keep the stretch maximising sum(error_rate - P(error))
    # segment = 'All'           # (required with several segments) a segment, or 'All'
    # error_rate = 0.05         # (default 0.05) seqtk's -q
    # min_length = 30           # (default 30) seqtk's -l: reads this long or shorter are left alone

# [[step]]
    # action = 'TrimQualityWindow'  # fastp's sliding-window cutting, its drop rules included
    # segment = 'All'           # (default 'All') a segment, or 'All'
    # cut_front = false         # fastp --cut_front: from the 5' end, drop windows below mean_quality
    # cut_tail = true           # fastp --cut_tail: from the 3' end (ignored with cut_right, as in fastp)
    # cut_right = false         # fastp --cut_right: keep up to the first window below mean_quality
    # window_size = 4           # (default 4, 1..1000) fastp's -W
    # mean_quality = 20         # (default 20, 1..36) fastp's -M, Phred
    # cut_tail_window_size = 4  # (default window_size) also cut_front_/cut_right_window_size
    # cut_tail_mean_quality = 20  # (default mean_quality) also cut_front_/cut_right_mean_quality
    # fastp_drop = true         # (default true) drop the molecule where fastp drops the read;
    #                           # false: empty the read instead

# [[step]]
    # action = 'TrimAdapter'    # cutadapt -a: remove a 3' adapter (anywhere, or running off the end) and what follows
    # adapter = 'AGATCGGAAGAGCACACGTCTGAACTCCAGTCA'  # (required) IUPAC letters
    # segment = 'read1'         # (required with several segments) which segment (one step per segment)
    # max_error_rate = 0.1      # (default 0.1) cutadapt's -e (from 1 on: a number of errors)
    # min_overlap = 3           # (default 3) cutadapt's -O
    # indels = true             # (default true) false = cutadapt's --no-indels
    # match_read_wildcards = false  # (default false) cutadapt's -N

# --------------------------------------------------------------------------------------------
# Calculate tags (numeric / bool tags)
# --------------------------------------------------------------------------------------------

# [[step]]
    # action = 'CalcLength'     # read length
    # segment = 'read1'         # (required with several segments) a segment, or 'All' (summed)
    # out_label = 'length'      # (required) the new numeric tag

# [[step]]
    # action = 'CalcNCount'     # number of N bases
    # segment = 'read1'         # (required with several segments) a segment, or 'All'
    # out_label = 'n_count'     # (required) the new numeric tag

# [[step]]
    # action = 'CalcGCContent'  # percent G+C among the non-N bases
    # segment = 'read1'         # (required with several segments) a segment, or 'All'
    # out_label = 'gc'          # (required) the new numeric tag

# [[step]]
    # action = 'CalcBaseContent'  # share (percent) or count of chosen bases
    # bases_to_count = 'AT'     # (required) letters to count (any case)
    # bases_to_ignore = 'N'     # (default: none) letters left out of the total (only with relative = true)
    # relative = true           # (default: true) percent of the (non-ignored) bases; false: a count
    # segment = 'read1'         # (required with several segments) a segment, or 'All'
    # out_label = 'at'          # (required) the new numeric tag

# [[step]]
    # action = 'CalcComplexity' # share of neighbouring base pairs that differ (0 for length <= 1)
    # segment = 'read1'         # (required with several segments) a segment, or 'All'
    # out_label = 'complexity'  # (required) the new numeric tag

# [[step]]
    # action = 'CalcQualifiedBases'  # how many bases have a quality above / below a threshold
    # threshold = 'I'           # (required) quality byte (character or byte value, file encoding)
    # operator = 'Above'        # (required) 'Above' (>) | 'Below' (<) | 'AboveOrEqual' (>=) |
    #                           # 'BelowOrEqual' (<=) (alias op)
    # segment = 'read1'         # (required with several segments) a segment, or 'All'
    # out_label = 'good_bases'  # (required) the new numeric tag

# [[step]]
    # action = 'CalcExpectedError'  # expected number of errors from the Phred+33 qualities
    # aggregate = 'Sum'         # (required) 'Sum' of the error probabilities | 'Max' of them
    # segment = 'All'           # (default: 'All') a segment, or 'All'
    # out_label = 'expected_errors'  # (required) the new numeric tag

# [[step]]
    # action = 'CalcKmers'      # how many of a read's k-mers are in a database built from sequence files
    # filename = ['phix.fa']    # (required; aliases files, filenames) FASTA/FASTQ/BAM, plain, gzip or zstd; one or a list
    # k = 31                    # (required, >= 1) the k-mer length
    # count_reverse_complement = true  # (required; alias canonical) also put each k-mer's reverse complement in the database
    # min_count = 1             # (default 1) occurrences in the files for a k-mer to be in the database
    # segment = 'read1'         # (required with several segments) a segment, or 'All' (summed)
    # out_label = 'phix_kmers'  # (required) the new numeric tag

# [[step]]
    # action = 'EvalExpression' # compute a numeric or bool tag from other tags
    # expression = 'len_read1 > 20 && gc < 60'  # (required) arithmetic (+ - * / % ^), comparisons,
    #                           # && ||, functions (min, max, abs, round, log, ...); variables: tag
    #                           # labels, len_<segment>, len_<tag>, read_no (alias expr)
    # result_type = 'Bool'      # (required) 'Numeric' | 'Bool' (alias output_type)
    # out_label = 'keep_me'     # (required) the new tag

# [[step]]
    # action = 'ConvertRegionsToLength'  # the summed length of a location tag's hits (0 when missing)
    # in_label = 'low_runs'     # (required) a location tag
    # out_label = 'low_bases'   # (required) the new numeric tag

# [[step]]
    # action = 'EvaluateExpression'  # another name for EvalExpression (same keys)
    # expression = 'gc * 2'     # (required) the expression (alias expr)
    # result_type = 'Numeric'   # (required) 'Numeric' | 'Bool'
    # out_label = 'gc2'         # (required) the new tag

# --------------------------------------------------------------------------------------------
# Store and forget tags
# --------------------------------------------------------------------------------------------

# [[step]]
    # action = 'StoreTagInComment'  # append '|label=value' to read names (before the comment)
    # in_label = 'umi'          # (required) a tag of any kind
    # segment = 'All'           # (default: 'All') a segment, or 'All'
    # comment_separator = '|'   # (default: '|') written before label=value
    # comment_insert_char = ' ' # (default: ' ') the value goes before the first of these in the name
    # region_separator = '_'    # (default: '_') joins the pieces of a location tag

# [[step]]
    # action = 'StoreTagLocationInComment'  # append '|label_location=segment:start-end,...' to read names
    # in_label = 'umi'          # (required) a location tag
    # segment = 'All'           # (default: 'All') a segment, or 'All'
    # comment_separator = '|'   # (default: '|') written before the entry
    # comment_insert_char = ' ' # (default: ' ') the entry goes before the first of these in the name

# [[step]]
    # action = 'StoreTagsInTable'  # a TSV of tag values, one row per molecule:
    #                           # {prefix}{ix_separator}{infix}.tsv (first column: the read name)
    # infix = 'tags'            # (default: '') part of the file name
    # in_labels = ['umi', 'gc'] # (default: every tag present, sorted by name) the columns
    # compression = 'Uncompressed'  # (default: 'Uncompressed') 'Uncompressed' | 'Gzip' | 'Zstd'
    # region_separator = '_'    # (default: '_') joins the pieces of a location tag

# [[step]]
    # action = 'StoreTagInFastQ'  # a location tag's sequences as reads of a side file {prefix}{ix_separator}tag.{label}.fq
    #                           # (after Demultiplex: one per output); qualities '~'; needs an [output] table
    # in_label = 'umi'          # (required) a location tag
    # format = 'Fastq'          # (default 'Fastq') 'Fastq' | 'Fasta'
    # compression = 'Uncompressed'  # (default: 'Uncompressed') 'Uncompressed' | 'Gzip' | 'Zstd'
    # compression_level = 6     # (default: the compressor's) gzip 0..9, zstd 1..22; only when compressed
    # comment_tags = []         # (default []) tags added to the names as |label=value
    # comment_location_tags = ['umi']  # (default [in_label]) tags added as |label_location=segment:start-end
    # comment_separator = '|'   # (default '|') between comments
    # comment_insert_char = ' ' # (default ' ') comments go before the first of these in the name
    # region_separator = '_'    # (default '_') joins the hits of a multi-region tag

# [[step]]
    # action = 'ForgetTag'      # drop a tag (its label may then be used again)
    # in_label = 'mytag'        # (required) the tag

# [[step]]
    # action = 'TagDuplicates'  # true on the 2nd and later molecules with the same source (then FilterByTag)
    # source = 'All'            # (required) a segment, 'All', 'name:<segment>', 'name:all' or 'tag:<label>'
    # out_label = 'dup'         # (required) the new bool tag
    # false_positive_rate = 0.0 # (default 0: exact, every source kept in memory) above 0: a Bloom filter
    # seed = 42                 # (required when false_positive_rate > 0)
    # initial_filter_capacity = 1000000  # (default 1000000) molecules before the filter grows
    # split_character = ' '     # (name: sources; default the read comment character) where a name ends

# [[step]]
    # action = 'ForgetAllTags'  # drop every tag
    # ignored = 0               # (optional) accepted for compatibility; no effect

# --------------------------------------------------------------------------------------------
# Demultiplex (fork the output by a tag)
# --------------------------------------------------------------------------------------------

# [[step]]
    # action = 'TagOtherFile'   # true for molecules whose read (or name) is in another FASTQ/FASTA/BAM file
    # filename = 'contaminants.fq.gz'  # (required) read once before the run
    # source = 'read1'          # (required) a segment (sequence), 'name:<segment>' or 'tag:<label>'
    # out_label = 'in_other'    # (required) the new bool tag (then FilterByTag)
    # other_readname_end_character = ' '  # (optional) where the other file's names end
    # include_mapped = true     # (required for BAM) take mapped records
    # include_unmapped = true   # (required for BAM) take unmapped records
    # false_positive_rate = 0.0 # (default 0: exact) above 0: a Bloom filter
    # seed = 42                 # (required when false_positive_rate > 0)

# [[step]]
    # action = 'QuantifyTag'    # count each value of a location tag into {prefix}_{infix}.qr.json (most frequent first)
    # in_label = 'umi'          # (required) a location tag
    # infix = 'umi_counts'      # (required) part of the file name
    # region_separator = '_'    # (default '_') joins the hits of a multi-region tag

# [[step]]
    # action = 'HammingCorrect'  # snap a tag's sequences to the nearest barcode of a [barcodes.NAME] section
    # in_label = 'barcode'      # (required) a location or string tag
    # out_label = 'corrected'   # (required) the new tag
    # barcodes = 'inline'       # (required) the [barcodes.NAME] section
    # max_hamming_distance = 1  # (required, 0..255) differences corrected
    # on_no_match = 'remove'    # (required) 'remove' (tag missing) | 'empty' | 'keep'

# [[step]]
    # action = 'Demultiplex'    # one set of output files per barcode: {prefix}_{name}_{segment}.fq
    # in_label = 'corrected'    # (required) a location / string tag, or a bool tag (no barcodes then)
    # barcodes = 'inline'       # (required for location / string tags) the [barcodes.NAME] section
    # output_unmatched = true   # (required with barcodes) unmatched molecules to {prefix}_no-barcode_{segment}
    #                           # A section, anywhere in the file (several barcodes may share a name):
    #                           #   [barcodes.inline]
    #                           #       ATCACG = 'sample1'
    #                           #       CGATGT = 'sample2'

# --------------------------------------------------------------------------------------------
# Validate (stop with an error when the input is not as expected)
# --------------------------------------------------------------------------------------------

# [[step]]
    # action = 'ValidateSeq'    # every base must be one of the allowed letters
    # allowed = 'ACGTN'         # (required) the allowed letters (case-sensitive)
    # segment = 'read1'         # (required with several segments) a segment, or 'All'

# [[step]]
    # action = 'ValidateQuality'  # every quality byte must be within the encoding's range
    # encoding = 'Sanger'       # (required) 'Sanger' (= 'Illumina1.8') | 'Solexa' | 'Illumina1.3'
    # segment = 'read1'         # (required with several segments) a segment, or 'All'

# [[step]]
    # action = 'ValidateName'   # the segments of a molecule must carry the same read name
    # readname_end_char = ' '   # (default: compare whole names) compare up to this character,
    #                           # which must then occur in every name (character or byte value)
    # sample_stride = 1000      # (default: 1000, > 0) check every n-th molecule

# [[step]]
    # action = 'ValidateReadPairing'  # read names of a molecule must have equal length and differ in
    #                           # at most one character (the /1 /2 convention); needs >= 2 segments
    # sample_stride = 1000      # (default: 1000, > 0) check every n-th molecule

# [[step]]
    # action = 'SpotCheckReadNames'  # another name for ValidateReadPairing (same keys)
    # sample_stride = 1000      # (default: 1000, > 0) check every n-th molecule

# [[step]]
    # action = 'ValidateAllReadsSameLength'  # every read must have the same length
    # source = 'read1'          # (required) a segment, 'All', 'name:<segment>' or 'tag:<label>'
    #                           # (alias segment)

# --------------------------------------------------------------------------------------------
# Report and inspect
# --------------------------------------------------------------------------------------------

# [[step]]
    # action = 'Progress'       # print a progress line every n molecules, and the rate at the end
    # n = 1000000               # (default: 1000000, >= 1) molecules between lines
    # output_infix = 'progress' # (default: standard error) write to {prefix}{ix_separator}{infix}.progress
    # filename = 'progress.log' # (default: standard error) or write to this file

# [[step]]
    # action = 'Report'         # statistics here in the chain, into {prefix}.json / {prefix}.html (set report_json / report_html)
    # name = 'raw'              # (required, unique) the report's name
    # count = true              # (default true) molecules
    # base_statistics = false   # per segment: Q20/Q30/G+C bases, base content and quality by position
    # length_distribution = false  # per segment: reads per length
    # duplicate_count_per_read = false  # per segment: reads whose sequence was seen before
    # duplicate_count_per_fragment = false  # molecules whose every read was seen before, together
    # count_oligos = ['AGATCGGAAGAGC']  # (default none) reads holding each of these A/C/G/T words exactly
    # count_oligos_segment = 'All'  # (default 'All') the segment searched, or 'All' (each read counted)
    # tag_histograms = ['umi']  # (default none) molecules per value of each tag (numbers rounded)

# [[step]]
    # action = 'Inspect'        # write the first n molecules reaching this step to a side file:
    #                           # {prefix}{ix_separator}{infix}{ix_separator}{segment}.fq
    # n = 100                   # (required, >= 0) how many molecules
    # infix = 'inspect'         # (required) part of the file name
    # segment = 'read1'         # (required with several segments) a segment, or 'All' (interleaved)
    # format = 'Fastq'          # (default: 'Fastq') 'Fastq' | 'Fasta' (FASTQ is written either way)
    # compression = 'Gzip'      # (default: 'Uncompressed') 'Uncompressed' | 'Gzip' | 'Zstd'
    # compression_level = 6     # (default: the compressor's) gzip 0..9, zstd 1..22; only when compressed
    # suffix = 'fq.gz'          # (default: fq, fq.gz or fq.zst) the file name's ending
`;
