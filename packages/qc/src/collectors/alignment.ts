/**
 * Alignment summary (Picard CollectAlignmentSummaryMetrics, riker `alignment`).
 *
 * Picard 2.27.5 (picard/analysis/AlignmentSummaryMetricsCollector.java, ChimeraUtil.java,
 * AdapterUtility.java; htsjdk 3.0.4 SequenceUtil, CoordMath, Histogram), defaults
 * MAX_INSERT_SIZE=100000, EXPECTED_PAIR_ORIENTATIONS=[FR], the default ADAPTER_SEQUENCE list,
 * METRIC_ACCUMULATION_LEVEL=ALL_READS, IS_BISULFITE_SEQUENCED=false, COLLECT_ALIGNMENT_INFORMATION=true:
 *  - secondary AND supplementary records are skipped entirely (the collector's top-level
 *    acceptRecord drops isSecondaryOrSupplementary, so the "supplementary bases count" branches
 *    inside are dead code in 2.27.5);
 *  - rows: paired reads go to FIRST_OF_PAIR (flag 0x40) or SECOND_OF_PAIR (anything else paired) and
 *    to PAIR; unpaired reads to UNPAIRED. FIRST/SECOND/PAIR are written when FIRST_OF_PAIR has
 *    reads, UNPAIRED when it has reads or FIRST_OF_PAIR has none (an empty input: one zero row);
 *    PAIR's BAD_CYCLES is FIRST's + SECOND's;
 *  - TOTAL_READS counts QC-fail reads, everything else only PF reads (not QC-fail). Read length =
 *    SEQ length; aligned read length = M/I/=/X bases of the CIGAR, for every PF read (unmapped
 *    ones add 0 to MEAN_ALIGNED_READ_LENGTH's denominator). PF_NOISE_READS: XN:i:1;
 *  - adapter reads: PF reads that AdapterUtility calls adapter (adapter-matcher.ts);
 *  - mapped PF reads: PF_READS_ALIGNED; improper = paired and not proper (mate-unmapped reads
 *    included); READS_ALIGNED_IN_PAIRS = paired with the mate mapped; strand balance = forward
 *    share; soft clips (and the 3' soft clip: clips after the first non-clip op, in read order
 *    reversed for the reverse strand); hard clips count for every PF read;
 *  - chimeras: mate mapped and (no MQ tag, or MQ ≥ 20 and MAPQ ≥ 20) → in the denominator,
 *    chimeric when |TLEN| > MAX_INSERT_SIZE, the mate is on another contig, the orientation is not
 *    expected, or an SA tag is present; mate unmapped or unpaired with MAPQ ≥ 20 → in the
 *    denominator, chimeric when an SA tag is present;
 *  - bases of aligned PF reads: every M/=/X base is aligned (PF_ALIGNED_BASES), HQ when MAPQ ≥ 20
 *    (PF_HQ_ALIGNED_BASES, Q20 when its quality ≥ 20); with a reference, a base is a mismatch
 *    when htsjdk basesEqual (IUPAC bit masks, case-insensitive, N = N) says so, and bases past the
 *    contig's end are not counted at all; without one there are no mismatches (the rates are 0);
 *    PF_HQ_MEDIAN_MISMATCHES is the median over all aligned PF reads, non-HQ reads adding 0;
 *    PF_INDEL_RATE = I/D CIGAR elements / PF_ALIGNED_BASES;
 *  - BAD_CYCLES: cycles where (N or mismatch) count / TOTAL_READS ≥ 0.8; for unmapped or QC-fail
 *    reads every N counts at its read cycle, for aligned reads the cycle is computed from the
 *    offset *within the alignment block*, not from the read offset (Picard's quirk, reproduced);
 *  - PCT_* = MathUtil.divide (0 when the denominator is 0); PCT_SOFTCLIP/HARDCLIP divide by the
 *    PF read bases; read-length statistics from htsjdk Histogram (SD with n − 1: `?` for one read);
 *  - the metrics file carries read-length histograms PAIRED_/UNPAIRED_TOTAL_LENGTH_COUNT and
 *    PAIRED_/UNPAIRED_ALIGNED_LENGTH_COUNT (htsjdk writes only the non-empty ones).
 *
 * Where this differs from Picard 2.27.5 (it fails, we don't):
 *  - a category with reads but no PF reads: Picard 2.27.5 throws (NullPointerException; 3.x refuses
 *    "no PF_READS"); here the row keeps TOTAL_READS and zeros (Picard 3.x's PF_READS > 0 guard);
 *  - a record without qualities (`*`) or whose CIGAR runs past its sequence: Picard throws; here
 *    such bases count as below Q20 / the block stops at the sequence's end.
 *
 * riker layout (riker src/commands/alignment.rs): riker's columns and decimals, categories
 * read1/read2/pair (and `unpaired`, where riker writes read1), values Picard's. riker's own rules,
 * behind options that default to Picard's:
 *  - `minMappingQuality` (riker --min-mapq; Picard's fixed 20) for HQ and the chimera MAPQ test;
 *  - `alignedLengthOverAlignedReads`: MEAN_ALIGNED_READ_LENGTH over aligned reads (Picard: all PF reads);
 *  - `improperPairsNeedMappedMate`: improper pairs only with the mate mapped (Picard counts
 *    mate-unmapped reads too).
 * Not reproduced (riker's numbers, not Picard's, so left out): mismatches from the NM tag, bad
 * cycles from no-calls only at the read cycle, population SD, the pair rows keyed on read 2.
 *
 * Reference: each collector (one per engine thread) reads it through its own ReferenceWindow
 * (reference-window.ts), opened on the first aligned record.
 */
import { CigarOp, Flag, type BamHeader, type BamRecordView } from '@shoal/hts';
import { isAdapter } from '../adapter-matcher.js';
import {
  optionDefaults,
  type Collector,
  type CollectorContext,
  type CollectorFactory,
  type CollectorOption,
  type Column,
  type MetricsOutput,
  type Row,
} from '../collector.js';
import { UNIT_COLUMNS } from '../unit-columns.js';
import {
  ACCUMULATION_LEVEL_OPTION,
  accumulationLevelProblem,
  MultiLevelCollector,
  parseAccumulationLevels,
  type LevelsPartial,
} from '../levels.js';
import { Histogram, type HistogramJson } from '../histogram.js';
import { ReferenceWindow } from '../reference-window.js';

