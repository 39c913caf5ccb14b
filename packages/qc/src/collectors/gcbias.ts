/**
 * GC bias (Picard CollectGcBiasMetrics 2.27.5, default options; riker `gcbias`): the detail table (reads and reference
 * windows per GC percentage) and the summary (dropouts, normalised coverage by GC band).
 *
 * Picard's rules, reproduced exactly (docs/qc.md):
 * - Every record counts, whatever its flags (duplicates, QC-fail, secondary and supplementary too). TOTAL_CLUSTERS:
 *   unpaired or first-of-pair records, mapped or not; ALIGNED_READS: mapped records. Records without a sequence ('*')
 *   count nowhere (Picard drops the first 100 of them and fails on later ones that land in a window).
 * - A mapped read's window: the 100 reference bases from its 1-based start used as a 0-based index (one base right of
 *   the read), or for a reverse read the last 100 bases of its alignment; its GC is gcCount × 100 / 100 with N in the
 *   denominator, and a window with more than 4 N is skipped. Windows are defined for 0-based starts 1 .. L − 101:
 *   reads whose window starts later, and every read of a contig of 101 bases or less, count in GC bin 0.
 * - Per bin: READ_STARTS, the reads' SEQ lengths and their errors (mismatches by IUPAC mask, inserted and deleted
 *   bases); MEAN_BASE_QUALITY is the Phred of errors / bases (0 without errors), not a mean of qualities.
 * - Reference windows: every start 1 .. L − 101 of every contig, reads or not; more than 4 N skips the window.
 *
 * Accumulation levels (--accumulation-level): each unit's rows are labelled as Picard labels them, ACCUMULATION_LEVEL
 * "Sample", "Library" or "Read Group" and only that level's column set; a unit without aligned reads writes no rows.
 *
 * Merging: the read counts add up; the reference windows do not depend on the reads, so they are counted once per
 * contig (by `complete`, on the instance holding the run's state) and merged as a union, a contig's counts equal in
 * every state that has them.
 */
import { Flag, HtsError, type BamHeader, type BamRecordView } from '@shoal/hts';
import type {
  Collector,
  CollectorContext,
  CollectorFactory,
  CollectorOption,
  CollectorRegion,
  Column,
  MetricsOutput,
  Row,
} from '../collector.js';
import { UNIT_COLUMNS } from '../unit-columns.js';
import {
  ACCUMULATION_LEVEL_OPTION,
  accumulationLevelProblem,
  MultiLevelCollector,
  parseAccumulationLevels,
  type AccumulationLevel,
} from '../levels.js';
import { ReferenceWindow } from '../reference-window.js';
import { NO_CALL_MASK } from '../base-masks.js';
import { gcbiasReport } from '../plots/collector-reports.js';

const FLAG_PAIRED = Flag.Paired;
const FLAG_UNMAPPED = Flag.Unmapped;
const FLAG_REVERSE = Flag.Reverse;
const FLAG_FIRST = Flag.FirstOfPair;

/** Picard SCAN_WINDOW_SIZE (fixed here: riker's --window-size is not offered yet). */
const WINDOW = 100;
const BINS = 101;
/** IUPAC masks (base-masks.ts): G and C, and N (N, n, '.'). */
const MASK_C = 2;
const MASK_G = 4;
const MASK_N = NO_CALL_MASK; // a module constant: the hot loops compare with a local number
/**
 * 1 for the masks of G and C, and of N, else 0: counting by table, not by branch (the reference's bases are random to
 * a branch predictor, and the branches cost more than the counting).
 */
const IS_GC = Uint8Array.from({ length: 256 }, (_, mask) => (mask === MASK_G || mask === MASK_C ? 1 : 0));
const IS_N = Uint8Array.from({ length: 256 }, (_, mask) => (mask === MASK_N ? 1 : 0));
/** Reference bases read per step when counting a contig's windows. */
const REFERENCE_CHUNK = 1 << 20;

