/**
 * Whole-genome coverage (Picard CollectWgsMetrics 2.27.5, default algorithm; riker `wgs`).
 *
 * Picard's rules, reproduced exactly (docs/qc.md lists them with Picard's sources):
 * - Reads: secondary alignments are dropped uncounted; then the first matching filter excludes a read and counts its
 *   aligned (M/=/X) bases: adapter (AdapterUtility), MAPQ < --min-mapq, duplicate, unpaired or mate unmapped (unless
 *   --count-unpaired). Unmapped and QC-fail reads that pass every filter are then dropped uncounted. Supplementary
 *   alignments are kept: they add coverage.
 * - Loci: every position of every contig in the header, reads or not, except reference N (N, n or '.'), which is not
 *   territory and counts nothing. At a locus, in file order: a base of quality ≤ 2 is excluded by base quality; otherwise
 *   it enters the raw depth (capped) and the base-quality histogram that HET_SNP_SENSITIVITY samples; then quality
 *   < --min-bq or an N base is excluded by base quality; a second base of the same read name (a mate, a supplementary
 *   alignment) is excluded as overlap, the first passing base winning; depth above --coverage-cap is excluded as capped.
 *
 * Cost and memory: depth lives in typed arrays over a window that slides with the coordinate-sorted input (sized by the
 * longest alignment span seen, not by the genome); loci without reads are counted from the reference in chunks; a read
 * is remembered (which loci it counted) only until the window passes it.
 *
 * Sharding: with a region (`--region`), only the region's loci are counted, and a read's filter counts go to the shard
 * holding its start, so partial states of disjoint regions merge (collect-merge) into exactly the whole-genome metrics.
 */
import { Flag, HtsError, type BamHeader, type BamRecordView } from '@shoal/hts';
import { isAdapter } from '../adapter-matcher.js';
import {
  optionDefaults,
  type Collector,
  type CollectorContext,
  type CollectorFactory,
  type CollectorOption,
  type CollectorRegion,
  type Column,
  type MetricsOutput,
} from '../collector.js';
import { Histogram } from '../histogram.js';
import { readIntervalSet } from '../interval-set.js';
import { CoordinateOrder } from '../coordinate-order.js';
import { ReferenceWindow } from '../reference-window.js';
import { hetSnpSensitivity, normalised, phredOfError, SAMPLE_SIZE_OPTION } from '../theoretical-sensitivity.js';
import { alignedBases } from '../aligned-bases.js';
import { NO_CALL_MASK } from '../base-masks.js';
import { nameHash, OpenReads } from '../open-reads.js';
import { wgsReport } from '../plots/collector-reports.js';

const FLAG_PAIRED = Flag.Paired;
const FLAG_UNMAPPED = Flag.Unmapped;
const FLAG_MATE_UNMAPPED = Flag.MateUnmapped;
const FLAG_SECONDARY = Flag.Secondary;
const FLAG_QC_FAIL = Flag.QcFail;
const FLAG_DUPLICATE = Flag.Duplicate;

/** IUPAC mask of a no-call (N, n, '.'): base-masks.ts. */
const NO_CALL = NO_CALL_MASK; // a module constant: the hot loops compare with a local number
/** The base-quality histogram's length (Byte.MAX_VALUE). */
const QUALITY_BINS = 127;
/** Copies of it counted in turn (a power of two). */
const QUALITY_STRIPES = 4;
/** Reference bases read per step when counting loci without reads. */
const REFERENCE_CHUNK = 1 << 20;

export interface WgsOptions {
  /** Picard MINIMUM_MAPPING_QUALITY. */
  minimumMappingQuality: number;
  /** Picard MINIMUM_BASE_QUALITY. */
  minimumBaseQuality: number;
  /** Picard COVERAGE_CAP. */
  coverageCap: number;
  /** Picard COUNT_UNPAIRED. */
  countUnpaired: boolean;
  /** Picard INTERVALS: only these loci are territory, and only reads overlapping them count. */
  intervals: string | undefined;
  /** Picard SAMPLE_SIZE. */
  sampleSize: number;
}

export const WGS_OPTIONS = [
  {
    key: 'minimumMappingQuality',
    flag: 'min-mapq',
    description: 'ignore reads with a lower mapping quality (Picard MINIMUM_MAPPING_QUALITY)',
    type: 'number',
    defaultValue: 20,
    min: 0,
    max: 255,
    integer: true,
  },
  {
    key: 'minimumBaseQuality',
    flag: 'min-bq',
    description: 'ignore bases with a lower base quality (Picard MINIMUM_BASE_QUALITY)',
    type: 'number',
    defaultValue: 20,
    min: 0,
    max: 126,
    integer: true,
  },
  {
    key: 'coverageCap',
    flag: 'coverage-cap',
    description: 'treat depth above this as this, counting the excess as capped (Picard COVERAGE_CAP)',
    type: 'number',
    defaultValue: 250,
    min: 1,
    max: 100_000,
    integer: true,
  },
  {
    key: 'countUnpaired',
    flag: 'count-unpaired',
    description: 'count unpaired reads and reads whose mate is unmapped (Picard COUNT_UNPAIRED)',
    type: 'boolean',
    defaultValue: false,
  },
  {
    key: 'intervals',
    flag: 'intervals',
    description: 'only these loci, BED or interval_list, and only reads overlapping them (Picard INTERVALS)',
    type: 'string',
    defaultValue: undefined,
    argument: 'file',
  },
  SAMPLE_SIZE_OPTION,
] as const satisfies readonly CollectorOption<keyof WgsOptions>[];