/** Reference bases of one record's span the shared window is moved over (see accept). */
const SPAN_IN_WINDOW = 1 << 16;
import { pairOrientation } from './isize.js';
import { NO_CALL_MASK } from '../base-masks.js';
import { alignmentReport } from '../plots/collector-reports.js';

// hts's flag bits and CIGAR operations as module constants: the tests per record and per CIGAR
// operation below compare with a plain number instead of reading a property of an imported object
// each time (measured: those reads cost this collector ~5% without the reference).
const FLAG_PAIRED = Flag.Paired;
const FLAG_PROPER_PAIR = Flag.ProperPair;
const FLAG_UNMAPPED = Flag.Unmapped;
const FLAG_MATE_UNMAPPED = Flag.MateUnmapped;
const FLAG_REVERSE = Flag.Reverse;
const FLAG_FIRST_OF_PAIR = Flag.FirstOfPair;
const FLAG_QC_FAIL = Flag.QcFail;
/** Picard skips secondary and supplementary records entirely. */
const SECONDARY_OR_SUPPLEMENTARY = Flag.Secondary | Flag.Supplementary;
const CIGAR_MATCH = CigarOp.Match;
const CIGAR_INSERTION = CigarOp.Insertion;
const CIGAR_DELETION = CigarOp.Deletion;
const CIGAR_SKIP = CigarOp.Skip;
const CIGAR_SOFT_CLIP = CigarOp.SoftClip;
const CIGAR_HARD_CLIP = CigarOp.HardClip;
const CIGAR_SEQUENCE_MATCH = CigarOp.SequenceMatch;
const CIGAR_SEQUENCE_MISMATCH = CigarOp.SequenceMismatch;

type Orientation = 'FR' | 'RF' | 'TANDEM';

export interface AlignmentOptions {
  /** Picard MAX_INSERT_SIZE (riker --max-insert-size): larger pairs are chimeric. */
  maxInsertSize: number;
  /** riker --min-mapq; Picard's fixed MAPPING_QUALITY_THRESHOLD is 20. */
  minMappingQuality: number;
  /** Picard EXPECTED_PAIR_ORIENTATIONS: other orientations are chimeric. */
  expectedOrientations: Orientation[];
  /** riker's rule: MEAN_ALIGNED_READ_LENGTH over aligned reads only. */
  alignedLengthOverAlignedReads: boolean;
  /** riker's rule: improper pairs need the mate mapped. */
  improperPairsNeedMappedMate: boolean;
  /** Picard METRIC_ACCUMULATION_LEVEL, comma-separated (unset: ALL_READS). */
  accumulationLevel: string | undefined;
}

/** riker's flags, Picard's defaults. */
export const ALIGNMENT_OPTIONS = [
  {
    key: 'maxInsertSize',
    flag: 'max-insert-size',
    description: 'pairs with a larger insert are chimeric (Picard MAX_INSERT_SIZE)',
    type: 'number',
    defaultValue: 100000,
    min: 0,
    max: 2147483647,
    integer: true,
  },
  {
    key: 'minMappingQuality',
    flag: 'min-mapq',
    description: "mapping quality of high-quality (HQ) reads and of the chimera test (riker's option; Picard's fixed 20)",
    type: 'number',
    defaultValue: 20,
    min: 0,
    max: 255,
    integer: true,
  },
  {
    key: 'alignedLengthOverAlignedReads',
    flag: 'aligned-length-over-aligned-reads',
    description: "riker's rule: MEAN_ALIGNED_READ_LENGTH over aligned reads (Picard: over all PF reads)",
    type: 'boolean',
    defaultValue: false,
  },
  {
    key: 'improperPairsNeedMappedMate',
    flag: 'improper-pairs-need-mapped-mate',
    description: "riker's rule: count improper pairs only with the mate mapped (Picard counts mate-unmapped reads too)",
    type: 'boolean',
    defaultValue: false,
  },
  ACCUMULATION_LEVEL_OPTION,
] as const satisfies readonly CollectorOption<keyof AlignmentOptions>[];

export const ALIGNMENT_DEFAULTS: AlignmentOptions = {
  ...optionDefaults(ALIGNMENT_OPTIONS),
  // Picard's default, which the command line does not offer to change.
  expectedOrientations: ['FR'],
};

/** AlignmentSummaryMetricsCollector: a cycle is bad when ≥ 80 % of reads are N or mismatch there. */
const BAD_CYCLE_FRACTION = 0.8;
/** The code of N in a BAM sequence (SAM spec §4.2.3), a no-call for bad cycles. */
const NO_CALL_CODE = NO_CALL_MASK; // a module constant: the hot loops compare with a local number

/** The integer value of the tag at `at` (types c C s S i I), or undefined (htsjdk getIntegerAttribute). */
function integerTagAt(record: BamRecordView, at: number): number | undefined {
  if (at < 0) return undefined;
  const data = record.data;
  switch (record.bytes[at + 2]) {
    case 99:
      return data.getInt8(at + 3);
    case 67:
      return data.getUint8(at + 3);
    case 115:
      return data.getInt16(at + 3, true);
    case 83:
      return data.getUint16(at + 3, true);
    case 105:
      return data.getInt32(at + 3, true);
    case 73:
      return data.getUint32(at + 3, true);
    default:
      return undefined;
  }
}

// ─── Counters per category ──────────────────────────────────────────────────────────────────────
/** Index of each counter in a category's Float64Array. */
const C = {
  totalReads: 0,
  pfReads: 1,
  pfNoiseReads: 2,
  pfReadsAligned: 3,
  pfAlignedBases: 4,
  pfHqAlignedReads: 5,
  pfHqAlignedBases: 6,
  pfHqAlignedQ20Bases: 7,
  readsAlignedInPairs: 8,
  pfReadsImproperPairs: 9,
  positiveStrand: 10,
  chimeras: 11,
  chimerasDenominator: 12,
  adapterReads: 13,
  indels: 14,
  softClipped: 15,
  threePrimeSoftClippedBases: 16,
  readsWithThreePrimeSoftClips: 17,
  hardClipped: 18,
  mismatches: 19,
  hqMismatches: 20,
  /** Aligned read length summed over mapped PF reads (riker's MEAN_ALIGNED_READ_LENGTH). */
  alignedLengthOfMappedReads: 21,
} as const;
const COUNTER_COUNT = Object.keys(C).length;