const ACCUMULATION_LEVEL_COLUMN: Column = {
  name: 'ACCUMULATION_LEVEL',
  kind: 'text',
  riker: null,
  description:
    "The level the row was accumulated at: 'All Reads', or with --accumulation-level 'Sample', 'Library' or 'Read Group' (Picard layout only).",
};
const READS_USED_COLUMN: Column = {
  name: 'READS_USED',
  kind: 'text',
  riker: null,
  description: 'Whether duplicates were counted (ALL) or left out (UNIQUE): always ALL here (Picard layout only).',
};

const DETAIL_COLUMNS: Column[] = [
  ACCUMULATION_LEVEL_COLUMN,
  READS_USED_COLUMN,
  {
    name: 'GC',
    kind: 'int',
    description: "The GC content of the bin's 100-base reference windows, in percent (0 to 100); one row per bin.",
  },
  {
    name: 'WINDOWS',
    kind: 'int',
    description: 'The number of 100-base windows of the reference (with at most 4 N) that have this GC content, reads or not.',
  },
  {
    name: 'READ_STARTS',
    kind: 'int',
    description: 'The number of reads whose window (the 100 reference bases at its start, or at its end if reverse) has this GC content.',
  },
  {
    name: 'MEAN_BASE_QUALITY',
    kind: 'int',
    description:
      "The Phred-scaled error rate (mismatches, inserted and deleted bases per base) of the bin's reads, not a mean of base qualities; 0 without errors.",
  },
  {
    name: 'NORMALIZED_COVERAGE',
    kind: 'double',
    decimals: 5,
    description:
      "The bin's reads per window over the mean reads per window of all bins: 1 is mean coverage, 0.5 half of it, 3.1 over three times.",
  },
  {
    name: 'ERROR_BAR_WIDTH',
    kind: 'double',
    decimals: 5,
    description: "The radius of NORMALIZED_COVERAGE's error bar from the bin's number of reads (√READ_STARTS, normalised the same way).",
  },
  ...UNIT_COLUMNS,
];

const BANDS: [number, number][] = [
  [0, 19],
  [20, 39],
  [40, 59],
  [60, 79],
  [80, 100],
];

const SUMMARY_COLUMNS: Column[] = [
  ACCUMULATION_LEVEL_COLUMN,
  READS_USED_COLUMN,
  {
    name: 'WINDOW_SIZE',
    kind: 'int',
    description: 'The length of the reference windows whose GC content is computed (SCAN_WINDOW_SIZE, 100).',
  },
  {
    name: 'TOTAL_CLUSTERS',
    kind: 'int',
    description: 'The number of clusters seen: unpaired and first-of-pair records, mapped or not, whatever their flags.',
  },
  {
    name: 'ALIGNED_READS',
    kind: 'int',
    description: 'The number of mapped records used for the GC bias metrics (duplicates, QC-fail, secondary and supplementary included).',
  },
  {
    name: 'AT_DROPOUT',
    kind: 'double',
    decimals: 5,
    description: 'Illumina-style AT dropout: the sum over GC bins 0-50 of the positive differences (% of reference windows - % of reads).',
  },
  {
    name: 'GC_DROPOUT',
    kind: 'double',
    decimals: 5,
    description:
      'Illumina-style GC dropout: the sum over GC bins 51-100 of the positive differences (% of reference windows - % of reads).',
  },
  ...BANDS.map(([low, high]): Column => ({
    name: `GC_NC_${low}_${high}`,
    kind: 'double',
    riker: `gc_${low}_${high}_normcov`,
    decimals: 5,
    description: `The normalized coverage of the windows with ${low}-${high}% GC: their reads per window over the mean reads per window of all bins.`,
  })),
  ...UNIT_COLUMNS,
];

const DETAIL_PICARD_SUFFIX = '.gc_bias.detail_metrics';
const DETAIL_RIKER_SUFFIX = '.gcbias-detail.txt';
const SUMMARY_PICARD_SUFFIX = '.gc_bias.summary_metrics';
const SUMMARY_RIKER_SUFFIX = '.gcbias-summary.txt';

