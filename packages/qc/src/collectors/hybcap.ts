/**
 * Hybrid-selection metrics (Picard CollectHsMetrics 2.27.5; riker `hybcap`).
 *
 * Picard's rules, reproduced exactly (docs/anchors/picard-collecthsmetrics.md cites the sources line by line):
 * - Targets and baits (BED or interval_list, told apart by content) are sorted and merged where they overlap or abut
 *   (IntervalList.uniqued: names joined with `|`); territories are the merged lengths; GENOME_SIZE is the header's.
 * - Per record, in this order: secondary records count nowhere; read counters (not supplementary); QC-fail records
 *   stop; PF_BASES (not supplementary) and the aligned bases (supplementary too); unmapped records stop; a record
 *   whose span comes within NEAR_DISTANCE of a bait is "selected" (ON_BAIT its aligned bases inside baits, NEAR_BAIT
 *   the rest), else OFF_BAIT; then duplicates, adapters (MAPQ 0) and MAPQ < --min-mapq are excluded with their aligned
 *   bases; the left mate of an overlapping pair is soft-clipped where its mate starts (htsjdk SAMUtils, quirks
 *   included: the mate's contig is not checked); each remaining M/=/X base is excluded by base quality, or off
 *   target, or counts on target, and adds to its target's depth (high-quality depth; raw depth when quality > 2).
 * - Target depth gives MEAN/MEDIAN/MAX/MIN, FOLD_80, PCT_TARGET_BASES_xX, ZERO_CVG_TARGETS_PCT, the HET_SNP
 *   estimate (Picard's seeded sampler, reproduced bit for bit), GC dropouts (with -r) and the per-target rows.
 *
 * Cost and memory: a target's depth arrays exist from the first read that reaches it until the coordinate-sorted
 * reads pass its end, when its numbers go into the totals; memory follows the targets under the reads at once, not
 * the territory (except --per-base-coverage, which keeps 4 bytes per target base for its file).
 *
 * Sharding: with a region, only the region's target loci are counted, and a read's counters (and each target's
 * read_count) go to the shard holding its start, so partial states of disjoint regions merge into the whole.
 */
import { Flag, HtsError, type BamHeader, type BamRecordView } from '@shoal/hts';
import path from 'node:path';
import { isAdapter } from '../adapter-matcher.js';
import { CountedLoci } from '../counted-loci.js';
import { readIntervalSet, type IntervalSet } from '../interval-set.js';
import { alignedBases } from '../aligned-bases.js';
import {
  optionDefaults,
  type Collector,
  type CollectorContext,
  type CollectorFactory,
  type CollectorOption,
  type CollectorRegion,
  type Column,
  type MetricsOutput,
  type Row,
} from '../collector.js';
import { UNIT_COLUMNS } from '../unit-columns.js';
import { formatPicardDouble } from '../format.js';
import { Histogram } from '../histogram.js';
import { CoordinateOrder } from '../coordinate-order.js';
import { ReferenceWindow } from '../reference-window.js';
import { ACCUMULATION_LEVEL_OPTION, accumulationLevelProblem, MultiLevelCollector, parseAccumulationLevels } from '../levels.js';
import { hetSnpSensitivity, normalised, phredOfError, SAMPLE_SIZE_OPTION } from '../theoretical-sensitivity.js';
import { hybcapReport } from '../plots/collector-reports.js';

const FLAG_PAIRED = Flag.Paired;
const FLAG_UNMAPPED = Flag.Unmapped;
const FLAG_MATE_UNMAPPED = Flag.MateUnmapped;
const FLAG_FIRST = Flag.FirstOfPair;
const FLAG_SECONDARY = Flag.Secondary;
const FLAG_QC_FAIL = Flag.QcFail;
const FLAG_DUPLICATE = Flag.Duplicate;
const FLAG_SUPPLEMENTARY = Flag.Supplementary;

export interface HybcapOptions {
  targets: string | undefined;
  baits: string | undefined;
  baitSetName: string | undefined;
  nearDistance: number;
  minimumMappingQuality: number;
  minimumBaseQuality: number;
  coverageCap: number;
  /** CLIP_OVERLAPPING_READS=false (Picard's default is true). */
  countOverlaps: boolean;
  perTargetCoverage: boolean;
  perBaseCoverage: boolean;
  /** Picard SAMPLE_SIZE. */
  sampleSize: number;
  /** Picard METRIC_ACCUMULATION_LEVEL, comma-separated (unset: ALL_READS). */
  accumulationLevel: string | undefined;
}

/** riker's flags, Picard's defaults. */
export const HYBCAP_OPTIONS = [
  {
    key: 'targets',
    flag: 'targets',
    description: 'target intervals, BED or interval_list (Picard TARGET_INTERVALS; required)',
    type: 'string',
    defaultValue: undefined,
    argument: 'file',
  },
  {
    key: 'baits',
    flag: 'baits',
    description: 'bait intervals, BED or interval_list (Picard BAIT_INTERVALS; required)',
    type: 'string',
    defaultValue: undefined,
    argument: 'file',
  },
  {
    key: 'baitSetName',
    flag: 'bait-set-name',
    description: "BAIT_SET (default: the baits file's name up to its first '.')",
    type: 'string',
    defaultValue: undefined,
    argument: 'name',
  },
  {
    key: 'nearDistance',
    flag: 'near-distance',
    description: 'a read within this many bases of a bait is near it (Picard NEAR_DISTANCE)',
    type: 'number',
    defaultValue: 250,
    min: 0,
    max: 1_000_000_000,
    integer: true,
  },
  {
    key: 'minimumMappingQuality',
    flag: 'min-mapq',
    description: 'reads below this mapping quality add no coverage (Picard MINIMUM_MAPPING_QUALITY)',
    type: 'number',
    defaultValue: 20,
    min: 0,
    max: 255,
    integer: true,
  },
  {
    key: 'minimumBaseQuality',
    flag: 'min-bq',
    description: 'bases below this quality add no coverage (Picard MINIMUM_BASE_QUALITY)',
    type: 'number',
    defaultValue: 20,
    min: 0,
    max: 93,
    integer: true,
  },
  {
    key: 'coverageCap',
    flag: 'coverage-cap',
    description: 'depth histogram cap (Picard COVERAGE_CAP)',
    type: 'number',
    defaultValue: 200,
    min: 1,
    max: 1_000_000,
    integer: true,
  },
  {
    key: 'countOverlaps',
    flag: 'count-overlaps',
    description: 'count both mates where they overlap (Picard CLIP_OVERLAPPING_READS=false)',
    type: 'boolean',
    defaultValue: false,
  },
  {
    key: 'perTargetCoverage',
    flag: 'per-target-coverage',
    description: 'also write per-target coverage, GC and read counts (Picard PER_TARGET_COVERAGE; needs -r)',
    type: 'boolean',
    defaultValue: false,
  },
  {
    key: 'perBaseCoverage',
    flag: 'per-base-coverage',
    description: 'also write the depth of every target base (Picard PER_BASE_COVERAGE; not with --partial/--region)',
    type: 'boolean',
    defaultValue: false,
  },
  SAMPLE_SIZE_OPTION,
  ACCUMULATION_LEVEL_OPTION,
] as const satisfies readonly CollectorOption<keyof HybcapOptions>[];

export const HYBCAP_DEFAULTS: HybcapOptions = optionDefaults(HYBCAP_OPTIONS);

/** PCT_TARGET_BASES_xX thresholds, Picard's array (0 first: the territory). */
const TARGET_DEPTHS = [0, 1, 2, 10, 20, 30, 40, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000];
const PENALTY_DEPTHS = [10, 20, 30, 40, 50, 100];
/** Base-quality histogram bins (Picard's array of 127). */
const QUALITY_BINS = 127;