const CATEGORIES = ['UNPAIRED', 'FIRST_OF_PAIR', 'SECOND_OF_PAIR'] as const;
const UNPAIRED = 0;
const FIRST_OF_PAIR = 1;
const SECOND_OF_PAIR = 2;
const RIKER_CATEGORY: Record<string, string> = { UNPAIRED: 'unpaired', FIRST_OF_PAIR: 'read1', SECOND_OF_PAIR: 'read2', PAIR: 'pair' };

interface CategoryPartial {
  counters: number[];
  readLengths: HistogramJson;
  alignedLengths: HistogramJson;
  hqMismatches: HistogramJson;
  /** Counts by cycle (index = cycle); [cycle, count] pairs in partial files of earlier versions. */
  badCycles: ArrayLike<number> | HistogramJson;
}

/**
 * Counts by cycle (1 up to the longest read), dense: a long read gives a mismatch or no-call at most of its million
 * cycles, and as Map keys (Histogram) they cost ~0.7 s to count and sort.
 */
class CycleCounts {
  private counts = new Float64Array(512);
  /** Highest cycle counted + 1. */
  private size = 0;

  increment(cycle: number): void {
    if (cycle >= this.counts.length) this.grow(cycle + 1);
    this.counts[cycle]++;
    if (cycle >= this.size) this.size = cycle + 1;
  }

  /** Cycles whose count reaches `fraction` of `total` (Picard's BAD_CYCLES test on each cycle with a count). */
  cyclesAtLeast(fraction: number, total: number): number {
    let cycles = 0;
    for (let cycle = 0; cycle < this.size; cycle++) if (this.counts[cycle]! > 0 && this.counts[cycle]! / total >= fraction) cycles++;
    return cycles;
  }

  toPartial(): Float64Array {
    return this.counts.slice(0, this.size);
  }

  merge(other: CycleCounts | ArrayLike<number> | HistogramJson): void {
    if (other instanceof CycleCounts) return this.merge(other.counts.subarray(0, other.size));
    if (other.length > 0 && Array.isArray(other[0])) {
      for (const [cycle, count] of other as HistogramJson) this.add(cycle, count);
      return;
    }
    const counts = other as ArrayLike<number>;
    if (counts.length > this.counts.length) this.grow(counts.length);
    for (let cycle = 0; cycle < counts.length; cycle++) if (counts[cycle]! !== 0) this.add(cycle, counts[cycle]!);
  }

  private add(cycle: number, count: number): void {
    if (cycle >= this.counts.length) this.grow(cycle + 1);
    this.counts[cycle] += count;
    if (cycle >= this.size) this.size = cycle + 1;
  }

  private grow(length: number): void {
    const bigger = new Float64Array(Math.max(length, this.counts.length * 2));
    bigger.set(this.counts);
    this.counts = bigger;
  }
}

interface AlignmentPartial {
  categories: CategoryPartial[];
}

class Category {
  readonly counters = new Float64Array(COUNTER_COUNT);
  readonly readLengths = new Histogram();
  readonly alignedLengths = new Histogram();
  readonly hqMismatches = new Histogram();
  readonly badCycles = new CycleCounts();

  toPartial(): CategoryPartial {
    return {
      counters: Array.from(this.counters),
      readLengths: this.readLengths.toJSON(),
      alignedLengths: this.alignedLengths.toJSON(),
      hqMismatches: this.hqMismatches.toJSON(),
      badCycles: this.badCycles.toPartial(),
    };
  }

  merge(partial: CategoryPartial | Category): void {
    const source = partial instanceof Category ? partial.toPartial() : partial;
    for (let i = 0; i < COUNTER_COUNT; i++) this.counters[i] += source.counters[i] ?? 0;
    this.readLengths.merge(source.readLengths);
    this.alignedLengths.merge(source.alignedLengths);
    this.hqMismatches.merge(source.hqMismatches);
    this.badCycles.merge(source.badCycles);
  }
}