export interface GcBiasPartial {
  readsByGc: number[];
  basesByGc: number[];
  errorsByGc: number[];
  totalClusters: number;
  alignedReads: number;
  /** Reference windows per GC bin, by contig id (a contig's counts are the same in every state that has them). */
  windows: Record<string, number[]>;
}

/**
 * Read bases (BAM 4-bit codes from query offset `at`) unequal to `count` reference masks from `shift`: two bases per
 * packed byte, so the loop loads each byte once and has no branch on the offset's parity.
 */
function mismatches(bytes: Uint8Array, seqStart: number, at: number, masks: Uint8Array, shift: number, count: number): number {
  let errors = 0;
  let i = 0;
  let byte = seqStart + (at >> 1);
  if (at & 1 && count > 0) {
    if ((bytes[byte++]! & 15) !== masks[shift]) errors++;
    i = 1;
  }
  for (; i + 1 < count; i += 2) {
    const packed = bytes[byte++]!;
    if (packed >> 4 !== masks[shift + i]) errors++;
    if ((packed & 15) !== masks[shift + i + 1]) errors++;
  }
  if (i < count && bytes[byte]! >> 4 !== masks[shift + i]) errors++;
  return errors;
}

/** Picard's ACCUMULATION_LEVEL label of each level. */
const LEVEL_LABELS: Record<AccumulationLevel, string> = {
  ALL_READS: 'All Reads',
  SAMPLE: 'Sample',
  LIBRARY: 'Library',
  READ_GROUP: 'Read Group',
};

export interface GcBiasOptions {
  /** Picard METRIC_ACCUMULATION_LEVEL, comma-separated (unset: ALL_READS). */
  accumulationLevel: string | undefined;
}

class GcBiasCollector implements Collector<GcBiasPartial> {
  readonly name = 'gcbias';
  private readonly readsByGc = new Float64Array(BINS);
  private readonly basesByGc = new Float64Array(BINS);
  private readonly errorsByGc = new Float64Array(BINS);
  private totalClusters = 0;
  private alignedReads = 0;
  private readonly windows = new Map<number, Float64Array>();
  private readonly reference: ReferenceWindow | undefined;
  /** G or C bases, and N bases, before each locus of the reference window (remade when the window moves). */
  private gcBefore = new Int32Array(0);
  private noCallsBefore = new Int32Array(0);
  private prefixGeneration = -1;

  constructor(
    private readonly header: BamHeader,
    referencePath: string | undefined,
    private readonly region: CollectorRegion | undefined,
    private readonly levels: AccumulationLevel[],
  ) {
    this.reference = referencePath === undefined ? undefined : new ReferenceWindow(referencePath, header);
  }

  accept(record: BamRecordView): void {
    if (record.seqLength === 0) return;
    const flag = record.flag;
    const cluster = (flag & FLAG_PAIRED) === 0 || (flag & FLAG_FIRST) !== 0;
    if (flag & FLAG_UNMAPPED || record.refId < 0) {
      if (cluster) this.totalClusters++;
      return;
    }
    if (cluster) this.totalClusters++;
    this.alignedReads++;
    const reference = this.reference!;
    const refId = record.refId;
    const length = reference.contigLength(refId);
    // 1-based position used as a 0-based index into Picard's per-base GC array (filled for 1 .. L - 101, else 0).
    const start = flag & FLAG_REVERSE ? record.alignmentEnd - WINDOW : record.pos + 1;
    if (start <= 0) return;
    let gc = 0;
    if (start <= length - WINDOW - 1) {
      reference.cover(refId, start, start + WINDOW);
      // The window's G/C and N counts from prefix sums over the reference window: two subtractions, not 100 bases.
      if (reference.generation !== this.prefixGeneration) this.countPrefixes(reference);
      const offset = start - reference.start;
      if (this.noCallsBefore[offset + WINDOW]! - this.noCallsBefore[offset]! > 4) return;
      gc = this.gcBefore[offset + WINDOW]! - this.gcBefore[offset]!;
    }
    this.readsByGc[gc]!++;
    this.basesByGc[gc]! += record.seqLength;
    this.errorsByGc[gc]! += this.errors(record, refId, length);
  }