const double = (name: string, description: string): Column => ({ name, kind: 'double', description });
const int = (name: string, description: string): Column => ({ name, kind: 'int', description });

/** What each PCT_EXC_ column's bases were excluded for, in Picard's order. */
const EXCLUSIONS: [what: string, why: string][] = [
  ['DUPE', 'are in reads marked as duplicates'],
  ['ADAPTER', 'are in reads with mapping quality 0 that look like adapter'],
  ['MAPQ', 'are in reads with a mapping quality below --min-mapq'],
  ['BASEQ', 'have a base quality below --min-bq'],
  ['OVERLAP', 'are the second observation from an insert whose mates overlap (not with --count-overlaps)'],
  ['OFF_TARGET', 'passed the other filters but do not lie on a target'],
];

/** HsMetrics' fields in Class.getFields() order: the subclass's first, then TargetMetrics'. */
const COLUMNS: Column[] = [
  {
    name: 'BAIT_SET',
    kind: 'text',
    description: "The name of the bait set: --bait-set-name, or the baits file's name up to its first '.'.",
  },
  int('BAIT_TERRITORY', 'The number of reference bases covered by one or more baits (baits merged where they overlap or abut).'),
  double(
    'BAIT_DESIGN_EFFICIENCY',
    'TARGET_TERRITORY / BAIT_TERRITORY: 1 when every baited base is a target base, 0.5 when half of them are not.',
  ),
  int(
    'ON_BAIT_BASES',
    'The number of PF aligned bases that lie inside baits (counted before the duplicate, adapter, MAPQ, overlap and base-quality filters).',
  ),
  int('NEAR_BAIT_BASES', 'The number of PF aligned bases outside baits, in reads that come within --near-distance of a bait.'),
  int('OFF_BAIT_BASES', 'The number of PF aligned bases in reads that come within --near-distance of no bait.'),
  double(
    'PCT_SELECTED_BASES',
    'The fraction of PF aligned bases on or near baits: (ON_BAIT_BASES + NEAR_BAIT_BASES) / (ON_BAIT_BASES + NEAR_BAIT_BASES + OFF_BAIT_BASES).',
  ),
  double(
    'PCT_OFF_BAIT',
    'The fraction of PF aligned bases away from any bait: OFF_BAIT_BASES / (ON_BAIT_BASES + NEAR_BAIT_BASES + OFF_BAIT_BASES).',
  ),
  double(
    'ON_BAIT_VS_SELECTED',
    'The fraction of bases on or near baits that lie inside baits: ON_BAIT_BASES / (ON_BAIT_BASES + NEAR_BAIT_BASES).',
  ),
  double('MEAN_BAIT_COVERAGE', 'The mean coverage of the baits: ON_BAIT_BASES / BAIT_TERRITORY.'),
  double('PCT_USABLE_BASES_ON_BAIT', 'ON_BAIT_BASES / PF_BASES: the fraction of all PF bases that aligned inside baits.'),
  double(
    'PCT_USABLE_BASES_ON_TARGET',
    'ON_TARGET_BASES / PF_BASES: the fraction of all PF bases that are aligned, unique, of high quality and on target.',
  ),
  double(
    'FOLD_ENRICHMENT',
    'How far the baited region is enriched over genomic background: the fraction of PF aligned bases on baits over the fraction of the genome baited.',
  ),
  int(
    'HS_LIBRARY_SIZE',
    'The estimated number of unique molecules in the selected part of the library, from the pairs near baits and their duplicates; empty without duplicates.',
  ),
  ...PENALTY_DEPTHS.map((depth) =>
    double(
      `HS_PENALTY_${depth}X`,
      `The hybrid-selection penalty for 80% of target bases at ${depth}X: TARGET_TERRITORY × ${depth} × this many PF aligned bases are needed. 0 without HS_LIBRARY_SIZE.`,
    ),
  ),
  int('TARGET_TERRITORY', 'The number of reference bases covered by one or more targets (targets merged where they overlap or abut).'),
  int('GENOME_SIZE', "The number of bases in the reference: the sum of the BAM header's sequence lengths."),
  int('TOTAL_READS', 'The number of reads examined: every record but secondary and supplementary alignments.'),
  int('PF_READS', 'The number of reads passing the vendor quality filter (not QC-fail).'),
  int('PF_BASES', 'The number of bases in the PF reads.'),
  int('PF_UNIQUE_READS', 'The number of PF reads not marked as duplicates.'),
  int('PF_UQ_READS_ALIGNED', 'The number of PF unique reads that are mapped.'),
  int('PF_BASES_ALIGNED', 'The number of aligned bases of PF reads, supplementary alignments included.'),
  int('PF_UQ_BASES_ALIGNED', 'The number of aligned bases of PF reads not marked as duplicates.'),
  int(
    'ON_TARGET_BASES',
    'The number of PF aligned bases on a target that pass every filter (duplicate, adapter, MAPQ, overlap, base quality).',
  ),
  double('PCT_PF_READS', 'The fraction of reads passing the vendor quality filter: PF_READS / TOTAL_READS.'),
  double('PCT_PF_UQ_READS', 'The fraction of reads passing the filter and not duplicates: PF_UNIQUE_READS / TOTAL_READS.'),
  double('PCT_PF_UQ_READS_ALIGNED', 'The fraction of PF unique reads that are mapped: PF_UQ_READS_ALIGNED / PF_UNIQUE_READS.'),
  double('MEAN_TARGET_COVERAGE', 'The mean coverage of target bases after all filters (high-quality bases only, not capped).'),
  double('MEDIAN_TARGET_COVERAGE', 'The median coverage of target bases after all filters (depth capped at --coverage-cap).'),
  int('MAX_TARGET_COVERAGE', 'The highest coverage of any target base after all filters.'),
  int('MIN_TARGET_COVERAGE', 'The lowest coverage of any target base after all filters (0 when any target has no coverage).'),
  double('ZERO_CVG_TARGETS_PCT', 'The fraction of targets with no coverage on any base (a fraction, despite the name).'),
  ...EXCLUSIONS.map(([what, why]) => double(`PCT_EXC_${what}`, `The fraction of PF aligned bases excluded because they ${why}.`)),
  double(
    'FOLD_80_BASE_PENALTY',
    'The fold over-coverage needed to raise 80% of target bases to the mean: MEAN_TARGET_COVERAGE over the 20th percentile of target coverage.',
  ),
  ...TARGET_DEPTHS.slice(1).map((depth) =>
    double(`PCT_TARGET_BASES_${depth}X`, `The fraction of target bases with at least ${depth}-fold coverage after all filters.`),
  ),
  double(
    'AT_DROPOUT',
    'How undercovered targets of GC 50% or less are: over GC bins 0-50, the sum of % target territory minus % aligned bases where positive. A percentage; 0 without -r.',
  ),
  double(
    'GC_DROPOUT',
    'How undercovered targets of GC 50% or more are: over GC bins 50-100, the sum of % target territory minus % aligned bases where positive. A percentage; 0 without -r.',
  ),
  double(
    'HET_SNP_SENSITIVITY',
    'The theoretical sensitivity to heterozygous SNPs on the targets, from the unfiltered depth and base-quality distributions.',
  ),
  double('HET_SNP_Q', 'HET_SNP_SENSITIVITY as a Phred-scaled score, -10 log10(1 - sensitivity), rounded.'),
  ...UNIT_COLUMNS,
];

/**
 * The histograms at the end of the Picard metrics file (riker writes none): one row per bin 0..max(cap, 126), the
 * coverage histogram and the base-quality histogram sharing the bin column.
 */