export const WGS_DEFAULTS: WgsOptions = optionDefaults(WGS_OPTIONS);

const PCT_DEPTHS = [1, 5, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100];
/** riker's frac_bases_at_Nx columns (no 70x, 80x, 90x). */
const RIKER_DEPTHS = new Set([1, 5, 10, 15, 20, 25, 30, 40, 50, 60, 100]);

/** What each PCT_EXC_ column's reads or bases were excluded for (riker names them frac_excluded_…). */
const EXCLUSIONS: [what: string, why: string][] = [
  ['MAPQ', 'are in reads with a mapping quality below --min-mapq'],
  ['DUPE', 'are in reads marked as duplicates'],
  ['UNPAIRED', 'are in unpaired reads or reads whose mate is unmapped (unless --count-unpaired)'],
  ['BASEQ', 'are of low base quality (below --min-bq, or 2 or less) or are N'],
  ['OVERLAP', 'are the second observation of a locus from one insert (overlapping mates)'],
  ['CAPPED', "would raise a locus's depth above --coverage-cap"],
];

const COLUMNS: Column[] = [
  {
    name: 'GENOME_TERRITORY',
    kind: 'int',
    description: 'The number of non-N reference bases over which coverage is evaluated (the whole genome, or the --intervals loci).',
  },
  {
    name: 'MEAN_COVERAGE',
    kind: 'double',
    decimals: 2,
    description: 'The mean coverage of the genome territory after all filters (high-quality bases only, depth capped at --coverage-cap).',
  },
  {
    name: 'SD_COVERAGE',
    kind: 'double',
    decimals: 2,
    description: 'The standard deviation of coverage over the genome territory, after all filters.',
  },
  {
    name: 'MEDIAN_COVERAGE',
    kind: 'double',
    decimals: 2,
    description: 'The median coverage of the genome territory, after all filters.',
  },
  {
    name: 'MAD_COVERAGE',
    kind: 'double',
    decimals: 2,
    description: 'The median absolute deviation of coverage over the genome territory, after all filters.',
  },
  {
    name: 'PCT_EXC_ADAPTER',
    kind: 'double',
    riker: null,
    description:
      "The fraction of aligned bases excluded because their reads have mapping quality 0 and look like adapter. Not in riker's layout.",
  },
  ...EXCLUSIONS.map(([what, why]): Column => ({
    name: `PCT_EXC_${what}`,
    kind: 'double',
    riker: `frac_excluded_${what.toLowerCase()}`,
    decimals: 5,
    description: `The fraction of aligned bases excluded because they ${why}.`,
  })),
  {
    name: 'PCT_EXC_TOTAL',
    kind: 'double',
    riker: 'frac_excluded_total',
    decimals: 5,
    description: 'The fraction of aligned bases excluded by all the filters together.',
  },
  ...PCT_DEPTHS.map((depth): Column => ({
    name: `PCT_${depth}X`,
    kind: 'double',
    riker: RIKER_DEPTHS.has(depth) ? `frac_bases_at_${depth}x` : null,
    decimals: 5,
    description: `The fraction of genome territory bases with at least ${depth}-fold coverage after all filters.${
      RIKER_DEPTHS.has(depth) ? '' : " Not in riker's layout."
    }`,
  })),
  ...[80, 90, 95].map((p): Column => ({
    name: `FOLD_${p}_BASE_PENALTY`,
    kind: 'double',
    decimals: 2,
    description: `The fold over-coverage needed to raise ${p}% of bases to the mean coverage: MEAN_COVERAGE divided by the ${100 - p}th percentile of coverage.`,
  })),
  {
    name: 'HET_SNP_SENSITIVITY',
    kind: 'double',
    riker: null,
    description:
      "The theoretical sensitivity to heterozygous SNPs, from the unfiltered depth and base-quality distributions. Not in riker's layout.",
  },
  {
    name: 'HET_SNP_Q',
    kind: 'double',
    riker: null,
    description: "HET_SNP_SENSITIVITY as a Phred-scaled score, -10 log10(1 - sensitivity), rounded. Not in riker's layout.",
  },
];

/**
 * The coverage histogram (Picard's `## HISTOGRAM` of the metrics file; riker's own file): one row per depth 0..cap.
 * Picard writes the first two columns, riker all five.
 */
const COVERAGE_COLUMNS: Column[] = [
  {
    name: 'coverage',
    kind: 'int',
    riker: 'depth',
    description: 'The coverage depth after all filters; the last row, --coverage-cap, also holds every locus above it.',
  },
  {
    name: 'high_quality_coverage_count',
    kind: 'int',
    riker: 'bases',
    description: 'The number of genome territory bases (loci) with this coverage.',
  },
  {
    name: 'frac_bases',
    kind: 'double',
    riker: 'frac_bases',
    decimals: 5,
    picard: false,
    description: "The fraction of the genome territory with this coverage. Only in riker's layout.",
  },
  {
    name: 'bases_at_or_above',
    kind: 'int',
    riker: 'bases_at_or_above',
    picard: false,
    description: "The number of genome territory bases with this coverage or more. Only in riker's layout.",
  },
  {
    name: 'frac_bases_at_or_above',
    kind: 'double',
    riker: 'frac_bases_at_or_above',
    decimals: 5,
    picard: false,
    description: "The fraction of the genome territory with this coverage or more. Only in riker's layout.",
  },
];