  /** Fills gcBefore and noCallsBefore over the whole reference window, once per refill (its `generation`). */
  private countPrefixes(reference: ReferenceWindow): void {
    const length = reference.end - reference.start;
    if (this.gcBefore.length < length + 1) {
      this.gcBefore = new Int32Array(length + 1);
      this.noCallsBefore = new Int32Array(length + 1);
    }
    const masks = reference.masks;
    const gcBefore = this.gcBefore;
    const noCallsBefore = this.noCallsBefore;
    const isGc = IS_GC;
    const isN = IS_N;
    let gc = 0;
    let n = 0;
    for (let i = 0; i < length; i++) {
      const mask = masks[i]!;
      gc += isGc[mask]!;
      n += isN[mask]!;
      gcBefore[i + 1] = gc;
      noCallsBefore[i + 1] = n;
    }
    this.prefixGeneration = reference.generation;
  }

  /** Mismatches (IUPAC masks, as htsjdk's basesEqual), inserted and deleted bases; N skips are not errors. */
  private errors(record: BamRecordView, refId: number, length: number): number {
    const reference = this.reference!;
    const bytes = record.bytes;
    const seqStart = record.seqStart;
    let errors = 0;
    let refPos = record.pos;
    let readOffset = 0;
    const count = record.cigarLength;
    for (let c = 0; c < count; c++) {
      const op = record.cigarOp(c);
      const bases = op >>> 4;
      const kind = op & 15;
      if (kind === 0 || kind === 7 || kind === 8) {
        const end = Math.min(refPos + bases, length);
        if (end > refPos) {
          // The window moves forward with the sorted reads; a block far past it (after a long N) is read on its own.
          let masks: Uint8Array;
          let shift: number;
          if (end - refPos <= REFERENCE_CHUNK) {
            reference.cover(refId, refPos, end);
            masks = reference.masks;
            shift = refPos - reference.start;
          } else {
            masks = reference.blockMasks(refId, refPos, end);
            shift = 0;
          }
          errors += mismatches(bytes, seqStart, readOffset, masks, shift, end - refPos);
        }
        refPos += bases;
        readOffset += bases;
      } else if (kind === 1) {
        errors += bases;
        readOffset += bases;
      } else if (kind === 4) readOffset += bases;
      else if (kind === 2) {
        errors += bases;
        refPos += bases;
      } else if (kind === 3) refPos += bases;
    }
    return errors;
  }

  /** The reader reopens if this instance is later asked for windows (complete). */
  end(): void {
    this.reference?.close();
  }

  shareRunState(all: Collector): void {
    if (!(all instanceof GcBiasCollector)) throw new Error(`gcbias: cannot share the run state of a ${all.name} collector`);
    for (const [refId, counts] of all.windows) this.windows.set(refId, counts);
  }

  /** Counts the reference windows of the contigs in this run's scope (its region's contig, or every contig). */
  complete(): void {
    if (this.reference === undefined) return;
    const contigs =
      this.region === undefined ? this.header.references.map((_, refId) => refId) : this.region.refId >= 0 ? [this.region.refId] : [];
    for (const refId of contigs) if (!this.windows.has(refId)) this.windows.set(refId, this.countWindows(refId));
    this.reference.close();
  }

  /** GcBiasUtils.calculateRefWindowsByGc for one contig: windows at 0-based starts 1 .. L - 101, sliding. */
  private countWindows(refId: number): Float64Array {
    const counts = new Float64Array(BINS);
    const reference = this.reference!;
    const length = reference.contigLength(refId);
    const last = length - WINDOW - 1;
    let gc = 0;
    let n = 0;
    for (let from = 1; from <= last; from += REFERENCE_CHUNK) {
      const until = Math.min(last + 1, from + REFERENCE_CHUNK);
      // Windows starting in [from, until) need bases from - 1 (the one leaving) to until + WINDOW - 1.
      reference.cover(refId, from - 1, Math.min(length, until + WINDOW - 1));
      const masks = reference.masks;
      const offset = reference.start;
      const isGc = IS_GC;
      const isN = IS_N;
      for (let start = from; start < until; start++) {
        if (start === 1) {
          for (let i = 1; i <= WINDOW; i++) {
            const mask = masks[i - offset]!;
            gc += isGc[mask]!;
            n += isN[mask]!;
          }
        } else {
          const entering = masks[start + WINDOW - 1 - offset]!;
          const leaving = masks[start - 1 - offset]!;
          gc += isGc[entering]! - isGc[leaving]!;
          n += isN[entering]! - isN[leaving]!;
        }
        if (n <= 4) counts[gc]!++;
      }
    }
    return counts;
  }