const HISTOGRAM_COLUMNS: Column[] = [
  {
    name: 'coverage_or_base_quality',
    kind: 'int',
    riker: null,
    description: 'The bin: a coverage depth for high_quality_coverage_count, a base quality for unfiltered_baseq_count.',
  },
  {
    name: 'high_quality_coverage_count',
    kind: 'int',
    riker: null,
    description: 'The number of target bases with this coverage after all filters; the bin at --coverage-cap also holds deeper bases.',
  },
  {
    name: 'unfiltered_baseq_count',
    kind: 'int',
    riker: null,
    description:
      'The number of on-target bases of this quality (above 2) in reads passing the read filters, up to --coverage-cap per locus: what HET_SNP_SENSITIVITY samples.',
  },
];

/** The columns of --per-target-coverage's file, in both layouts (riker's has a sample column first). */
const PER_TARGET_COLUMNS: Column[] = [
  { name: 'chrom', kind: 'text', riker: 'chrom', description: "The target's reference sequence." },
  { name: 'start', kind: 'int', riker: 'start', description: "The target's first base, 1-based." },
  { name: 'end', kind: 'int', riker: 'end', description: "The target's last base, 1-based and inclusive." },
  { name: 'length', kind: 'int', riker: 'length', description: "The target's length in bases." },
  {
    name: 'name',
    kind: 'text',
    riker: 'name',
    description: "The target's name (the names of merged targets joined with a vertical bar; null when it has none).",
  },
  {
    name: '%gc',
    kind: 'double',
    riker: '%gc',
    description: "The fraction of the target's reference bases that are G or C (a fraction, despite the name).",
  },
  {
    name: 'mean_coverage',
    kind: 'double',
    riker: 'mean_coverage',
    description: "The mean coverage of the target's bases after all filters.",
  },
  {
    name: 'normalized_coverage',
    kind: 'double',
    riker: 'normalized_coverage',
    description: 'mean_coverage divided by MEAN_TARGET_COVERAGE.',
  },
  {
    name: 'min_normalized_coverage',
    kind: 'double',
    riker: 'min_normalized_coverage',
    description: 'min_coverage divided by MEAN_TARGET_COVERAGE.',
  },
  {
    name: 'max_normalized_coverage',
    kind: 'double',
    riker: 'max_normalized_coverage',
    description: 'max_coverage divided by MEAN_TARGET_COVERAGE.',
  },
  {
    name: 'min_coverage',
    kind: 'int',
    riker: 'min_coverage',
    description: 'The lowest coverage of any base of the target after all filters.',
  },
  {
    name: 'max_coverage',
    kind: 'int',
    riker: 'max_coverage',
    description: 'The highest coverage of any base of the target after all filters.',
  },
  {
    name: 'pct_0x',
    kind: 'double',
    riker: 'pct_0x',
    description: "The fraction of the target's bases with no coverage after all filters (a fraction, despite the name).",
  },
  {
    name: 'read_count',
    kind: 'int',
    riker: 'read_count',
    description: 'The number of reads passing the read filters with at least one high-quality base on the target.',
  },
];

/** The columns of --per-base-coverage's file, in both layouts (riker's has a sample column first). */
const PER_BASE_COLUMNS: Column[] = [
  { name: 'chrom', kind: 'text', riker: 'chrom', description: 'The reference sequence.' },
  { name: 'pos', kind: 'int', riker: 'pos', description: 'The position, 1-based.' },
  { name: 'target', kind: 'text', riker: 'target', description: 'The name of the target holding the base (null when it has none).' },
  { name: 'coverage', kind: 'int', riker: 'coverage', description: 'The coverage of the base after all filters (not capped).' },
];

/** A plain TSV's header line in a layout: riker's starts with the sample column. */
function tsvHeader(columns: readonly Column[], layout: 'riker' | 'picard'): string {
  const names = columns.map((column) => (layout === 'riker' ? (column.riker ?? column.name) : column.name));
  return `${[...(layout === 'riker' ? ['sample'] : []), ...names].join('\t')}\n`;
}

const PICARD_SUFFIX = '.hs_metrics';
const RIKER_SUFFIX = '.hybcap-metrics.txt';
const PER_TARGET_PICARD_SUFFIX = '.per_target_coverage';
const PER_TARGET_RIKER_SUFFIX = '.hybcap-per-target.txt';
const PER_BASE_PICARD_SUFFIX = '.per_base_coverage';
const PER_BASE_RIKER_SUFFIX = '.hybcap-per-base.txt';

/** What is counted; sums of disjoint shards are the whole. Plain arrays so that the state is JSON. */
export interface HybcapPartial {
  counters: Record<CounterName, number>;
  /** Target bases by high-quality depth (capped), 0..cap. */
  depth: number[];
  /** Target bases by raw depth (capped), 0..cap: HET_SNP's depth distribution. */
  rawDepth: number[];
  /** Raw bases by quality 0..126, where the raw depth was ≤ cap. */
  baseQualities: number[];
  /** Target bases at or above each TARGET_DEPTHS threshold. */
  atLeast: number[];
  totalCoverage: number;
  maxDepth: number;
  /**
   * Per target (merged targets, in order): Σ high-quality depth, zero-depth bases, min and max depth (null: no locus
   * counted), reads, GC (null: not computed here).
   */
  targetSums: number[];
  targetZeros: number[];
  targetMin: (number | null)[];
  targetMax: (number | null)[];
  targetReads: number[];
  targetGc: (number | null)[];
  /** The target loci counted, [refId, start, end): partial states merge only when these are disjoint. */
  covered: [number, number, number][];
}

const COUNTER_NAMES = [
  'totalReads',
  'pfReads',
  'pfUniqueReads',
  'pfUqReadsAligned',
  'pfBases',
  'pfBasesAligned',
  'pfUqBasesAligned',
  'onBait',
  'nearBait',
  'offBait',
  'onTarget',
  'onTargetFromPair',
  'selectedPairs',
  'selectedUniquePairs',
  'excDupe',
  'excAdapter',
  'excMapq',
  'excBaseq',
  'excOverlap',
  'excOffTarget',
] as const;
type CounterName = (typeof COUNTER_NAMES)[number];

/** A target's depth while reads reach it. */
interface LiveTarget {
  highQuality: Int32Array;
  raw: Int32Array;
}

/**
 * The histograms Picard's TargetMetricsCollector keeps once for all its units (fields of the outer collector, not of
 * PerUnitTargetMetricCollector): each unit's finish adds its own counts, then reads MEDIAN_TARGET_COVERAGE,
 * FOLD_80_BASE_PENALTY and HET_SNP_SENSITIVITY off the sums so far, and the file's histogram is the sum over all units
 * (Picard 2.27.5 to 3.5). With --accumulation-level, the units of one run share one of these, finished in Picard's order
 * (all reads, then each level's units), so their rows equal Picard's; docs/qc.md says what that means for the numbers.
 */
class UnitHistograms {
  readonly highQualityDepth: Float64Array;
  readonly rawDepth: Float64Array;
  readonly baseQuality = new Float64Array(QUALITY_BINS);
  constructor(cap: number) {
    this.highQualityDepth = new Float64Array(cap + 1);
    this.rawDepth = new Float64Array(cap + 1);
  }
}