// ─── Columns ────────────────────────────────────────────────────────────────────────────────────
// Descriptions follow Picard 2.27.5's AlignmentSummaryMetrics, corrected where its code (reproduced here) differs from
// its doc. PF: not QC-fail (flag 0x200). PF_READS, PCT_PF_READS, PF_NOISE_READS and PF_ALIGNED_BASES are not in
// RIKER_ORDER, so riker's layout leaves them out (riker: null says so; the writer goes by RIKER_ORDER).
const COLUMNS: Column[] = [
  {
    name: 'CATEGORY',
    kind: 'text',
    riker: null,
    description:
      "The reads the row counts: FIRST_OF_PAIR, SECOND_OF_PAIR, PAIR (both ends together) or UNPAIRED. Picard's layout only (riker's has RIKER_CATEGORY).",
  },
  {
    name: 'RIKER_CATEGORY',
    kind: 'text',
    riker: 'category',
    picard: false,
    description: "riker's form of CATEGORY: read1, read2, pair or unpaired (riker's layout only).",
  },
  {
    name: 'TOTAL_READS',
    kind: 'int',
    description: 'Primary reads in the category, PF and QC-fail alike; for PAIR, twice the number of clusters.',
  },
  {
    name: 'PF_READS',
    kind: 'int',
    riker: null,
    description: "Reads passing the vendor's filter (not flagged QC-fail). Picard's layout only.",
  },
  {
    name: 'PCT_PF_READS',
    kind: 'double',
    riker: null,
    description: "Fraction of the reads that are PF: PF_READS / TOTAL_READS. Picard's layout only.",
  },
  {
    name: 'PF_NOISE_READS',
    kind: 'int',
    riker: null,
    description: "PF reads marked as noise (tag XN:i:1), reads made only of A and/or N bases. Picard's layout only.",
  },
  {
    name: 'PF_READS_ALIGNED',
    kind: 'int',
    riker: 'aligned_reads',
    description: 'PF reads aligned to the reference, ambiguous (low mapping quality) alignments included.',
  },
  {
    name: 'PCT_PF_READS_ALIGNED',
    kind: 'double',
    riker: 'frac_aligned',
    decimals: 5,
    description: 'Fraction of the PF reads that are aligned: PF_READS_ALIGNED / PF_READS.',
  },
  {
    name: 'PF_ALIGNED_BASES',
    kind: 'int',
    riker: null,
    description: "Bases of aligned PF reads aligned to the reference (CIGAR M, = and X; clips and insertions not). Picard's layout only.",
  },
  {
    name: 'PF_HQ_ALIGNED_READS',
    kind: 'int',
    riker: 'hq_aligned_reads',
    description: 'Aligned PF reads with mapping quality ≥ 20 (riker --min-mapq): at most a 1 in 100 chance that the alignment is wrong.',
  },
  {
    name: 'PF_HQ_ALIGNED_BASES',
    kind: 'int',
    riker: 'hq_aligned_bases',
    description: 'Bases aligned to the reference (CIGAR M, = and X) in the PF_HQ_ALIGNED_READS.',
  },
  {
    name: 'PF_HQ_ALIGNED_Q20_BASES',
    kind: 'int',
    riker: 'hq_aligned_q20_bases',
    description: 'The PF_HQ_ALIGNED_BASES whose base quality is 20 or higher.',
  },
  {
    name: 'PF_HQ_MEDIAN_MISMATCHES',
    kind: 'double',
    riker: 'hq_median_mismatches',
    decimals: 2,
    description:
      'Median of the reference mismatches per read of the HQ aligned reads, taken as Picard does over all aligned PF reads (others count 0). 0 without a reference.',
  },
  {
    name: 'PF_MISMATCH_RATE',
    kind: 'double',
    riker: 'mismatch_rate',
    decimals: 6,
    description: 'Fraction of the PF_ALIGNED_BASES that mismatch the reference. 0 when run without a reference.',
  },
  {
    name: 'PF_HQ_ERROR_RATE',
    kind: 'double',
    riker: 'hq_mismatch_rate',
    decimals: 6,
    description: 'Fraction of the PF_HQ_ALIGNED_BASES that mismatch the reference. 0 when run without a reference.',
  },
  {
    name: 'PF_INDEL_RATE',
    kind: 'double',
    riker: 'indel_rate',
    decimals: 6,
    description:
      "Insertion and deletion events (CIGAR I and D elements, not bases) per aligned base: events / PF_ALIGNED_BASES (Picard's doc says per 100 bases; its code does not).",
  },
  {
    name: 'MEAN_READ_LENGTH',
    kind: 'double',
    decimals: 2,
    description: 'Mean length of the PF reads, soft-clipped bases included.',
  },
  {
    name: 'SD_READ_LENGTH',
    kind: 'double',
    decimals: 2,
    description: 'Standard deviation of the PF read lengths (sample SD, n − 1), soft-clipped bases included.',
  },
  {
    name: 'MEDIAN_READ_LENGTH',
    kind: 'double',
    decimals: 2,
    description: 'Median length of the PF reads, soft-clipped bases included.',
  },
  {
    name: 'MAD_READ_LENGTH',
    kind: 'double',
    decimals: 2,
    description: 'Median absolute deviation of the PF read lengths; for a near-normal distribution the SD is about 1.4826 × MAD.',
  },
  {
    name: 'MIN_READ_LENGTH',
    kind: 'double',
    decimals: 0,
    description: 'Length of the shortest PF read, soft-clipped bases included.',
  },
  {
    name: 'MAX_READ_LENGTH',
    kind: 'double',
    decimals: 0,
    description: 'Length of the longest PF read, soft-clipped bases included.',
  },
  {
    name: 'MEAN_ALIGNED_READ_LENGTH',
    kind: 'double',
    decimals: 2,
    description:
      'Mean aligned length (CIGAR M, I, = and X; clips not counted) over all PF reads, unaligned ones as 0; over aligned reads only with riker --aligned-length-over-aligned-reads.',
  },
  {
    name: 'READS_ALIGNED_IN_PAIRS',
    kind: 'int',
    riker: 'aligned_reads_in_pairs',
    description: 'Aligned PF reads that are paired and whose mate is aligned too.',
  },
  {
    name: 'PCT_READS_ALIGNED_IN_PAIRS',
    kind: 'double',
    riker: 'frac_aligned_in_pairs',
    decimals: 5,
    description: 'Fraction of the aligned PF reads whose mate is aligned too: READS_ALIGNED_IN_PAIRS / PF_READS_ALIGNED.',
  },
  {
    name: 'PF_READS_IMPROPER_PAIRS',
    kind: 'int',
    riker: 'reads_improperly_paired',
    description:
      'Aligned paired PF reads without the proper-pair flag (0x2), mate-unmapped ones included (left out with riker --improper-pairs-need-mapped-mate).',
  },
  {
    name: 'PCT_PF_READS_IMPROPER_PAIRS',
    kind: 'double',
    riker: 'frac_reads_improperly_paired',
    decimals: 5,
    description: 'Fraction of the aligned PF reads that are improperly paired: PF_READS_IMPROPER_PAIRS / PF_READS_ALIGNED.',
  },
  {
    name: 'BAD_CYCLES',
    kind: 'int',
    description:
      'Cycles where ≥ 80% of the reads have a no-call (N) or, in aligned PF reads, a reference mismatch; for PAIR, the sum of the two ends.',
  },
  {
    name: 'STRAND_BALANCE',
    kind: 'double',
    decimals: 5,
    description: 'Fraction of the aligned PF reads on the forward (positive) strand of the reference.',
  },
  {
    name: 'PCT_CHIMERAS',
    kind: 'double',
    riker: 'frac_chimeras',
    decimals: 5,
    description:
      'Fraction of aligned PF reads with MAPQ (and mate MQ) ≥ 20 (--min-mapq) that are chimeric: insert > MAX_INSERT_SIZE, mate on another contig, wrong orientation, or an SA tag.',
  },
  {
    name: 'PCT_ADAPTER',
    kind: 'double',
    riker: null,
    description:
      "Fraction of the PF reads that are unaligned or MAPQ 0 and match a known adapter from their first base (adapter dimers). Picard's layout only.",
  },
  {
    name: 'PCT_SOFTCLIP',
    kind: 'double',
    riker: 'frac_softclipped_reads',
    decimals: 5,
    description:
      "Soft-clipped bases of aligned PF reads as a fraction of all PF read bases (Picard's code, not its doc's PF_ALIGNED_BASES). A fraction of bases, despite riker's name.",
  },
  {
    name: 'PCT_HARDCLIP',
    kind: 'double',
    riker: 'frac_hardclipped_reads',
    decimals: 5,
    description:
      "Hard-clipped bases of all PF reads, aligned or not, as a fraction of all PF read bases. A fraction of bases, despite riker's name.",
  },
  {
    name: 'AVG_POS_3PRIME_SOFTCLIP_LENGTH',
    kind: 'double',
    riker: 'mean_3prime_softclipped_bases',
    decimals: 2,
    description: "Mean length of the 3' soft clip (in sequencing order) over the aligned PF reads that have one.",
  },
  ...UNIT_COLUMNS,
];