const PICARD_SUFFIX = '.wgs_metrics';
const RIKER_SUFFIX = '.wgs-metrics.txt';
const RIKER_HISTOGRAM_SUFFIX = '.wgs-coverage.txt';

/** What is counted; sums of disjoint shards are the whole. Arrays are plain numbers so the state is JSON. */
export interface WgsPartial {
  coverageCap: number;
  /** Loci by high-quality depth (capped), 0..cap. */
  depth: number[];
  /** Loci by raw depth (capped), 0..cap: HET_SNP_SENSITIVITY's depth distribution. */
  rawDepth: number[];
  /** Raw bases by quality 0..126. */
  baseQualities: number[];
  excluded: { adapter: number; mapq: number; dupe: number; unpaired: number; baseq: number; overlap: number; capped: number };
  /** The loci counted, [refId, start, end) per contig: partial states merge only when these are disjoint. */
  covered: [number, number, number][];
}

/**
 * htsjdk's SamLocusIterator default (LOCUS_ACCUMULATION_CAP, raised to the coverage cap when that is larger): a read
 * is dropped whole when the first locus the iterator still holds already holds this many reads.
 */
const LOCUS_ACCUMULATION_CAP = 100_000;

class WgsCollector implements Collector<WgsPartial> {
  readonly name = 'wgs';
  private readonly cap: number;
  private readonly depthHistogram: Float64Array;
  private readonly rawDepthHistogram: Float64Array;
  /**
   * Raw bases by quality, in QUALITY_STRIPES interleaved copies chosen by the read offset: a read's bases mostly share
   * a few binned qualities, and one counter per quality makes each base's add wait for the previous one's.
   * `baseQualities()` sums the stripes.
   */
  private readonly stripedBaseQualities = new Float64Array(QUALITY_BINS * QUALITY_STRIPES);
  private readonly excluded = { adapter: 0, mapq: 0, dupe: 0, unpaired: 0, baseq: 0, overlap: 0, capped: 0 };
  private readonly reference: ReferenceWindow | undefined;
  /** The loci counted, by contig: [start, end) ranges. */
  private readonly covered = new Map<number, [number, number][]>();

  /** The contig being counted (-1: none yet); loci before `flushed` on it are final and in the histograms. */
  private contig = -1;
  private flushed = 0;
  /** The end of the contig (or region) being counted. */
  private contigEnd = 0;
  /**
   * Per-locus counts on rings of `mask + 1` slots, indexed by position & mask. A base is counted by what it is not:
   * `entries` gives the aligned bases at a locus, and only the bases left out add to a locus, so the common base (good
   * quality, no overlap) costs no per-locus write. At a non-N locus, raw depth = entries - lowQuality and high-quality
   * depth = raw depth - notCounted (flushTo).
   */
  private mask = (1 << 16) - 1;
  /**
   * Reads (any quality) with an aligned base at each locus, which htsjdk's accumulation cap counts too, as differences:
   * +1 where a read's aligned block starts, -1 where it ends. The count at a locus is `entriesBeforeFlushed` plus the
   * differences from `flushed` to it.
   */
  private entries = new Int32Array(1 << 16);
  private entriesBeforeFlushed = 0;
  /** Bases of quality ≤ 2 (or ≥ 127): neither raw nor high-quality depth. */
  private lowQuality = new Int32Array(1 << 16);
  /** Raw bases left out of the high-quality depth: below --min-bq, N, or overlap. */
  private notCounted = new Int32Array(1 << 16);
  /**
   * Reads piled up that end at each locus (differences), and the reads piled up that reach `flushed` or past it: no
   * locus from `flushed` on has more raw bases than that, so while it stays below the cap a read needs no per-locus
   * raw depth to know its bases enter the base-quality histogram.
   */
  private readEnds = new Int32Array(1 << 16);
  private activeReads = 0;
  private readonly accumulationCap: number;
  /** The loci htsjdk's locus iterator still holds: [accumulatorStart, accumulatorEnd), on the current contig. */
  private accumulatorStart = 0;
  private accumulatorEnd = 0;
  /**
   * The loci counted by each read name's alignments still in the window, as sorted, disjoint [start, end) runs (flat):
   * a later alignment of the same name (a mate, a supplementary alignment) is overlap-excluded there. Runs, not one
   * flag per locus, so memory follows the bases counted, not a read's span over N skips and deletions.
   */
  private readonly open = new OpenReads();
  /** A record's counted runs as they are built, the loci a block leaves out, and the union with its name's earlier runs. */
  private readonly runs = new RunList();
  private leftOut = new Int32Array(1024);
  private mergeScratch: Int32Array = new Int32Array(1024);
  private readonly order: CoordinateOrder;
  /** --intervals by contig, [start, end) pairs flat, merged and sorted. */
  private readonly intervalsByContig: number[][] | undefined;
  /** Picard stops reading at the first unplaced record that passes its filters (AbstractLocusIterator.next). */
  private finishedAlignedReads = false;
  private records = 0;
  private ended = false;