  toPartial(): GcBiasPartial {
    return {
      readsByGc: Array.from(this.readsByGc),
      basesByGc: Array.from(this.basesByGc),
      errorsByGc: Array.from(this.errorsByGc),
      totalClusters: this.totalClusters,
      alignedReads: this.alignedReads,
      windows: Object.fromEntries([...this.windows].map(([refId, counts]) => [String(refId), Array.from(counts)])),
    };
  }

  merge(partial: GcBiasPartial): void {
    partial.readsByGc.forEach((count, i) => (this.readsByGc[i]! += count));
    partial.basesByGc.forEach((count, i) => (this.basesByGc[i]! += count));
    partial.errorsByGc.forEach((count, i) => (this.errorsByGc[i]! += count));
    this.totalClusters += partial.totalClusters;
    this.alignedReads += partial.alignedReads;
    for (const [key, counts] of Object.entries(partial.windows)) {
      const refId = Number(key);
      const mine = this.windows.get(refId);
      if (mine === undefined) this.windows.set(refId, Float64Array.from(counts));
      else if (counts.some((count, i) => count !== mine[i]))
        throw new HtsError(
          `gcbias: the reference windows of ${this.header.references[refId]?.name ?? key} differ between partial states (another reference?)`,
        );
    }
  }

  finish(): MetricsOutput[] {
    const windows = new Float64Array(BINS);
    for (const counts of this.windows.values()) for (let i = 0; i < BINS; i++) windows[i]! += counts[i]!;
    const reads = this.readsByGc;
    let totalReads = 0;
    let totalWindows = 0;
    for (let i = 0; i < BINS; i++) {
      totalReads += reads[i]!;
      totalWindows += windows[i]!;
    }
    const meanReadsPerWindow = totalReads / totalWindows;
    const detail: Row[] = [];
    const summary: Row[] = [];
    if (this.alignedReads > 0) {
      for (let i = 0; i < BINS; i++) {
        const errors = this.errorsByGc[i]!;
        detail.push({
          ACCUMULATION_LEVEL: 'All Reads',
          READS_USED: 'ALL',
          GC: i,
          WINDOWS: windows[i]!,
          READ_STARTS: reads[i]!,
          MEAN_BASE_QUALITY: errors > 0 ? phred(errors / this.basesByGc[i]!) : 0,
          NORMALIZED_COVERAGE: windows[i] !== 0 ? reads[i]! / windows[i]! / meanReadsPerWindow : 0,
          ERROR_BAR_WIDTH: windows[i] !== 0 ? Math.sqrt(reads[i]!) / windows[i]! / meanReadsPerWindow : 0,
          SAMPLE: null,
          LIBRARY: null,
          READ_GROUP: null,
        });
      }
      let atDropout = 0;
      let gcDropout = 0;
      for (let i = 0; i < BINS; i++) {
        const difference = (windows[i]! / totalWindows - reads[i]! / totalReads) * 100;
        if (difference > 0) {
          if (i <= 50) atDropout += difference;
          else gcDropout += difference;
        }
      }
      const row: Row = {
        ACCUMULATION_LEVEL: 'All Reads',
        READS_USED: 'ALL',
        WINDOW_SIZE: WINDOW,
        TOTAL_CLUSTERS: this.totalClusters,
        ALIGNED_READS: this.alignedReads,
        AT_DROPOUT: atDropout,
        GC_DROPOUT: gcDropout,
        SAMPLE: null,
        LIBRARY: null,
        READ_GROUP: null,
      };
      for (const [low, high] of BANDS) {
        let sum = 0;
        let weight = 0;
        for (let i = low; i <= high; i++) {
          if (windows[i] === 0) continue;
          sum += reads[i]!;
          weight += windows[i]!;
        }
        row[`GC_NC_${low}_${high}`] = weight === 0 ? 0 : sum / (weight * meanReadsPerWindow);
      }
      summary.push(row);
    }
    const program = `CollectGcBiasMetrics SCAN_WINDOW_SIZE=${WINDOW} MINIMUM_GENOME_FRACTION=1.0E-5 IS_BISULFITE_SEQUENCED=false METRIC_ACCUMULATION_LEVEL=[${this.levels.join(', ')}] ALSO_IGNORE_DUPLICATES=false`;
    return [
      {
        picardSuffix: DETAIL_PICARD_SUFFIX,
        picardProgram: program,
        metricsClass: 'picard.analysis.GcBiasDetailMetrics',
        table: { columns: DETAIL_COLUMNS, rows: detail },
        picardOmitsEmptyTable: true,
        rikerSuffix: DETAIL_RIKER_SUFFIX,
      },
      {
        picardSuffix: SUMMARY_PICARD_SUFFIX,
        picardProgram: program,
        metricsClass: 'picard.analysis.GcBiasSummaryMetrics',
        table: { columns: SUMMARY_COLUMNS, rows: summary },
        picardOmitsEmptyTable: true,
        rikerSuffix: SUMMARY_RIKER_SUFFIX,
      },
    ];
  }
}