class HybcapCollector implements Collector<HybcapPartial> {
  readonly name = 'hybcap';
  private readonly targets: IntervalSet;
  private readonly baits: IntervalSet;
  private readonly baitSet: string;
  private readonly cap: number;
  private readonly counters = Object.fromEntries(COUNTER_NAMES.map((name) => [name, 0])) as Record<CounterName, number>;
  private readonly depthHistogram: Float64Array;
  private readonly rawDepthHistogram: Float64Array;
  private readonly baseQualityHistogram = new Float64Array(QUALITY_BINS);
  private readonly atLeast = new Float64Array(TARGET_DEPTHS.length);
  private totalCoverage = 0;
  private maxDepth = 0;
  private readonly targetSums: Float64Array;
  private readonly targetZeros: Float64Array;
  private readonly targetMin: Float64Array;
  private readonly targetMax: Float64Array;
  private readonly targetReads: Float64Array;
  private readonly targetGc: Float64Array;
  /** The record that last added to each target's read_count (a record counts once per target). */
  private readonly lastCountingRecord: Float64Array;
  private readonly live = new Map<number, LiveTarget>();
  /** --per-base-coverage: every target's high-quality depth, kept for the file. */
  private readonly perBase: (Int32Array | undefined)[] | undefined;
  private readonly covered = new CountedLoci();
  private readonly reference: ReferenceWindow | undefined;
  /** The first target and bait that reads may still reach. */
  private nextTarget = 0;
  private nextBait = 0;
  private records = 0;
  private readonly order: CoordinateOrder;
  private ended = false;

  constructor(
    private readonly options: HybcapOptions,
    private readonly header: BamHeader,
    referencePath: string | undefined,
    private readonly region: CollectorRegion | undefined,
    private readonly input: string,
    /** Set with --accumulation-level: the histograms all of a run's units add to (UnitHistograms). */
    private readonly shared?: UnitHistograms,
  ) {
    this.order = new CoordinateOrder(header, input, 'target coverage');
    this.targets = readIntervalSet(options.targets!, header, 'target');
    this.baits = readIntervalSet(options.baits!, header, 'bait');
    // BAIT_SET: the bait file's name up to its first '.', as Picard names it when BAIT_SET_NAME is not given.
    this.baitSet = options.baitSetName ?? path.basename(options.baits!).split('.')[0]!;
    this.cap = options.coverageCap;
    this.depthHistogram = new Float64Array(this.cap + 1);
    this.rawDepthHistogram = new Float64Array(this.cap + 1);
    const n = this.targets.refIds.length;
    this.targetSums = new Float64Array(n);
    this.targetZeros = new Float64Array(n);
    this.targetMin = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    this.targetMax = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    this.targetReads = new Float64Array(n);
    this.targetGc = new Float64Array(n).fill(Number.NaN);
    this.lastCountingRecord = new Float64Array(n).fill(-1);
    this.perBase = options.perBaseCoverage ? new Array<Int32Array | undefined>(n) : undefined;
    this.reference = referencePath === undefined ? undefined : new ReferenceWindow(referencePath, header);
  }

  /** [start, end) of the loci this run counts on a contig: the region's, or the whole contig. */
  private lociOf(refId: number): [number, number] {
    const region = this.region;
    if (region === undefined) return [0, this.header.references[refId]!.length];
    return refId === region.refId ? [region.start, region.end] : [0, 0];
  }

  accept(record: BamRecordView): void {
    this.records++;
    const flag = record.flag;
    if (flag & FLAG_SECONDARY) return;
    const refId = record.refId;
    const pos = record.pos;
    const region = this.region;
    // A read's counters belong to the shard holding its start.
    const counts = region === undefined || (refId === region.refId && (refId < 0 || pos >= region.start));
    const c = this.counters;
    const supplementary = (flag & FLAG_SUPPLEMENTARY) !== 0;
    const duplicate = (flag & FLAG_DUPLICATE) !== 0;
    const unmapped = (flag & FLAG_UNMAPPED) !== 0;
    if (counts && !supplementary) {
      c.totalReads++;
      if ((flag & FLAG_QC_FAIL) === 0) {
        c.pfReads++;
        if (!duplicate) {
          c.pfUniqueReads++;
          if (!unmapped) c.pfUqReadsAligned++;
        }
      }
    }
    if (flag & FLAG_QC_FAIL) return;
    if (counts && !supplementary) c.pfBases += record.seqLength;
    const aligned = unmapped ? 0 : alignedBases(record);
    if (counts && !unmapped) {
      c.pfBasesAligned += aligned;
      if (!duplicate) c.pfUqBasesAligned += aligned;
    }
    if (unmapped || refId < 0) return;
    this.order.check(record, refId, pos, this.records);
    this.finishTargetsBefore(refId, pos);

    // The read's span as htsjdk's overlap detectors see it: 1-based [pos + 1, pos + reference length], from the CIGAR
    // as written (before any clipping), D and N included.
    const spanEnd = pos + record.referenceLength;
    const targets = this.targets;
    let lastTarget = this.nextTarget;
    while (lastTarget < targets.refIds.length && targets.refIds[lastTarget] === refId && targets.starts[lastTarget]! < spanEnd)
      lastTarget++;
    const baits = this.baits;
    const near = this.options.nearDistance;
    while (
      this.nextBait < baits.refIds.length &&
      (baits.refIds[this.nextBait]! < refId || (baits.refIds[this.nextBait] === refId && baits.ends[this.nextBait]! + near <= pos))
    )
      this.nextBait++;
    const firstBait = this.nextBait;
    // Merged baits are disjoint and sorted, so the first one left is the nearest: within reach or none is.
    const selected = firstBait < baits.refIds.length && baits.refIds[firstBait] === refId && baits.starts[firstBait]! + 1 - near <= spanEnd;
    const paired = (flag & FLAG_PAIRED) !== 0;
    const mateUnmapped = (flag & FLAG_MATE_UNMAPPED) !== 0;
    if (counts) {
      if (!supplementary && paired && flag & FLAG_FIRST && !mateUnmapped && selected) {
        c.selectedPairs++;
        if (!duplicate) c.selectedUniquePairs++;
      }
      if (selected) {
        const onBait = this.basesInBaits(record, firstBait);
        c.onBait += onBait;
        c.nearBait += aligned - onBait;
      } else c.offBait += aligned;
    }
    if (duplicate) {
      if (counts) c.excDupe += aligned;
      return;
    }
    if (isAdapter(record, flag)) {
      if (counts) c.excAdapter += aligned;
      return;
    }
    if (record.mapq < this.options.minimumMappingQuality) {
      if (counts) c.excMapq += aligned;
      return;
    }
    let cigar: number[] | undefined;
    if (!this.options.countOverlaps) {
      const overlap = overlappingBasesToClip(record, flag);
      if (counts) c.excOverlap += overlap;
      if (overlap > 0) {
        // The mate starts where this read starts (and this is read 2): htsjdk marks it unmapped, so nothing counts.
        if (record.matePos <= pos) return;
        cigar = softClipEnd(record, overlap);
      }
    }
    this.countBases(record, cigar, refId, pos, lastTarget, counts, paired && !mateUnmapped && !supplementary);
  }

  /** The aligned (M/=/X) bases of a read that fall inside baits, from the first bait it may reach. */
  private basesInBaits(record: BamRecordView, firstBait: number): number {
    const baits = this.baits;
    const refId = record.refId;
    let bait = firstBait;
    let refPos = record.pos;
    let inside = 0;
    const count = record.cigarLength;
    for (let i = 0; i < count; i++) {
      const op = record.cigarOp(i);
      const length = op >>> 4;
      const kind = op & 15;
      if (kind === 0 || kind === 7 || kind === 8) {
        const blockEnd = refPos + length;
        while (bait < baits.refIds.length && baits.refIds[bait] === refId && baits.ends[bait]! <= refPos) bait++;
        for (let b = bait; b < baits.refIds.length && baits.refIds[b] === refId && baits.starts[b]! < blockEnd; b++)
          inside += Math.min(blockEnd, baits.ends[b]!) - Math.max(refPos, baits.starts[b]!);
        refPos = blockEnd;
      } else if (kind === 2 || kind === 3) refPos += length;
    }
    return inside;
  }