  constructor(
    private readonly options: WgsOptions,
    private readonly header: BamHeader,
    referencePath: string | undefined,
    private readonly region: CollectorRegion | undefined,
    private readonly input: string,
  ) {
    this.order = new CoordinateOrder(header, input, 'coverage');
    this.cap = options.coverageCap;
    this.accumulationCap = Math.max(LOCUS_ACCUMULATION_CAP, options.coverageCap);
    this.depthHistogram = new Float64Array(this.cap + 1);
    this.rawDepthHistogram = new Float64Array(this.cap + 1);
    // The intervals matter while reading (a merge of partial states, without a reference, needs no file).
    if (options.intervals !== undefined && referencePath !== undefined) {
      const intervals = readIntervalSet(options.intervals, header, 'interval');
      this.intervalsByContig = header.references.map(() => []);
      intervals.refIds.forEach((refId, i) => this.intervalsByContig![refId]!.push(intervals.starts[i]!, intervals.ends[i]!));
      this.reference = new ReferenceWindow(referencePath, header, intervals);
    } else this.reference = referencePath === undefined ? undefined : new ReferenceWindow(referencePath, header);
  }

  accept(record: BamRecordView): void {
    this.records++;
    const flag = record.flag;
    const refId = record.refId;
    const pos = record.pos;
    if (this.finishedAlignedReads || flag & FLAG_SECONDARY) return;
    // With INTERVALS Picard reads through an interval iterator: a record that overlaps none is never seen.
    if (this.intervalsByContig !== undefined && !this.overlapsIntervals(refId, pos, pos + Math.max(1, record.referenceLength))) return;
    const region = this.region;
    if (region !== undefined && refId !== region.refId) return;
    // A read's filter counts belong to the shard that holds its start.
    const counts = region === undefined || (pos >= region.start && pos < region.end);
    if (isAdapter(record, flag)) {
      if (counts) this.excluded.adapter += alignedBases(record);
      return;
    }
    if (record.mapq < this.options.minimumMappingQuality) {
      if (counts) this.excluded.mapq += alignedBases(record);
      return;
    }
    if (flag & FLAG_DUPLICATE) {
      if (counts) this.excluded.dupe += alignedBases(record);
      return;
    }
    if (!this.options.countUnpaired && ((flag & FLAG_PAIRED) === 0 || flag & FLAG_MATE_UNMAPPED)) {
      if (counts) this.excluded.unpaired += alignedBases(record);
      return;
    }
    // htsjdk's locus iterator sees only the records its filters passed (above): the first unplaced one ends the aligned
    // reads, unmapped and QC-fail ones are skipped, and only the rest must come in coordinate order.
    if (refId < 0) {
      this.finishedAlignedReads = true;
      return;
    }
    if (flag & (FLAG_UNMAPPED | FLAG_QC_FAIL)) return;
    this.order.check(record, refId, pos, this.records);
    this.order.requireQualities(record, this.records);
    this.advanceTo(refId, pos);
    // htsjdk has emitted every locus before pos - 1 when this read comes: the first locus it still holds is the head.
    const empty = this.accumulatorEnd <= pos - 1;
    const head = empty ? pos : Math.max(this.accumulatorStart, pos - 1);
    if (!empty && head >= this.flushed && this.entriesAt(head) >= this.accumulationCap) return;
    const end = record.alignmentEnd;
    if (empty) this.accumulatorStart = pos;
    if (end > this.accumulatorEnd) this.accumulatorEnd = end;
    this.pileUp(record, refId, pos);
  }

  /**
   * Reads with an aligned base at `locus` (≥ flushed; a locus or two past it, where accept asks). No block passes the
   * contig's end, so a locus past it (a record placed past its contig) sums no further than the end.
   */
  private entriesAt(locus: number): number {
    let count = this.entriesBeforeFlushed;
    const last = Math.min(locus, this.contigEnd);
    for (let at = this.flushed; at <= last; at++) count += this.entries[at & this.mask]!;
    return count;
  }