// The read-length histograms of the metrics file (Picard's layout only: riker writes none), one Column per possible
// column; the writer takes the names from here and writes only the non-empty histograms.
const READ_LENGTH: Column = {
  name: 'READ_LENGTH',
  kind: 'int',
  riker: null,
  description: 'Read length (the key): bases of the sequence, or aligned bases for the ALIGNED columns.',
};
const PAIRED_TOTAL_LENGTH_COUNT: Column = {
  name: 'PAIRED_TOTAL_LENGTH_COUNT',
  kind: 'int',
  riker: null,
  description: 'PF paired reads (both ends) whose sequence has this length, soft-clipped bases included.',
};
const PAIRED_ALIGNED_LENGTH_COUNT: Column = {
  name: 'PAIRED_ALIGNED_LENGTH_COUNT',
  kind: 'int',
  riker: null,
  description: 'PF paired reads (both ends) with this aligned length (CIGAR M, I, = and X bases; unaligned reads at 0).',
};
const UNPAIRED_TOTAL_LENGTH_COUNT: Column = {
  name: 'UNPAIRED_TOTAL_LENGTH_COUNT',
  kind: 'int',
  riker: null,
  description: 'PF unpaired reads whose sequence has this length, soft-clipped bases included.',
};
const UNPAIRED_ALIGNED_LENGTH_COUNT: Column = {
  name: 'UNPAIRED_ALIGNED_LENGTH_COUNT',
  kind: 'int',
  riker: null,
  description: 'PF unpaired reads with this aligned length (CIGAR M, I, = and X bases; unaligned reads at 0).',
};
const READ_LENGTH_HISTOGRAM_COLUMNS: Column[] = [
  READ_LENGTH,
  PAIRED_TOTAL_LENGTH_COUNT,
  PAIRED_ALIGNED_LENGTH_COUNT,
  UNPAIRED_TOTAL_LENGTH_COUNT,
  UNPAIRED_ALIGNED_LENGTH_COUNT,
];

/** riker's alignment-metrics.txt columns, in its order. */
const RIKER_ORDER = [
  'RIKER_CATEGORY',
  'TOTAL_READS',
  'PF_READS_ALIGNED',
  'PCT_PF_READS_ALIGNED',
  'PF_HQ_ALIGNED_READS',
  'PF_HQ_ALIGNED_BASES',
  'PF_HQ_ALIGNED_Q20_BASES',
  'PF_HQ_MEDIAN_MISMATCHES',
  'PF_MISMATCH_RATE',
  'PF_HQ_ERROR_RATE',
  'PF_INDEL_RATE',
  'MEAN_READ_LENGTH',
  'SD_READ_LENGTH',
  'MEDIAN_READ_LENGTH',
  'MAD_READ_LENGTH',
  'MIN_READ_LENGTH',
  'MAX_READ_LENGTH',
  'MEAN_ALIGNED_READ_LENGTH',
  'READS_ALIGNED_IN_PAIRS',
  'PCT_READS_ALIGNED_IN_PAIRS',
  'PF_READS_IMPROPER_PAIRS',
  'PCT_PF_READS_IMPROPER_PAIRS',
  'BAD_CYCLES',
  'STRAND_BALANCE',
  'PCT_CHIMERAS',
  'PCT_SOFTCLIP',
  'PCT_HARDCLIP',
  'AVG_POS_3PRIME_SOFTCLIP_LENGTH',
];

/** picard.util.MathUtil.divide: 0 when the denominator is (nearly) 0. */
function divide(numerator: number, denominator: number): number {
  return Math.abs(0 - denominator) > 0.000001 ? numerator / denominator : 0;
}

// ─── The collector ──────────────────────────────────────────────────────────────────────────────
class AlignmentCollector implements Collector<AlignmentPartial> {
  readonly name = 'alignment';
  private readonly categories = CATEGORIES.map(() => new Category());
  private readonly expectedOrientations: Set<string>;
  /** Absent without a reference: no mismatches. */
  private readonly referenceWindow: ReferenceWindow | undefined;

  constructor(
    private readonly options: AlignmentOptions,
    header: BamHeader,
    reference: string | undefined,
  ) {
    this.expectedOrientations = new Set(options.expectedOrientations);
    this.referenceWindow = reference === undefined ? undefined : new ReferenceWindow(reference, header);
  }

  accept(record: BamRecordView): void {
    const flag = record.flag;
    // AlignmentSummaryMetricsCollector.acceptRecord: !rec.isSecondaryOrSupplementary().
    if (flag & SECONDARY_OR_SUPPLEMENTARY) return;
    const category = this.categories[flag & FLAG_PAIRED ? (flag & FLAG_FIRST_OF_PAIR ? FIRST_OF_PAIR : SECOND_OF_PAIR) : UNPAIRED]!;
    const counters = category.counters;
    const unmapped = (flag & FLAG_UNMAPPED) !== 0;
    const reverse = (flag & FLAG_REVERSE) !== 0;
    const pf = (flag & FLAG_QC_FAIL) === 0;
    const length = record.seqLength;
    counters[C.totalReads]++;

    if (pf) this.collectReadData(record, flag, category, unmapped, reverse, length);

    const bytes = record.bytes;
    const seqStart = record.seqStart;
    if (unmapped || !pf) {
      // Not an aligned PF read: every no-call counts at its read cycle.
      for (let i = 0; i < length; i++) {
        const packed = bytes[seqStart + (i >> 1)];
        if ((i & 1 ? packed & 15 : packed >> 4) === NO_CALL_CODE) category.badCycles.increment(reverse ? length - i : i + 1);
      }
      return;
    }
    this.collectAlignedBases(record, category, reverse, length);
  }