  /**
   * The base loop: exclusions by quality and target, on-target counts, and target depth. An aligned block is cut where
   * the target under it changes: off target a base only counts as low quality or off target (most of a read's bases
   * in an exome), on a target it also adds to the target's depth, its live arrays found once per piece.
   */
  private countBases(
    record: BamRecordView,
    clipped: number[] | undefined,
    refId: number,
    pos: number,
    lastTarget: number,
    counts: boolean,
    mappedInPair: boolean,
  ): void {
    const c = this.counters;
    const targets = this.targets;
    const targetStarts = targets.starts;
    const targetEnds = targets.ends;
    const minimumBaseQuality = this.options.minimumBaseQuality;
    const [lociStart, lociEnd] = this.lociOf(refId);
    const bytes = record.bytes;
    const qualStart = record.qualStart;
    const cap = this.cap;
    const qualities = this.baseQualityHistogram;
    const readSerial = this.records;
    const hasQualities = record.hasQualities;
    let target = this.nextTarget;
    let refPos = pos;
    let readOffset = 0;
    let lowQuality = 0;
    let offTarget = 0;
    let onTarget = 0;
    const count = clipped === undefined ? record.cigarLength : clipped.length;
    for (let i = 0; i < count; i++) {
      const op = clipped === undefined ? record.cigarOp(i) : clipped[i]!;
      const length = op >>> 4;
      const kind = op & 15;
      if (kind === 0 || kind === 7 || kind === 8) {
        if (!hasQualities)
          throw new HtsError(
            `read ${record.readName} has no base qualities ('*'): target coverage needs them (Picard fails on such reads too)`,
            this.input,
            `record ${this.records}`,
          );
        const blockEnd = refPos + length;
        while (refPos < blockEnd) {
          // The target under refPos: the first whose end lies past it (targets sorted by start).
          while (target < lastTarget && targetEnds[target]! <= refPos) target++;
          const onTargetHere = target < lastTarget && targetStarts[target]! <= refPos;
          // The piece ends where the target's start or end is crossed.
          const pieceEnd = target >= lastTarget ? blockEnd : Math.min(blockEnd, onTargetHere ? targetEnds[target]! : targetStarts[target]!);
          const from = qualStart + readOffset;
          const until = from + (pieceEnd - refPos);
          if (!onTargetHere) {
            if (counts)
              for (let at = from; at < until; at++) {
                if (bytes[at]! < minimumBaseQuality) lowQuality++;
                else offTarget++;
              }
          } else {
            let live: LiveTarget | undefined;
            const offsetShift = refPos - targetStarts[target]! - from;
            let countsTarget = false;
            for (let at = from, locus = refPos; at < until; at++, locus++) {
              const quality = bytes[at]!;
              const highQuality = quality >= minimumBaseQuality;
              if (!highQuality) lowQuality++;
              else onTarget++;
              if (quality <= 2) continue;
              if (quality >= QUALITY_BINS)
                throw new HtsError(
                  `read ${record.readName} has a base quality of ${quality}, above Picard's 126: not a quality a sequencer writes`,
                  this.input,
                  `record ${this.records}`,
                );
              if (highQuality) countsTarget = true;
              if (locus < lociStart || locus >= lociEnd) continue;
              live ??= this.liveTarget(target);
              const offset = at + offsetShift;
              if (++live.raw[offset]! <= cap) qualities[quality]!++;
              if (highQuality) live.highQuality[offset]!++;
            }
            if (countsTarget && counts && this.lastCountingRecord[target] !== readSerial) {
              this.lastCountingRecord[target] = readSerial;
              this.targetReads[target]!++;
            }
          }
          readOffset += pieceEnd - refPos;
          refPos = pieceEnd;
        }
      } else if (kind === 1 || kind === 4) readOffset += length;
      else if (kind === 2 || kind === 3) refPos += length;
    }
    if (counts) {
      c.excBaseq += lowQuality;
      c.excOffTarget += offTarget;
      c.onTarget += onTarget;
      if (mappedInPair) c.onTargetFromPair += onTarget;
    }
  }

  private liveTarget(target: number): LiveTarget {
    let live = this.live.get(target);
    if (live === undefined) {
      const length = this.targets.ends[target]! - this.targets.starts[target]!;
      live = { highQuality: new Int32Array(length), raw: new Int32Array(length) };
      this.live.set(target, live);
    }
    return live;
  }

  /** Puts into the totals every target that no read at or after (refId, pos) can reach. */
  private finishTargetsBefore(refId: number, pos: number): void {
    const targets = this.targets;
    while (
      this.nextTarget < targets.refIds.length &&
      (targets.refIds[this.nextTarget]! < refId || (targets.refIds[this.nextTarget] === refId && targets.ends[this.nextTarget]! <= pos))
    )
      this.finishTarget(this.nextTarget++);
  }