  /** Whether [start, end) of refId overlaps an interval of --intervals (binary search: records may be out of order). */
  private overlapsIntervals(refId: number, start: number, end: number): boolean {
    const intervals = refId < 0 ? undefined : this.intervalsByContig![refId];
    if (intervals === undefined || intervals.length === 0) return false;
    let low = 0;
    let high = intervals.length / 2;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (intervals[2 * mid + 1]! <= start) low = mid + 1;
      else high = mid;
    }
    return low < intervals.length / 2 && intervals[2 * low]! < end;
  }

  /**
   * Adds a read's aligned bases to the loci they cover, with Picard's per-locus exclusions.
   *
   * Per aligned block, not per base: the read's entry into htsjdk's accumulation count (a difference at the block's
   * start and end), whether the reference has an N in it (one question to the window) and whether an earlier alignment
   * of the name counted a locus in it. A block with none of these and a read without N bases take the short loop; the
   * loci a block leaves out are listed, and the counted runs are the block minus that list.
   */
  private pileUp(record: BamRecordView, refId: number, pos: number): void {
    const end = Math.min(record.alignmentEnd, this.contigEnd);
    if (end <= Math.max(pos, this.flushed)) return;
    // One slot past the end too: the differences at `end`.
    this.ensureCapacity(end + 1 - this.flushed);
    // Past the cap, a base enters the quality histogram only while its locus' raw depth is below it (deep loop below).
    const deep = this.activeReads >= this.cap;
    this.activeReads++;
    this.readEnds[end & this.mask]!++;
    const reference = this.reference!;
    reference.cover(refId, this.flushed, end);
    const masks = reference.masks;
    const referenceStart = reference.start;
    // Loci counted by earlier alignments of the same name (a mate, a supplementary alignment). Picard matches by name
    // alone, so every read's counted loci are remembered until the window passes them, whatever its flags and tags.
    const bytes = record.bytes;
    const open = this.open;
    const nameStart = record.readNameStart;
    const nameLength = record.readNameLength - 1;
    const hash = nameHash(bytes, nameStart, nameLength);
    const entry = open.find(bytes, nameStart, nameLength, hash);
    const earlier = open.runs;
    let first = 0;
    let earlierEnd = 0;
    if (entry >= 0) {
      first = open.runsStart(entry);
      earlierEnd = first + 2 * open.runCount(entry);
      while (first < earlierEnd && earlier[first + 1]! <= pos) first += 2;
    }
    let cursor = first;
    const runs = this.runs;
    runs.length = 0;
    const seqLength = record.seqLength;
    if (this.leftOut.length < seqLength) this.leftOut = new Int32Array(seqLength);
    const leftOut = this.leftOut;

    const qualStart = record.qualStart;
    const seqStart = record.seqStart;
    const readHasN = hasNoCallBase(bytes, seqStart, seqLength);
    const minimumBaseQuality = this.options.minimumBaseQuality;
    const cap = this.cap;
    const entries = this.entries;
    const lowQuality = this.lowQuality;
    const notCounted = this.notCounted;
    const ringMask = this.mask;
    const qualities = this.stripedBaseQualities;
    // The deep loop's running count of entries: entries at coverAt - 1 (this read included).
    let coverAt = this.flushed;
    let covering = this.entriesBeforeFlushed;
    const regionStart = this.region?.start ?? 0;
    let baseq = 0;
    let overlap = 0;
    let refPos = pos;
    let readOffset = 0;
    const cigarLength = record.cigarLength;
    for (let c = 0; c < cigarLength && refPos < end; c++) {
      const op = record.cigarOp(c);
      const length = op >>> 4;
      const kind = op & 15;
      if (kind === 0 || kind === 7 || kind === 8) {
        // M, =, X: aligned bases, from the region's start to the read's (clipped) end.
        const from = Math.max(refPos, regionStart);
        const until = Math.min(refPos + length, end);
        const readShift = readOffset - refPos;
        refPos += length;
        readOffset += length;
        if (from >= until) continue;
        entries[from & ringMask]!++;
        entries[until & ringMask]!--;
        while (cursor < earlierEnd && earlier[cursor + 1]! <= from) cursor += 2;
        const overlapsEarlier = cursor < earlierEnd && earlier[cursor]! < until;
        let leftOutCount = 0;
        if (!deep && !readHasN && !overlapsEarlier && !reference.hasNoCallIn(from, until)) {
          // The short loop: the reference has no N here, the read none at all, no earlier alignment counted here, and
          // no locus at the cap.
          for (let locus = from, at = from + readShift; locus < until; locus++, at++) {
            const quality = bytes[qualStart + at]!;
            // Picard reads a quality as a signed byte: 128-255 are negative, so ≤ 2 (and 127 makes it fail).
            if (quality <= 2 || quality >= 127) {
              lowQuality[locus & ringMask]!++;
              baseq++;
              leftOut[leftOutCount++] = locus;
              continue;
            }
            qualities[quality * QUALITY_STRIPES + (at & (QUALITY_STRIPES - 1))]!++;
            if (quality < minimumBaseQuality) {
              notCounted[locus & ringMask]!++;
              baseq++;
              leftOut[leftOutCount++] = locus;
            }
          }
        } else {
          const maskShift = -referenceStart;
          for (let locus = from, at = from + readShift; locus < until; locus++, at++) {
            if (masks[locus + maskShift] === NO_CALL) {
              leftOut[leftOutCount++] = locus;
              continue;
            }
            const slot = locus & ringMask;
            const quality = bytes[qualStart + at]!;
            if (quality <= 2 || quality >= 127) {
              lowQuality[slot]!++;
              baseq++;
              leftOut[leftOutCount++] = locus;
              continue;
            }
            if (deep) {
              // The raw bases earlier reads put here: entries less this read, less the low-quality ones.
              while (coverAt <= locus) covering += entries[coverAt++ & ringMask]!;
              if (covering - 1 - lowQuality[slot]! < cap) qualities[quality * QUALITY_STRIPES + (at & (QUALITY_STRIPES - 1))]!++;
            } else qualities[quality * QUALITY_STRIPES + (at & (QUALITY_STRIPES - 1))]!++;
            const packed = bytes[seqStart + (at >> 1)]!;
            if (quality < minimumBaseQuality || (at & 1 ? packed & 15 : packed >> 4) === NO_CALL) {
              notCounted[slot]!++;
              baseq++;
              leftOut[leftOutCount++] = locus;
              continue;
            }
            if (cursor < earlierEnd) {
              while (cursor < earlierEnd && earlier[cursor + 1]! <= locus) cursor += 2;
              if (cursor < earlierEnd && earlier[cursor]! <= locus) {
                notCounted[slot]!++;
                overlap++;
                leftOut[leftOutCount++] = locus;
              }
            }
          }
        }
        // The block's counted runs: [from, until) less the loci left out (ascending).
        let runFrom = from;
        for (let i = 0; i < leftOutCount; i++) {
          const locus = leftOut[i]!;
          if (locus > runFrom) runs.add(runFrom, locus);
          runFrom = locus + 1;
        }
        if (until > runFrom) runs.add(runFrom, until);
      } else if (kind === 1 || kind === 4)
        readOffset += length; // I, S
      else if (kind === 2 || kind === 3) refPos += length; // D, N
    }
    this.excluded.baseq += baseq;
    this.excluded.overlap += overlap;
    if (entry < 0) {
      if (runs.length > 0) open.add(bytes, nameStart, nameLength, hash, runs.values, runs.length / 2);
    } else {
      // The earlier runs from `first` (those before this read's start can no longer matter) and this read's.
      let merged = this.mergeScratch;
      if (merged.length < earlierEnd - first + runs.length)
        merged = this.mergeScratch = new Int32Array(2 * (earlierEnd - first + runs.length));
      open.replace(entry, merged, unionOfRuns(earlier, first, earlierEnd, runs.values, runs.length, merged) / 2);
    }
  }

  /** Finalises every locus before `pos` on `refId` (and whole contigs passed over), moving the window there. */
  private advanceTo(refId: number, pos: number): void {
    if (refId !== this.contig) {
      if (this.contig >= 0) this.flushTo(this.contigEnd);
      // Contigs with no reads between the last one and this one are territory too (whole-genome runs only).
      if (this.region === undefined) for (let skipped = this.contig + 1; skipped < refId; skipped++) this.countEmptyContig(skipped);
      this.startContig(refId);
    }
    // Locus pos - 1 stays: htsjdk's accumulation cap may look at it (accept).
    if (pos - 1 > this.flushed) this.flushTo(Math.min(pos - 1, this.contigEnd));
  }

  private startContig(refId: number): void {
    // Every locus of the last contig is flushed; only the differences at its end remain.
    if (this.contig >= 0) {
      this.entries[this.contigEnd & this.mask] = 0;
      this.readEnds[this.contigEnd & this.mask] = 0;
    }
    this.entriesBeforeFlushed = 0;
    this.activeReads = 0;
    this.contig = refId;
    const length = this.reference!.contigLength(refId);
    this.flushed = this.region === undefined ? 0 : Math.min(this.region.start, length);
    this.contigEnd = this.region === undefined ? length : Math.min(this.region.end, length);
    this.open.clear();
    this.accumulatorStart = 0;
    this.accumulatorEnd = 0;
  }

  /** Moves loci [flushed, to) of the current contig into the histograms and clears their slots. */
  private flushTo(to: number): void {
    const reference = this.reference!;
    const entries = this.entries;
    const lowQuality = this.lowQuality;
    const notCounted = this.notCounted;
    const readEnds = this.readEnds;
    const ringMask = this.mask;
    const cap = this.cap;
    const depthHistogram = this.depthHistogram;
    const rawDepthHistogram = this.rawDepthHistogram;
    let capped = 0;
    let entriesBefore = this.entriesBeforeFlushed;
    let activeReads = this.activeReads;
    for (let from = this.flushed; from < to;) {
      const until = Math.min(to, from + REFERENCE_CHUNK);
      reference.cover(this.contig, from, until);
      const masks = reference.masks;
      const offset = reference.start;
      for (let locus = from; locus < until; locus++) {
        const slot = locus & ringMask;
        entriesBefore += entries[slot]!;
        entries[slot] = 0;
        activeReads -= readEnds[slot]!;
        readEnds[slot] = 0;
        if (masks[locus - offset] === NO_CALL) continue;
        const raw = entriesBefore - lowQuality[slot]!;
        let high = raw - notCounted[slot]!;
        lowQuality[slot] = 0;
        notCounted[slot] = 0;
        if (high > cap) {
          capped += high - cap;
          high = cap;
        }
        depthHistogram[high]!++;
        rawDepthHistogram[raw < cap ? raw : cap]!++;
      }
      from = until;
    }
    this.excluded.capped += capped;
    if (to > this.flushed) {
      this.entriesBeforeFlushed = entriesBefore;
      this.activeReads = activeReads;
    }
    this.flushed = Math.max(this.flushed, to);
    this.forgetPassedReads();
  }

  /** Drops remembered reads that end before the window, now and then (amortised over the reads remembered). */
  private forgetPassedReads(): void {
    this.open.forgetEndingBy(this.flushed);
  }

  /** A contig no read reached: its non-N loci are depth 0. */
  private countEmptyContig(refId: number): void {
    const reference = this.reference!;
    const length = reference.contigLength(refId);
    let territory = 0;
    for (let from = 0; from < length; from += REFERENCE_CHUNK) {
      const until = Math.min(length, from + REFERENCE_CHUNK);
      reference.cover(refId, from, until);
      const masks = reference.masks;
      for (let i = 0; i < until - from; i++) if (masks[i] !== NO_CALL) territory++;
    }
    this.depthHistogram[0]! += territory;
    this.rawDepthHistogram[0]! += territory;
  }

  /** Grows the ring (keeping its live loci in place) until `span` loci from `flushed` fit. */
  private ensureCapacity(span: number): void {
    if (span <= this.mask + 1) return;
    let size = this.mask + 1;
    while (size < span) size *= 2;
    const oldMask = this.mask;
    const newMask = size - 1;
    const flushed = this.flushed;
    // Live loci are [flushed, flushed + old size); each moves to its slot in the bigger ring.
    const grown = (ring: Int32Array): Int32Array<ArrayBuffer> => {
      const bigger = new Int32Array(size);
      for (let locus = flushed; locus <= flushed + oldMask; locus++) bigger[locus & newMask] = ring[locus & oldMask]!;
      return bigger;
    };
    this.entries = grown(this.entries);
    this.lowQuality = grown(this.lowQuality);
    this.notCounted = grown(this.notCounted);
    this.readEnds = grown(this.readEnds);
    this.mask = newMask;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.region !== undefined) {
      // A shard counts its region's loci whether or not a read reached them.
      if (this.region.refId >= 0) {
        if (this.contig !== this.region.refId) this.startContig(this.region.refId);
        this.flushTo(this.contigEnd);
        this.addCovered(this.region.refId, Math.min(this.region.start, this.contigEnd), this.contigEnd);
      }
    } else {
      if (this.contig >= 0) this.flushTo(this.contigEnd);
      for (let refId = this.contig + 1; refId < this.header.references.length; refId++) this.countEmptyContig(refId);
      this.header.references.forEach((contig, refId) => this.addCovered(refId, 0, contig.length));
    }
    this.open.clear();
    this.reference?.close();
  }

  toPartial(): WgsPartial {
    return {
      coverageCap: this.cap,
      depth: Array.from(this.depthHistogram),
      rawDepth: Array.from(this.rawDepthHistogram),
      baseQualities: Array.from(this.baseQualities()),
      excluded: { ...this.excluded },
      covered: [...this.covered].flatMap(([refId, ranges]) => ranges.map(([start, end]): [number, number, number] => [refId, start, end])),
    };
  }

  /** Raw bases by quality 0..126 (the stripes summed). */
  private baseQualities(): Float64Array {
    const striped = this.stripedBaseQualities;
    return Float64Array.from({ length: QUALITY_BINS }, (_, quality) => {
      let count = 0;
      for (let stripe = 0; stripe < QUALITY_STRIPES; stripe++) count += striped[quality * QUALITY_STRIPES + stripe]!;
      return count;
    });
  }

  /** Records loci as counted; counting some twice (shards that overlap, or a split of the reads) is an error. */
  private addCovered(refId: number, start: number, end: number): void {
    if (end <= start) return;
    const ranges = this.covered.get(refId) ?? [];
    for (const [from, to] of ranges)
      if (start < to && from < end) {
        const name = this.header.references[refId]?.name ?? String(refId);
        throw new HtsError(
          `wgs counts loci of ${name}:${Math.max(start, from) + 1}-${Math.min(end, to)} that another partial state counts too: merge partial states of disjoint regions (--region)`,
        );
      }
    ranges.push([start, end]);
    this.covered.set(refId, ranges);
  }

  merge(partial: WgsPartial): void {
    if (partial.coverageCap !== this.cap)
      throw new Error(`wgs partial states with different coverage caps (${partial.coverageCap}, ${this.cap}) cannot be merged`);
    partial.depth.forEach((count, i) => (this.depthHistogram[i]! += count));
    partial.rawDepth.forEach((count, i) => (this.rawDepthHistogram[i]! += count));
    partial.baseQualities.forEach((count, i) => (this.stripedBaseQualities[i * QUALITY_STRIPES]! += count));
    for (const [refId, start, end] of partial.covered) this.addCovered(refId, start, end);
    for (const key of Object.keys(this.excluded) as (keyof WgsPartial['excluded'])[]) this.excluded[key] += partial.excluded[key];
  }

  finish(): MetricsOutput[] {
    const histogram = this.depthHistogram;
    const cap = this.cap;
    // htsjdk's Histogram over a bin for every depth 0..cap, zero bins included (Picard builds it so): the median of a
    // genome of one locus is then the first key, 0.
    const bins = new Histogram();
    histogram.forEach((count, depth) => bins.increment(depth, count));
    let territory = 0;
    let total = 0;
    for (let d = 0; d <= cap; d++) {
      territory += histogram[d]!;
      total += d * histogram[d]!;
    }
    const x = this.excluded;
    // Picard's sum, in its order (WgsMetrics: total + dupe + adapter + mapq + pair + baseq + overlap + capping).
    const withExcluded = total + x.dupe + x.adapter + x.mapq + x.unpaired + x.baseq + x.overlap + x.capped;
    const fraction = (bases: number): number => (withExcluded === 0 ? 0 : bases / withExcluded);
    const mean = bins.mean();
    const median = bins.median();
    const row: Record<string, unknown> = {
      GENOME_TERRITORY: territory,
      MEAN_COVERAGE: mean,
      SD_COVERAGE: bins.standardDeviation(),
      MEDIAN_COVERAGE: median,
      MAD_COVERAGE: bins.medianAbsoluteDeviation(),
      PCT_EXC_ADAPTER: fraction(x.adapter),
      PCT_EXC_MAPQ: fraction(x.mapq),
      PCT_EXC_DUPE: fraction(x.dupe),
      PCT_EXC_UNPAIRED: fraction(x.unpaired),
      PCT_EXC_BASEQ: fraction(x.baseq),
      PCT_EXC_OVERLAP: fraction(x.overlap),
      PCT_EXC_CAPPED: fraction(x.capped),
      PCT_EXC_TOTAL: withExcluded === 0 ? 0 : (withExcluded - total) / withExcluded,
    };
    for (const depth of PCT_DEPTHS) {
      let atLeast = 0;
      for (let d = depth; d <= cap; d++) atLeast += histogram[d]!;
      row[`PCT_${depth}X`] = atLeast / territory;
    }
    for (const [name, p] of [
      ['FOLD_80_BASE_PENALTY', 0.2],
      ['FOLD_90_BASE_PENALTY', 0.1],
      ['FOLD_95_BASE_PENALTY', 0.05],
    ] as const)
      row[name] = territory > 0 ? mean / bins.percentile(p) : 0;
    const sensitivity = hetSnpSensitivity(normalised(this.rawDepthHistogram), normalised(this.baseQualities()), this.options.sampleSize);
    row.HET_SNP_SENSITIVITY = sensitivity;
    row.HET_SNP_Q = phredOfError(sensitivity);
    const o = this.options;
    return [
      {
        picardSuffix: PICARD_SUFFIX,
        metricsClass: 'picard.analysis.WgsMetrics',
        picardProgram: `CollectWgsMetrics MINIMUM_MAPPING_QUALITY=${o.minimumMappingQuality} MINIMUM_BASE_QUALITY=${o.minimumBaseQuality} COVERAGE_CAP=${cap} COUNT_UNPAIRED=${o.countUnpaired}${o.intervals === undefined ? '' : ` INTERVALS=${o.intervals}`} SAMPLE_SIZE=${o.sampleSize} USE_FAST_ALGORITHM=false`,
        table: { columns: COLUMNS, rows: [row] },
        histogram: {
          keyType: 'java.lang.Integer',
          columns: COVERAGE_COLUMNS.map((column) => (column.picard === false ? null : column.name)),
          rikerColumns: COVERAGE_COLUMNS.map((column) => (column.riker === null ? null : (column.riker ?? column.name))),
          rikerDecimals: COVERAGE_COLUMNS.map((column) => column.decimals),
          rows: coverageRows(histogram, territory),
        },
        rikerSuffix: RIKER_SUFFIX,
        rikerHistogramSuffix: RIKER_HISTOGRAM_SUFFIX,
      },
    ];
  }
}