  /** collectReadData: read counts, lengths, adapters, clips, pairing and chimeras of a PF read. */
  private collectReadData(
    record: BamRecordView,
    flag: number,
    category: Category,
    unmapped: boolean,
    reverse: boolean,
    length: number,
  ): void {
    const counters = category.counters;
    counters[C.pfReads]++;
    // One walk over the tags for XN, MQ and SA.
    let noiseTag = -1;
    let mateMapqTag = -1;
    let saTag = -1;
    const bytes = record.bytes;
    for (let at = record.tagsStart, end = record.end; at + 3 <= end; at = record.nextTag(at)) {
      const c0 = bytes[at];
      const c1 = bytes[at + 1];
      if (c0 === 88 && c1 === 78)
        noiseTag = at; // XN
      else if (c0 === 77 && c1 === 81)
        mateMapqTag = at; // MQ
      else if (c0 === 83 && c1 === 65) saTag = at; // SA
    }
    if (integerTagAt(record, noiseTag) === 1) counters[C.pfNoiseReads]++;
    category.readLengths.increment(length);

    const cigarLength = record.cigarLength;
    const cigarAt = record.cigarOffset;
    const data = record.data;
    let alignedLength = 0;
    let hardClipped = 0;
    let softClipped = 0;
    // get3PrimeSoftClippedBases: soft clips after the first non-clip op, in machine order.
    let threePrime = 0;
    let seenNonClip = false;
    for (let k = 0; k < cigarLength; k++) {
      const op = data.getUint32(cigarAt + 4 * (reverse ? cigarLength - 1 - k : k), true);
      const kind = op & 15;
      const opLength = op >>> 4;
      if (kind === CIGAR_SOFT_CLIP) {
        softClipped += opLength;
        if (seenNonClip) threePrime += opLength;
      } else if (kind === CIGAR_HARD_CLIP) {
        hardClipped += opLength;
      } else {
        seenNonClip = true;
        // Picard's aligned read length: the read bases of M, I, = and X.
        if (kind === CIGAR_MATCH || kind === CIGAR_INSERTION || kind === CIGAR_SEQUENCE_MATCH || kind === CIGAR_SEQUENCE_MISMATCH)
          alignedLength += opLength;
      }
    }
    category.alignedLengths.increment(alignedLength);
    if (isAdapter(record, flag)) counters[C.adapterReads]++;
    counters[C.hardClipped] += hardClipped;
    if (unmapped) return;

    counters[C.softClipped] += softClipped;
    if (threePrime > 0) {
      counters[C.threePrimeSoftClippedBases] += threePrime;
      counters[C.readsWithThreePrimeSoftClips]++;
    }
    counters[C.alignedLengthOfMappedReads] += alignedLength;
    counters[C.pfReadsAligned]++;
    const paired = (flag & FLAG_PAIRED) !== 0;
    const mateMapped = (flag & FLAG_MATE_UNMAPPED) === 0;
    if (paired && (flag & FLAG_PROPER_PAIR) === 0 && (mateMapped || !this.options.improperPairsNeedMappedMate))
      counters[C.pfReadsImproperPairs]++;
    if (!reverse) counters[C.positiveStrand]++;
    const minMapq = this.options.minMappingQuality;
    if (paired && mateMapped) {
      counters[C.readsAlignedInPairs]++;
      const mateMapq = integerTagAt(record, mateMapqTag);
      if (mateMapq === undefined || (mateMapq >= minMapq && record.mapq >= minMapq)) {
        counters[C.chimerasDenominator]++;
        if (this.isChimeric(record, saTag >= 0)) counters[C.chimeras]++;
      }
    } else if (record.mapq >= minMapq) {
      // Fragments and reads with an unmapped mate: chimeric within the read (SA tag).
      counters[C.chimerasDenominator]++;
      if (saTag >= 0) counters[C.chimeras]++;
    }
  }

  /** ChimeraUtil.isChimeric for a mapped read with a mapped mate. */
  private isChimeric(record: BamRecordView, hasSupplementaryAlignments: boolean): boolean {
    return (
      Math.abs(record.templateLength) > this.options.maxInsertSize ||
      record.refId !== record.mateRefId ||
      !this.expectedOrientations.has(pairOrientation(record)) ||
      hasSupplementaryAlignments
    );
  }