  /** A target's counted loci into the histograms and its own row; its GC from the reference. */
  private finishTarget(target: number): void {
    const targets = this.targets;
    const refId = targets.refIds[target]!;
    const start = targets.starts[target]!;
    const end = targets.ends[target]!;
    const [lociStart, lociEnd] = this.lociOf(refId);
    // The GC of a target is the business of the shard holding its start.
    if (this.reference !== undefined && end > start && start >= lociStart && start < lociEnd) {
      const text = this.reference.text(refId, start, end);
      let gc = 0;
      for (let i = 0; i < text.length; i++) {
        const base = text.charCodeAt(i) | 0x20;
        if (base === 0x63 || base === 0x67) gc++; // c, g (SequenceUtil.calculateGc: only C and G, either case)
      }
      this.targetGc[target] = gc / (end - start);
    }
    const from = Math.max(start, lociStart);
    const to = Math.min(end, lociEnd);
    const live = this.live.get(target);
    this.live.delete(target);
    if (this.perBase !== undefined && live !== undefined) this.perBase[target] = live.highQuality;
    if (to <= from) return;
    this.covered.add(refId, from, to);
    const loci = to - from;
    if (live === undefined) {
      this.depthHistogram[0]! += loci;
      this.rawDepthHistogram[0]! += loci;
      this.atLeast[0]! += loci;
      this.targetZeros[target]! += loci;
      this.targetMin[target] = Math.min(this.targetMin[target]!, 0);
      this.targetMax[target] = Math.max(this.targetMax[target]!, 0);
      return;
    }
    const cap = this.cap;
    let sum = 0;
    let zeros = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let offset = from - start; offset < to - start; offset++) {
      const depth = live.highQuality[offset]!;
      sum += depth;
      if (depth === 0) zeros++;
      if (depth < min) min = depth;
      if (depth > max) max = depth;
      this.depthHistogram[depth < cap ? depth : cap]!++;
      const raw = live.raw[offset]!;
      this.rawDepthHistogram[raw < cap ? raw : cap]!++;
      for (let t = 0; t < TARGET_DEPTHS.length && depth >= TARGET_DEPTHS[t]!; t++) this.atLeast[t]!++;
    }
    this.totalCoverage += sum;
    if (max > this.maxDepth) this.maxDepth = max;
    this.targetSums[target]! += sum;
    this.targetZeros[target]! += zeros;
    this.targetMin[target] = Math.min(this.targetMin[target]!, min);
    this.targetMax[target] = Math.max(this.targetMax[target]!, max);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    while (this.nextTarget < this.targets.refIds.length) this.finishTarget(this.nextTarget++);
    this.reference?.close();
  }

  toPartial(): HybcapPartial {
    const orNull = (values: Float64Array): (number | null)[] => Array.from(values, (v) => (Number.isFinite(v) ? v : null));
    return {
      counters: { ...this.counters },
      depth: Array.from(this.depthHistogram),
      rawDepth: Array.from(this.rawDepthHistogram),
      baseQualities: Array.from(this.baseQualityHistogram),
      atLeast: Array.from(this.atLeast),
      totalCoverage: this.totalCoverage,
      maxDepth: this.maxDepth,
      targetSums: Array.from(this.targetSums),
      targetZeros: Array.from(this.targetZeros),
      targetMin: orNull(this.targetMin),
      targetMax: orNull(this.targetMax),
      targetReads: Array.from(this.targetReads),
      targetGc: orNull(this.targetGc),
      covered: this.covered.toJSON(),
    };
  }

  merge(partial: HybcapPartial): void {
    if (partial.depth.length !== this.cap + 1 || partial.targetSums.length !== this.targetSums.length)
      throw new Error('hybcap partial states with different coverage caps or targets cannot be merged');
    for (const [refId, start, end] of partial.covered) {
      const twice = this.covered.add(refId, start, end);
      if (twice !== undefined)
        throw new HtsError(
          `hybcap counts target loci of ${this.header.references[refId]?.name ?? refId}:${twice[0] + 1}-${twice[1]} that another partial state counts too: merge partial states of disjoint regions (--region)`,
        );
    }
    for (const name of COUNTER_NAMES) this.counters[name] += partial.counters[name];
    partial.depth.forEach((count, i) => (this.depthHistogram[i]! += count));
    partial.rawDepth.forEach((count, i) => (this.rawDepthHistogram[i]! += count));
    partial.baseQualities.forEach((count, i) => (this.baseQualityHistogram[i]! += count));
    partial.atLeast.forEach((count, i) => (this.atLeast[i]! += count));
    this.totalCoverage += partial.totalCoverage;
    this.maxDepth = Math.max(this.maxDepth, partial.maxDepth);
    partial.targetSums.forEach((sum, t) => {
      this.targetSums[t]! += sum;
      this.targetZeros[t]! += partial.targetZeros[t]!;
      this.targetReads[t]! += partial.targetReads[t]!;
      const min = partial.targetMin[t];
      if (min !== null && min !== undefined) this.targetMin[t] = Math.min(this.targetMin[t]!, min);
      const max = partial.targetMax[t];
      if (max !== null && max !== undefined) this.targetMax[t] = Math.max(this.targetMax[t]!, max);
      const gc = partial.targetGc[t];
      if (gc !== null && gc !== undefined) this.targetGc[t] = gc;
    });
  }

  finish(): MetricsOutput[] {
    const c = this.counters;
    const targets = this.targets;
    const targetTerritory = targets.territory;
    const baitTerritory = this.baits.territory;
    const genomeSize = this.header.references.reduce((sum, reference) => sum + reference.length, 0);
    const selectedDenominator = c.onBait + c.nearBait + c.offBait;
    const row: Row = {
      BAIT_SET: this.baitSet,
      BAIT_TERRITORY: baitTerritory,
      BAIT_DESIGN_EFFICIENCY: targetTerritory / baitTerritory,
      ON_BAIT_BASES: c.onBait,
      NEAR_BAIT_BASES: c.nearBait,
      OFF_BAIT_BASES: c.offBait,
      PCT_SELECTED_BASES: (c.onBait + c.nearBait) / selectedDenominator,
      PCT_OFF_BAIT: c.offBait / selectedDenominator,
      ON_BAIT_VS_SELECTED: c.onBait / (c.onBait + c.nearBait),
      MEAN_BAIT_COVERAGE: c.onBait / baitTerritory,
      PCT_USABLE_BASES_ON_BAIT: c.onBait / c.pfBases,
      PCT_USABLE_BASES_ON_TARGET: c.onTarget / c.pfBases,
      FOLD_ENRICHMENT: c.onBait / selectedDenominator / (baitTerritory / genomeSize),
      TARGET_TERRITORY: targetTerritory,
      GENOME_SIZE: genomeSize,
      TOTAL_READS: c.totalReads,
      PF_READS: c.pfReads,
      PF_BASES: c.pfBases,
      PF_UNIQUE_READS: c.pfUniqueReads,
      PF_UQ_READS_ALIGNED: c.pfUqReadsAligned,
      PF_BASES_ALIGNED: c.pfBasesAligned,
      PF_UQ_BASES_ALIGNED: c.pfUqBasesAligned,
      ON_TARGET_BASES: c.onTarget,
      PCT_PF_READS: c.pfReads / c.totalReads,
      PCT_PF_UQ_READS: c.pfUniqueReads / c.totalReads,
      PCT_PF_UQ_READS_ALIGNED: c.pfUqReadsAligned / c.pfUniqueReads,
      PCT_EXC_DUPE: c.excDupe / c.pfBasesAligned,
      PCT_EXC_ADAPTER: c.excAdapter / c.pfBasesAligned,
      PCT_EXC_MAPQ: c.excMapq / c.pfBasesAligned,
      PCT_EXC_BASEQ: c.excBaseq / c.pfBasesAligned,
      PCT_EXC_OVERLAP: c.excOverlap / c.pfBasesAligned,
      PCT_EXC_OFF_TARGET: c.excOffTarget / c.pfBasesAligned,
      SAMPLE: null,
      LIBRARY: null,
      READ_GROUP: null,
    };

    // The histograms the distribution metrics read: this run's, or with levels the sums over the units finished so far.
    let highQualityDepth = this.depthHistogram;
    let rawDepth = this.rawDepthHistogram;
    let baseQuality = this.baseQualityHistogram;
    if (this.shared !== undefined) {
      const shared = this.shared;
      this.depthHistogram.forEach((count, i) => (shared.highQualityDepth[i]! += count));
      this.rawDepthHistogram.forEach((count, i) => (shared.rawDepth[i]! += count));
      this.baseQualityHistogram.forEach((count, i) => (shared.baseQuality[i]! += count));
      ({ highQualityDepth, rawDepth, baseQuality } = shared);
    }
    // Target coverage (calculateTargetCoverageMetrics): a bin for every depth 0..cap, zero bins included.
    const depthHistogram = new Histogram();
    highQualityDepth.forEach((count, depth) => depthHistogram.increment(depth, count));
    let zeroTargets = 0;
    let minDepth = Number.POSITIVE_INFINITY;
    for (let t = 0; t < targets.refIds.length; t++) {
      if (this.targetSums[t] === 0) {
        zeroTargets++;
        minDepth = 0;
      } else minDepth = Math.min(minDepth, this.targetMin[t]!);
    }
    const mean = this.totalCoverage / targetTerritory;
    row.MEAN_TARGET_COVERAGE = mean;
    row.MEDIAN_TARGET_COVERAGE = depthHistogram.median();
    row.MAX_TARGET_COVERAGE = this.maxDepth;
    row.MIN_TARGET_COVERAGE = Math.min(minDepth === Number.POSITIVE_INFINITY ? Number.MAX_SAFE_INTEGER : minDepth, this.maxDepth);
    const fold80 = mean / depthHistogram.percentile(0.2);
    row.FOLD_80_BASE_PENALTY = fold80;
    row.ZERO_CVG_TARGETS_PCT = zeroTargets / targets.rawCount;
    TARGET_DEPTHS.slice(1).forEach((depth, i) => (row[`PCT_TARGET_BASES_${depth}X`] = this.atLeast[i + 1]! / this.atLeast[0]!));

    const sensitivity = hetSnpSensitivity(normalised(rawDepth), normalised(baseQuality), this.options.sampleSize);
    row.HET_SNP_SENSITIVITY = sensitivity;
    row.HET_SNP_Q = phredOfError(sensitivity);

    // Picard computes GC only with a reference (here: when any target's GC was counted, in this run or a shard's).
    const [atDropout, gcDropout] = this.targetGc.some((gc) => !Number.isNaN(gc)) ? this.dropouts() : [0, 0];
    row.AT_DROPOUT = atDropout;
    row.GC_DROPOUT = gcDropout;

    const librarySize = estimateLibrarySize(c.selectedPairs, c.selectedUniquePairs);
    row.HS_LIBRARY_SIZE = librarySize;
    for (const depth of PENALTY_DEPTHS) row[`HS_PENALTY_${depth}X`] = this.hsPenalty(librarySize, fold80, depth);

    const o = this.options;
    const outputs: MetricsOutput[] = [
      {
        picardSuffix: PICARD_SUFFIX,
        metricsClass: 'picard.analysis.directed.HsMetrics',
        picardProgram: `CollectHsMetrics BAIT_INTERVALS=[${o.baits}] TARGET_INTERVALS=[${o.targets}] MINIMUM_MAPPING_QUALITY=${o.minimumMappingQuality} MINIMUM_BASE_QUALITY=${o.minimumBaseQuality} CLIP_OVERLAPPING_READS=${!o.countOverlaps} NEAR_DISTANCE=${o.nearDistance} COVERAGE_CAP=${this.cap} SAMPLE_SIZE=${o.sampleSize}`,
        table: { columns: COLUMNS, rows: [row] },
        histogram: {
          keyType: 'java.lang.Integer',
          columns: HISTOGRAM_COLUMNS.map((column) => (column.picard === false ? null : column.name)),
          rikerColumns: HISTOGRAM_COLUMNS.map((column) => (column.riker === null ? null : (column.riker ?? column.name))),
          rows: Array.from({ length: Math.max(this.cap + 1, QUALITY_BINS) }, (_, k) => [k, highQualityDepth[k] ?? 0, baseQuality[k] ?? 0]),
        },
        rikerSuffix: RIKER_SUFFIX,
      },
    ];
    if (o.perTargetCoverage) outputs.push(this.perTargetOutput(mean));
    if (this.perBase !== undefined) outputs.push(this.perBaseOutput());
    return outputs;
  }

  /** calculateGcMetrics: how far the high-quality bases by target GC fall short of the territory by GC, AT and GC side. */
  private dropouts(): [number, number] {
    const targetBases = new Float64Array(101);
    const alignedBasesByGc = new Float64Array(101);
    const targets = this.targets;
    for (let t = 0; t < targets.refIds.length; t++) {
      const length = targets.ends[t]! - targets.starts[t]!;
      if (length <= 0) continue;
      const gc = Math.round(this.targetGc[t]! * 100);
      targetBases[gc]! += length;
      alignedBasesByGc[gc]! += this.targetSums[t]!;
    }
    let totalTarget = 0;
    let totalAligned = 0;
    for (let i = 0; i <= 100; i++) {
      totalTarget += targetBases[i]!;
      totalAligned += alignedBasesByGc[i]!;
    }
    let at = 0;
    let gc = 0;
    for (let i = 0; i <= 100; i++) {
      const dropout = (alignedBasesByGc[i]! / totalAligned - targetBases[i]! / totalTarget) * 100;
      if (dropout < 0) {
        if (i <= 50) at += -dropout;
        if (i >= 50) gc += -dropout;
      }
    }
    return [at, gc];
  }

  /** HsMetricCollector.calculateHsPenalty. */
  private hsPenalty(librarySize: number | null, fold80: number, goal: number): number {
    if (librarySize === null) return 0;
    const c = this.counters;
    const meanCoverage = c.onTargetFromPair / this.targets.territory;
    const pairs = c.selectedPairs;
    const uniquePairs = c.selectedUniquePairs;
    const onTargetPct = c.onTarget / c.pfUqBasesAligned;
    const uniquePairGoalMultiplier = (goal / meanCoverage) * fold80;
    let pairMultiplier = uniquePairGoalMultiplier;
    let increment = 1;
    let goingUp = uniquePairGoalMultiplier >= 1;
    let finalPairMultiplier = -1;
    for (let i = 0; i < 10000; ++i) {
      const uniquePairMultiplier = (librarySize * (1 - Math.exp(-(pairMultiplier * pairs) / librarySize))) / uniquePairs;
      if (Math.abs(uniquePairMultiplier - uniquePairGoalMultiplier) / uniquePairGoalMultiplier <= 0.001) {
        finalPairMultiplier = pairMultiplier;
        break;
      } else if (
        (uniquePairMultiplier > uniquePairGoalMultiplier && goingUp) ||
        (uniquePairMultiplier < uniquePairGoalMultiplier && !goingUp)
      ) {
        increment /= 2;
        goingUp = !goingUp;
      }
      pairMultiplier += goingUp ? increment : -increment;
    }
    if (finalPairMultiplier === -1) return -1;
    const uniqueFraction = (uniquePairs * uniquePairGoalMultiplier) / (pairs * finalPairMultiplier);
    return (1 / uniqueFraction) * fold80 * (1 / onTargetPct);
  }

  private perTargetOutput(mean: number): MetricsOutput {
    const targets = this.targets;
    const { targetSums, targetMin, targetMax, targetZeros, targetGc, targetReads } = this;
    const references = this.header.references;
    return {
      picardSuffix: PER_TARGET_PICARD_SUFFIX,
      picardProgram: 'CollectHsMetrics',
      rikerSuffix: PER_TARGET_RIKER_SUFFIX,
      *lines(layout, sample) {
        const lead = layout === 'riker' ? `${sample}\t` : '';
        let text = tsvHeader(PER_TARGET_COLUMNS, layout);
        for (let t = 0; t < targets.refIds.length; t++) {
          const length = targets.ends[t]! - targets.starts[t]!;
          if (length <= 0) continue;
          const coverage = targetSums[t]! / length;
          const min = targetMin[t]!;
          const max = targetMax[t]!;
          text += `${lead}${references[targets.refIds[t]!]!.name}\t${targets.starts[t]! + 1}\t${targets.ends[t]}\t${length}\t${targets.names[t] ?? 'null'}\t${[
            targetGc[t]!,
            coverage,
            coverage / mean,
            min / mean,
            max / mean,
            min,
            max,
            targetZeros[t]! / length,
          ]
            .map(formatPicardDouble)
            .join('\t')}\t${targetReads[t]}\n`;
          if (text.length >= 1 << 20) {
            yield text;
            text = '';
          }
        }
        yield text;
      },
    };
  }

  private perBaseOutput(): MetricsOutput {
    const targets = this.targets;
    const perBase = this.perBase!;
    const references = this.header.references;
    return {
      picardSuffix: PER_BASE_PICARD_SUFFIX,
      picardProgram: 'CollectHsMetrics',
      rikerSuffix: PER_BASE_RIKER_SUFFIX,
      *lines(layout, sample) {
        const lead = layout === 'riker' ? `${sample}\t` : '';
        let text = tsvHeader(PER_BASE_COLUMNS, layout);
        for (let t = 0; t < targets.refIds.length; t++) {
          const depths = perBase[t] ?? new Int32Array(targets.ends[t]! - targets.starts[t]!);
          const prefix = `${lead}${references[targets.refIds[t]!]!.name}\t`;
          const suffix = `\t${targets.names[t] ?? 'null'}\t`;
          for (let i = 0; i < depths.length; i++) {
            text += `${prefix}${targets.starts[t]! + 1 + i}${suffix}${depths[i]}\n`;
            if (text.length >= 1 << 20) {
              yield text;
              text = '';
            }
          }
        }
        yield text;
      },
    };
  }
}