/** Sorted, disjoint [start, end) runs, flat, in a buffer that grows; a run that touches the last one extends it. */
class RunList {
  values = new Int32Array(1024);
  length = 0;

  add(start: number, end: number): void {
    if (this.length > 0 && this.values[this.length - 1] === start) {
      this.values[this.length - 1] = end;
      return;
    }
    if (this.length + 2 > this.values.length) {
      const grown = new Int32Array(2 * this.values.length);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = start;
    this.values[this.length++] = end;
  }
}

/** Whether a read's 4-bit packed bases (BAM seq) hold an N (code 15). */
function hasNoCallBase(bytes: Uint8Array, seqStart: number, seqLength: number): boolean {
  const pairs = seqLength >> 1;
  for (let i = seqStart; i < seqStart + pairs; i++) {
    const packed = bytes[i]!;
    if ((packed & 0xf0) === 0xf0 || (packed & 0x0f) === 0x0f) return true;
  }
  return seqLength & 1 ? bytes[seqStart + pairs]! >> 4 === NO_CALL : false;
}

/** The union of sorted runs a[from, aEnd) and b[0, bValues) into out, touching runs joined; returns the values written. */
function unionOfRuns(a: Int32Array, from: number, aEnd: number, b: Int32Array, bValues: number, out: Int32Array): number {
  let written = 0;
  let i = from;
  let j = 0;
  while (i < aEnd || j < bValues) {
    let start: number;
    let end: number;
    if (j >= bValues || (i < aEnd && a[i]! <= b[j]!)) {
      start = a[i]!;
      end = a[i + 1]!;
      i += 2;
    } else {
      start = b[j]!;
      end = b[j + 1]!;
      j += 2;
    }
    if (written > 0 && out[written - 1]! >= start) out[written - 1] = Math.max(out[written - 1]!, end);
    else {
      out[written++] = start;
      out[written++] = end;
    }
  }
  return written;
}

/** Depth, loci, fraction, loci at or above, fraction: Picard writes the first two, riker all five. */
function coverageRows(histogram: Float64Array, territory: number): number[][] {
  const rows: number[][] = [];
  let atOrAbove = territory;
  for (let d = 0; d < histogram.length; d++) {
    const count = histogram[d]!;
    rows.push([d, count, count / territory, atOrAbove, atOrAbove / territory]);
    atOrAbove -= count;
  }
  return rows;
}

export const wgsCollector: CollectorFactory<WgsPartial> = {
  name: 'wgs',
  report: wgsReport,
  needsReference: true,
  ordered: true,
  options: WGS_OPTIONS,
  docs: [
    {
      title: 'Whole-genome coverage metrics (Picard WgsMetrics)',
      rikerSuffix: RIKER_SUFFIX,
      picardSuffix: PICARD_SUFFIX,
      columns: COLUMNS,
    },
    {
      title: "Coverage histogram: genome territory bases by depth (in Picard's layout, the metrics file's histogram)",
      rikerSuffix: RIKER_HISTOGRAM_SUFFIX,
      picardSuffix: PICARD_SUFFIX,
      columns: COVERAGE_COLUMNS,
    },
  ],
  create(context: CollectorContext): Collector<WgsPartial> {
    const options = { ...WGS_DEFAULTS, ...(context.options.wgs as Partial<WgsOptions> | undefined) };
    return new WgsCollector(options, context.header, context.reference, context.region, context.input ?? 'input');
  },
};