  /** collectQualityData for an aligned PF read: alignment-block bases, mismatches, indels, bad cycles. */
  private collectAlignedBases(record: BamRecordView, category: Category, reverse: boolean, length: number): void {
    const counters = category.counters;
    const hq = record.mapq >= this.options.minMappingQuality;
    if (hq) counters[C.pfHqAlignedReads]++;

    const cigarLength = record.cigarLength;
    const cigarAt = record.cigarOffset;
    const data = record.data;
    const bytes = record.bytes;
    const seqStart = record.seqStart;
    const qualStart = record.qualStart;
    const hasQualities = record.hasQualities;
    const refStart = record.pos;

    // The reference window covering the aligned span (clipped to the contig), or none.
    // A record whose span is long (a spliced read's 200 kbp N, a 1 Mbp deletion) moves the window
    // only over its first SPAN_IN_WINDOW bases: its later blocks come from the reference one block
    // at a time (blockMasks), so its cost follows its aligned bases, not its span.
    let windowMasks: Uint8Array | undefined;
    let maskOffset = 0;
    let windowEnd = 0;
    let refLength = Number.POSITIVE_INFINITY;
    const reference = this.referenceWindow;
    if (reference !== undefined && record.refId >= 0) {
      refLength = reference.contigLength(record.refId);
      reference.cover(record.refId, refStart, Math.min(refLength, refStart + Math.min(record.referenceLength, SPAN_IN_WINDOW)));
      windowMasks = reference.masks;
      maskOffset = reference.start;
      windowEnd = reference.end;
    }

    let alignedBases = 0;
    let hqBases = 0;
    let q20Bases = 0;
    let mismatches = 0;
    let indels = 0;
    let readPos = 0;
    let refPos = refStart;
    for (let k = 0; k < cigarLength; k++) {
      const op = data.getUint32(cigarAt + 4 * k, true);
      const kind = op & 15;
      const opLength = op >>> 4;
      if (kind === CIGAR_MATCH || kind === CIGAR_SEQUENCE_MATCH || kind === CIGAR_SEQUENCE_MISMATCH) {
        // One alignment block; Picard stops it at the contig's end (refIndex + i < refLength).
        // Mismatches and no-calls are rare: the loop tests one comparison per base and counts
        // the bases of the block in bulk.
        const bases = Math.max(0, Math.min(opLength, refLength - refPos, length - readPos));
        const badCycles = category.badCycles;
        let masks = windowMasks;
        let maskStart = refPos - maskOffset;
        if (masks !== undefined && refPos + bases > windowEnd && bases > 0) {
          masks = reference!.blockMasks(record.refId, refPos, refPos + bases);
          maskStart = 0;
        }
        // Picard's quirk below: the bad cycle of the i-th base of the block, not of the read.
        if (masks !== undefined) {
          // Two bases per packed byte once the read index is even (no parity test per base).
          let i = 0;
          if (readPos & 1 && bases > 0) {
            const code = bytes[seqStart + (readPos >> 1)]! & 15;
            if (code !== masks[maskStart]) mismatches++;
            if (code !== masks[maskStart] || code === NO_CALL_CODE) badCycles.increment(reverse ? length : 1);
            i = 1;
          }
          for (; i + 1 < bases; i += 2) {
            const packed = bytes[seqStart + ((readPos + i) >> 1)]!;
            const high = packed >> 4;
            const low = packed & 15;
            const highMask = masks[maskStart + i];
            const lowMask = masks[maskStart + i + 1];
            if (high !== highMask || high === NO_CALL_CODE) {
              if (high !== highMask) mismatches++;
              badCycles.increment(reverse ? length - i : i + 1);
            }
            if (low !== lowMask || low === NO_CALL_CODE) {
              if (low !== lowMask) mismatches++;
              badCycles.increment(reverse ? length - i - 1 : i + 2);
            }
          }
          if (i < bases) {
            const packed = bytes[seqStart + ((readPos + i) >> 1)]!;
            const code = (readPos + i) & 1 ? packed & 15 : packed >> 4;
            if (code !== masks[maskStart + i]) mismatches++;
            if (code !== masks[maskStart + i] || code === NO_CALL_CODE) badCycles.increment(reverse ? length - i : i + 1);
          }
        } else {
          for (let i = 0; i < bases; i++) {
            const readIndex = readPos + i;
            const packed = bytes[seqStart + (readIndex >> 1)];
            if ((readIndex & 1 ? packed & 15 : packed >> 4) === NO_CALL_CODE) badCycles.increment(reverse ? length - i : i + 1);
          }
        }
        alignedBases += bases;
        if (hq && bases > 0) {
          hqBases += bases;
          if (hasQualities) {
            q20Bases += countAtLeast20(bytes, data, qualStart + readPos, qualStart + readPos + bases);
          }
        }
        readPos += opLength;
        refPos += opLength;
      } else if (kind === CIGAR_INSERTION || kind === CIGAR_DELETION) {
        indels++;
        if (kind === CIGAR_INSERTION) readPos += opLength;
        else refPos += opLength;
      } else if (kind === CIGAR_SOFT_CLIP) {
        readPos += opLength;
      } else if (kind === CIGAR_SKIP) {
        refPos += opLength;
      }
    }
    counters[C.pfAlignedBases] += alignedBases;
    counters[C.pfHqAlignedBases] += hqBases;
    counters[C.pfHqAlignedQ20Bases] += q20Bases;
    // Every mismatch of an HQ read is an HQ mismatch.
    const hqMismatches = hq ? mismatches : 0;
    counters[C.mismatches] += mismatches;
    counters[C.hqMismatches] += hqMismatches;
    counters[C.indels] += indels;
    category.hqMismatches.increment(hqMismatches);
  }

  toPartial(): AlignmentPartial {
    // The end of a thread's (or process's) input: the reference file is reopened if more comes.
    this.referenceWindow?.close();
    return { categories: this.categories.map((category) => category.toPartial()) };
  }

  merge(partial: AlignmentPartial): void {
    partial.categories.forEach((category, i) => this.categories[i]!.merge(category));
  }

  finish(): MetricsOutput[] {
    this.referenceWindow?.close();
    const [unpaired, first, second] = this.categories as [Category, Category, Category];
    const pair = new Category();
    pair.merge(first);
    pair.merge(second);
    const rows: Row[] = [];
    // GroupAlignmentSummaryMetricsPerUnitMetricCollector.addMetricsToFile.
    if (first.counters[C.totalReads] > 0) {
      const firstRow = this.row('FIRST_OF_PAIR', first);
      const secondRow = this.row('SECOND_OF_PAIR', second);
      const pairRow = this.row('PAIR', pair);
      pairRow.BAD_CYCLES = (firstRow.BAD_CYCLES as number) + (secondRow.BAD_CYCLES as number);
      rows.push(firstRow, secondRow, pairRow);
    }
    if (unpaired.counters[C.totalReads] > 0 || first.counters[C.totalReads] === 0) rows.push(this.row('UNPAIRED', unpaired));

    // CollectAlignmentSummaryMetrics.finish: read-length histograms of PAIR and UNPAIRED, non-empty ones written.
    const histograms = [
      { column: PAIRED_TOTAL_LENGTH_COUNT, histogram: pair.readLengths },
      { column: PAIRED_ALIGNED_LENGTH_COUNT, histogram: pair.alignedLengths },
      { column: UNPAIRED_TOTAL_LENGTH_COUNT, histogram: unpaired.readLengths },
      { column: UNPAIRED_ALIGNED_LENGTH_COUNT, histogram: unpaired.alignedLengths },
    ].filter((h) => !h.histogram.isEmpty);
    const keys = [...new Set(histograms.flatMap((h) => h.histogram.keys()))].sort((a, b) => a - b);
    const o = this.options;
    return [
      {
        picardSuffix: '.alignment_summary_metrics',
        metricsClass: 'picard.analysis.AlignmentSummaryMetrics',
        picardProgram: `CollectAlignmentSummaryMetrics MAX_INSERT_SIZE=${o.maxInsertSize} EXPECTED_PAIR_ORIENTATIONS=[${o.expectedOrientations.join(', ')}] METRIC_ACCUMULATION_LEVEL=[ALL_READS] IS_BISULFITE_SEQUENCED=false`,
        table: { columns: COLUMNS, rows, rikerOrder: RIKER_ORDER },
        histogram: {
          keyType: 'java.lang.Integer',
          columns: [READ_LENGTH.name, ...histograms.map((h) => h.column.name)],
          rikerColumns: [null, ...histograms.map(() => null)],
          rows: keys.map((key) => [key, ...histograms.map((h) => h.histogram.get(key) ?? 0)]),
        },
        rikerSuffix: '.alignment-metrics.txt',
      },
    ];
  }