/**
 * htsjdk SAMUtils.getNumOverlappingAlignedBasesToClip: how many of a read's bases lie past its mate's start, for the
 * left read of an overlapping pair (or read 2 of a pair that starts together). M counts from the mate's start on;
 * I, =, X count whole once past it (htsjdk's rule); the mate's contig is not compared (htsjdk's too).
 */
export function overlappingBasesToClip(record: BamRecordView, flag: number): number {
  if ((flag & FLAG_PAIRED) === 0 || flag & (FLAG_UNMAPPED | FLAG_MATE_UNMAPPED)) return 0;
  const mateStart = record.matePos;
  const start = record.pos;
  if (mateStart < start) return 0;
  if (mateStart === start && flag & FLAG_FIRST) return 0;
  let clip = 0;
  let refPos = start;
  const count = record.cigarLength;
  for (let i = 0; i < count; i++) {
    const op = record.cigarOp(i);
    const length = op >>> 4;
    const kind = op & 15;
    const refLength = kind === 0 || kind === 2 || kind === 3 || kind === 7 || kind === 8 ? length : 0;
    if (mateStart <= refPos + refLength - 1) {
      if (kind === 0) clip += mateStart < refPos ? refLength : refPos + refLength - mateStart;
      else if (kind === 1 || kind === 7 || kind === 8) clip += length; // I, =, X: every read base of the element
      // S, H, P, N and D add nothing (D consumes no read bases).
    }
    refPos += refLength;
  }
  return clip;
}