/** QualityUtil.getPhredScoreFromErrorProbability, rounded and cast to int as Picard does (−∞ and NaN give 0). */
function phred(errorRate: number): number {
  const q = Math.round(-10 * Math.log10(errorRate));
  return Number.isFinite(q) ? q : 0;
}

export const GCBIAS_OPTIONS = [ACCUMULATION_LEVEL_OPTION] as const satisfies readonly CollectorOption[];

export const gcbiasCollector: CollectorFactory<GcBiasPartial> = {
  name: 'gcbias',
  report: gcbiasReport,
  needsReference: true,
  options: GCBIAS_OPTIONS,
  docs: [
    {
      title: 'GC bias detail: reference windows, reads and normalized coverage for each GC percentage 0-100.',
      rikerSuffix: DETAIL_RIKER_SUFFIX,
      picardSuffix: DETAIL_PICARD_SUFFIX,
      columns: DETAIL_COLUMNS,
    },
    {
      title: 'GC bias summary: AT and GC dropout, and normalized coverage by GC band.',
      rikerSuffix: SUMMARY_RIKER_SUFFIX,
      picardSuffix: SUMMARY_PICARD_SUFFIX,
      columns: SUMMARY_COLUMNS,
    },
  ],
  usageProblem: ({ options }) => accumulationLevelProblem((options.gcbias as Partial<GcBiasOptions> | undefined)?.accumulationLevel),
  create(context: CollectorContext): Collector<GcBiasPartial> {
    const options = context.options.gcbias as Partial<GcBiasOptions> | undefined;
    const levels = parseAccumulationLevels(options?.accumulationLevel);
    const make = (): GcBiasCollector => new GcBiasCollector(context.header, context.reference, context.region, levels);
    if (levels.length === 1) return make();
    // Picard sets only the level's own column on a unit's rows (GcBiasMetricsCollector.addGcDataToFile).
    return new MultiLevelCollector(levels, context.header, make, {
      tables: 2,
      label: (row, level, labels) => ({
        ...row,
        ACCUMULATION_LEVEL: LEVEL_LABELS[level],
        SAMPLE: level === 'SAMPLE' ? labels[0] : null,
        LIBRARY: level === 'LIBRARY' ? labels[1] : null,
        READ_GROUP: level === 'READ_GROUP' ? labels[2] : null,
      }),
    }) as unknown as Collector<GcBiasPartial>;
  },
};