  /** IndividualAlignmentSummaryMetricsCollector.finish. */
  private row(name: string, category: Category): Row {
    const c = category.counters;
    const row: Row = { CATEGORY: name, RIKER_CATEGORY: RIKER_CATEGORY[name], SAMPLE: null, LIBRARY: null, READ_GROUP: null };
    for (const column of COLUMNS) if (row[column.name] === undefined) row[column.name] = 0;
    row.TOTAL_READS = c[C.totalReads];
    row.PF_READS = c[C.pfReads];
    row.PF_NOISE_READS = c[C.pfNoiseReads];
    row.PF_READS_ALIGNED = c[C.pfReadsAligned];
    row.PF_ALIGNED_BASES = c[C.pfAlignedBases];
    row.PF_HQ_ALIGNED_READS = c[C.pfHqAlignedReads];
    row.PF_HQ_ALIGNED_BASES = c[C.pfHqAlignedBases];
    row.PF_HQ_ALIGNED_Q20_BASES = c[C.pfHqAlignedQ20Bases];
    row.READS_ALIGNED_IN_PAIRS = c[C.readsAlignedInPairs];
    row.PF_READS_IMPROPER_PAIRS = c[C.pfReadsImproperPairs];
    const total = c[C.totalReads];
    const pfReads = c[C.pfReads];
    // Picard 2.27.5 guards on TOTAL_READS > 0 and then fails without PF reads; 3.x guards on PF_READS.
    if (total === 0 || pfReads === 0) return row;
    const readLengths = category.readLengths;
    row.PCT_PF_READS = pfReads / total;
    row.PCT_ADAPTER = c[C.adapterReads] / pfReads;
    row.MEAN_READ_LENGTH = readLengths.mean();
    row.SD_READ_LENGTH = readLengths.standardDeviation();
    row.MEDIAN_READ_LENGTH = readLengths.median();
    row.MAD_READ_LENGTH = readLengths.medianAbsoluteDeviation();
    row.MIN_READ_LENGTH = readLengths.min();
    row.MAX_READ_LENGTH = readLengths.max();
    row.BAD_CYCLES = category.badCycles.cyclesAtLeast(BAD_CYCLE_FRACTION, total);

    let totalBases = 0;
    for (const [key, count] of readLengths.bins()) totalBases += count * key;
    const aligned = c[C.pfReadsAligned];
    row.PCT_PF_READS_ALIGNED = divide(aligned, pfReads);
    row.PCT_READS_ALIGNED_IN_PAIRS = divide(c[C.readsAlignedInPairs], aligned);
    row.PCT_PF_READS_IMPROPER_PAIRS = divide(c[C.pfReadsImproperPairs], aligned);
    row.MEAN_ALIGNED_READ_LENGTH = this.options.alignedLengthOverAlignedReads
      ? divide(c[C.alignedLengthOfMappedReads], aligned)
      : category.alignedLengths.mean();
    row.STRAND_BALANCE = divide(c[C.positiveStrand], aligned);
    row.PCT_CHIMERAS = divide(c[C.chimeras], c[C.chimerasDenominator]);
    row.PF_INDEL_RATE = divide(c[C.indels], c[C.pfAlignedBases]);
    // No bisulfite bases (IS_BISULFITE_SEQUENCED=false): the non-bisulfite bases are all aligned bases.
    row.PF_MISMATCH_RATE = divide(c[C.mismatches], c[C.pfAlignedBases]);
    row.PF_HQ_ERROR_RATE = divide(c[C.hqMismatches], c[C.pfHqAlignedBases]);
    row.PCT_HARDCLIP = divide(c[C.hardClipped], totalBases);
    row.PCT_SOFTCLIP = divide(c[C.softClipped], totalBases);
    row.AVG_POS_3PRIME_SOFTCLIP_LENGTH = divide(c[C.threePrimeSoftClippedBases], c[C.readsWithThreePrimeSoftClips]);
    row.PF_HQ_MEDIAN_MISMATCHES = category.hqMismatches.median();
    return row;
  }
}

export const alignmentCollector: CollectorFactory<AlignmentPartial | LevelsPartial> = {
  name: 'alignment',
  report: alignmentReport,
  // Picard runs without R=: mismatch-based columns are then 0.
  needsReference: false,
  options: ALIGNMENT_OPTIONS,
  docs: [
    {
      title: 'Alignment summary: read, alignment, pairing, mismatch, chimera and clipping counts and rates, a row per read category',
      rikerSuffix: '.alignment-metrics.txt',
      picardSuffix: '.alignment_summary_metrics',
      columns: COLUMNS,
    },
    {
      title: "Read-length histograms, total and aligned, of paired and unpaired reads (in Picard's file only: riker writes none)",
      rikerSuffix: null,
      picardSuffix: '.alignment_summary_metrics',
      columns: READ_LENGTH_HISTOGRAM_COLUMNS,
    },
  ],
  usageProblem: ({ options }) => accumulationLevelProblem((options.alignment as Partial<AlignmentOptions> | undefined)?.accumulationLevel),
  create(context: CollectorContext) {
    const options = { ...ALIGNMENT_DEFAULTS, ...(context.options.alignment as Partial<AlignmentOptions> | undefined) };
    const levels = parseAccumulationLevels(options.accumulationLevel);
    const make = (): AlignmentCollector => new AlignmentCollector(options, context.header, context.reference);
    return levels.length === 1 ? make() : new MultiLevelCollector(levels, context.header, make);
  },
};

/**
 * Qualities ≥ 20 (Picard's BASE_QUALITY_THRESHOLD for PF_HQ_ALIGNED_Q20_BASES) in bytes[from, to),
 * four at a time: adding 108 to a byte sets its top bit exactly when it is ≥ 20, and Phred values
 * (≤ 93) never carry into the next byte.
 */
function countAtLeast20(bytes: Uint8Array, data: DataView, from: number, to: number): number {
  let count = 0;
  let at = from;
  for (; at + 4 <= to; at += 4) {
    const topBits = ((data.getUint32(at, true) + 0x6c6c6c6c) & 0x80808080) >>> 7;
    count += Math.imul(topBits, 0x01010101) >>> 24;
  }
  for (; at < to; at++) if (bytes[at]! >= 20) count++;
  return count;
}