/** Whether a CIGAR operation consumes read bases (M I S = X). */
const consumesRead = (kind: number): boolean => kind === 0 || kind === 1 || kind === 4 || kind === 7 || kind === 8;
const consumesReference = (kind: number): boolean => kind === 0 || kind === 2 || kind === 3 || kind === 7 || kind === 8;
const SOFT_CLIP = 4;
const HARD_CLIP = 5;

/**
 * SAMUtils.clipOverlappingAlignedBases then CigarUtil.softClipEndOfRead: the CIGAR (BAM-packed ops) with the read's
 * last `clip` bases before any trailing soft clip turned into soft clip, element by element as htsjdk does it.
 */
export function softClipEnd(record: BamRecordView, clip: number): number[] {
  const ops = Array.from(record.cigarOps());
  let clipFrom = record.seqLength - clip + 1;
  const last = ops[ops.length - 1]!;
  if ((last & 15) === SOFT_CLIP) clipFrom -= last >>> 4;
  let readLength = 0;
  for (const op of ops) if (consumesRead(op & 15)) readLength += op >>> 4;
  const clippedBases = readLength - clipFrom + 1;
  const trailingHardClip = (last & 15) === HARD_CLIP ? last >>> 4 : 0;
  const out: number[] = [];
  let pos = 1;
  for (const op of ops) {
    const kind = op & 15;
    const length = consumesRead(kind) ? op >>> 4 : 0;
    const endPos = pos + length - 1;
    if (endPos < clipFrom - 1) {
      out.push(op);
      pos = endPos + 1;
      continue;
    }
    // mergeClippingCigarElement with a soft clip.
    const relative = clipFrom - 1 - (pos - 1);
    let clipAmount = clippedBases;
    if (consumesRead(kind)) {
      if (consumesReference(kind) && relative > 0) out.push((relative << 4) | kind);
      if (!consumesReference(kind) || kind === SOFT_CLIP) clipAmount = clippedBases + relative;
    } else if (relative !== 0) {
      throw new HtsError(`read ${record.readName}: htsjdk cannot clip its overlap with its mate (CIGAR ${record.cigarString()})`);
    }
    out.push((clipAmount << 4) | SOFT_CLIP);
    if (trailingHardClip > 0) out.push((trailingHardClip << 4) | HARD_CLIP);
    break;
  }
  return out;
}

/** DuplicationMetrics.estimateLibrarySize (Lander-Waterman, bisection as Picard does it); null without duplicates. */
export function estimateLibrarySize(readPairs: number, uniqueReadPairs: number): number | null {
  if (!(readPairs > 0 && readPairs - uniqueReadPairs > 0)) return null;
  const f = (x: number): number => uniqueReadPairs / x - 1 + Math.exp(-readPairs / x);
  let m = 1;
  let M = 100;
  if (uniqueReadPairs >= readPairs || f(m * uniqueReadPairs) < 0)
    throw new Error(`Invalid values for pairs and unique pairs: ${readPairs}, ${uniqueReadPairs}`);
  while (f(M * uniqueReadPairs) > 0) M *= 10;
  for (let i = 0; i < 40; i++) {
    const r = (m + M) / 2;
    const u = f(r * uniqueReadPairs);
    if (u === 0) break;
    else if (u > 0) m = r;
    else if (u < 0) M = r;
  }
  return Math.trunc((uniqueReadPairs * (m + M)) / 2);
}

export const hybcapCollector: CollectorFactory<HybcapPartial> = {
  name: 'hybcap',
  report: hybcapReport,
  needsReference: false,
  ordered: true,
  options: HYBCAP_OPTIONS,
  docs: [
    {
      title: 'Hybrid-selection metrics (Picard HsMetrics)',
      rikerSuffix: RIKER_SUFFIX,
      picardSuffix: PICARD_SUFFIX,
      columns: COLUMNS,
    },
    {
      title: "Target coverage and base-quality histograms (only in Picard's layout: the metrics file's histogram)",
      // riker writes these histograms nowhere: '–' as for a column not in a layout (an empty suffix would match every file).
      rikerSuffix: null,
      picardSuffix: PICARD_SUFFIX,
      columns: HISTOGRAM_COLUMNS,
    },
    {
      title: 'Per-target coverage, GC and read counts (--per-target-coverage)',
      rikerSuffix: PER_TARGET_RIKER_SUFFIX,
      picardSuffix: PER_TARGET_PICARD_SUFFIX,
      columns: PER_TARGET_COLUMNS,
    },
    {
      title: 'The coverage of every target base (--per-base-coverage)',
      rikerSuffix: PER_BASE_RIKER_SUFFIX,
      picardSuffix: PER_BASE_PICARD_SUFFIX,
      columns: PER_BASE_COLUMNS,
    },
  ],
  usageProblem({ options, reference, partial, region }) {
    const o = { ...HYBCAP_DEFAULTS, ...(options.hybcap as Partial<HybcapOptions> | undefined) };
    const levelProblem = accumulationLevelProblem(o.accumulationLevel);
    if (levelProblem !== undefined) return levelProblem;
    if (o.targets === undefined || o.baits === undefined)
      return 'hybcap needs target and bait intervals: give --targets FILE and --baits FILE (in collect-multi --hybcap::targets, --hybcap::baits)';
    if (o.perTargetCoverage && reference === undefined)
      return "--per-target-coverage needs the reference (-r) for each target's GC, as Picard does";
    if (o.perBaseCoverage && (partial || region)) return "--per-base-coverage writes a whole run's file: not with --partial or --region";
    return undefined;
  },
  create(context: CollectorContext) {
    const options = { ...HYBCAP_DEFAULTS, ...(context.options.hybcap as Partial<HybcapOptions> | undefined) };
    const levels = parseAccumulationLevels(options.accumulationLevel);
    const input = context.input ?? 'input';
    if (levels.length === 1) return new HybcapCollector(options, context.header, context.reference, context.region, input);
    const shared = new UnitHistograms(options.coverageCap);
    // Per-target and per-base files are over all reads only (Picard's makeAllReadCollector).
    const unitOptions = { ...options, perTargetCoverage: false, perBaseCoverage: false };
    const make = (role: 'all' | 'unit'): HybcapCollector =>
      new HybcapCollector(role === 'all' ? options : unitOptions, context.header, context.reference, context.region, input, shared);
    // Depth per locus does not add up across read groups' states: one collector per unit, as Picard keeps them.
    return new MultiLevelCollector(levels, context.header, make, {
      children: 'unit',
      histogram: 'lastRepeated',
    }) as unknown as Collector<HybcapPartial>;
  },
};
