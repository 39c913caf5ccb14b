/**
 * Base composition and mean quality by cycle, and the quality score distribution (Picard
 * CollectBaseDistributionByCycle, MeanQualityByCycle and QualityScoreDistribution; riker `basic`),
 * in one pass over per-cycle typed arrays that grow with the longest read.
 *
 * Picard 2.27.5 (picard/analysis/CollectBaseDistributionByCycle.java, MeanQualityByCycle.java with
 * HistogramGenerator.java, QualityScoreDistribution.java), defaults:
 *  - every record counts except secondary and supplementary ones: QC-fail reads are kept
 *    (PF_READS_ONLY=false), unmapped reads are kept (ALIGNED_READS_ONLY=false), duplicates are kept;
 *  - the cycle of base i of a read of length L is i + 1, or L − i on the reverse strand (so cycles
 *    follow the sequencer); read end 2 is paired + second-of-pair, everything else is read end 1;
 *  - base distribution: A/C/G/T (any case) or N for every other code; PCT_x = 100 × count / bases
 *    at the cycle (percentages, despite Picard's note); read-end-2 rows are numbered after the last
 *    read-end-1 cycle with bases (CYCLE = i + that cycle);
 *  - mean quality: sum of Phred / bases at the cycle; a read-end-1 cycle is written only when its
 *    quality sum is > 0 (a cycle of all-Q0 bases is left out), a read-end-2 cycle when it has bases,
 *    numbered after the last read-end-1 cycle written; records without qualities ('*') add nothing;
 *  - quality distribution: one count per base with a quality, no-calls (N) left out
 *    (INCLUDE_NO_CALLS=false);
 *  - original qualities: when a record has an OQ:Z tag, MEAN_ORIGINAL_QUALITY and COUNT_OF_OQ are
 *    counted the same way (OQ's own length for cycles) and written as second histogram columns when
 *    any were seen (htsjdk writes the union of keys, 0 where a histogram has no bin).
 *
 * riker layout (riker src/commands/basic.rs), where riker deliberately differs from Picard:
 *  - base distribution as fractions (frac_a … frac_n, 5 decimals) and `cycle` counted within each
 *    read end (read end 2 starts again at 1); the Picard layout keeps PCT_* and Picard's cycles;
 *  - mean_quality with 2 decimals, frac_bases (count / all counted bases, 5 decimals) added to the
 *    quality distribution; no OQ columns (riker has none);
 *  - riker drops QC-fail reads; here that is `excludeQcFail` (Picard's PF_READS_ONLY), off by default
 *    so both layouts hold Picard's numbers. Mean-quality cycles use Picard's rule in both layouts
 *    (riker numbers read end 2 after the longest read end 1, the same cycle for ordinary data).
 */
import { Flag, type BamRecordView } from '@shoal/hts';
import {
  optionDefaults,
  type Collector,
  type CollectorContext,
  type CollectorFactory,
  type CollectorOption,
  type Column,
  type ColumnarRows,
  type HistogramTable,
  type MetricsOutput,
} from '../collector.js';
import { NO_CALL_MASK } from '../base-masks.js';
import { rikerColumnName } from '../metrics-file.js';
import { basicReport } from '../plots/collector-reports.js';

// hts's flag bits as module constants: the tests per record below compare with a plain number
// instead of reading a property of an imported object each time (measured on the alignment
// collector: those reads cost ~5%).
const FLAG_UNMAPPED = Flag.Unmapped;
const FLAG_REVERSE = Flag.Reverse;
const FLAG_QC_FAIL = Flag.QcFail;
/** Picard reads primary alignments only. */
const SECONDARY_OR_SUPPLEMENTARY = Flag.Secondary | Flag.Supplementary;
/** Read end 2: paired and second of pair (Picard's getReadPairedFlag() && getSecondOfPairFlag()). */
const READ_END_2 = Flag.Paired | Flag.SecondOfPair;

export interface BasicOptions {
  /** Picard PF_READS_ONLY (riker's rule: QC-fail reads dropped). */
  excludeQcFail: boolean;
  /** Picard ALIGNED_READS_ONLY. */
  alignedReadsOnly: boolean;
  /** Picard QualityScoreDistribution INCLUDE_NO_CALLS. */
  includeNoCalls: boolean;
}

/** riker's flags, Picard's defaults. */
export const BASIC_OPTIONS = [
  {
    key: 'excludeQcFail',
    flag: 'exclude-qc-fail',
    description: "drop QC-fail reads (Picard PF_READS_ONLY; riker's rule)",
    type: 'boolean',
    defaultValue: false,
  },
  {
    key: 'alignedReadsOnly',
    flag: 'aligned-reads-only',
    description: 'count aligned reads only (Picard ALIGNED_READS_ONLY)',
    type: 'boolean',
    defaultValue: false,
  },
  {
    key: 'includeNoCalls',
    flag: 'include-no-calls',
    description: 'count N bases in the quality distribution (Picard INCLUDE_NO_CALLS)',
    type: 'boolean',
    defaultValue: false,
  },
] as const satisfies readonly CollectorOption<keyof BasicOptions>[];

export const BASIC_DEFAULTS: BasicOptions = optionDefaults(BASIC_OPTIONS);

/** BAM 4-bit base code (SAM spec §4.2.3, `=ACMGRSVTWYHKDBN`) → A 0, C 1, G 2, T 3, anything else 4 (Picard's baseToInt). */
const BASE_INDEX = Uint8Array.from([4, 0, 1, 4, 2, 4, 4, 4, 3, 4, 4, 4, 4, 4, 4, 4]);
/** The code of N, the only no-call a BAM sequence can hold (htsjdk SequenceUtil.isNoCall: N, n, '.'). */
const NO_CALL_CODE = NO_CALL_MASK; // a module constant: the hot loops compare with a local number
const BASES = ['A', 'C', 'G', 'T', 'N'] as const;
/** OQ:Z holds FASTQ-style qualities (Phred + 33). */
const PHRED_OFFSET = 33;
const TAG_TYPE_Z = 90;

/** The bases of a cycle a PCT_/FRAC_ column counts, for its description. */
function baseWords(base: (typeof BASES)[number]): string {
  return base === 'N' ? 'N or any other code than A, C, G and T' : base;
}

// Descriptions: CollectBaseDistributionByCycle's (Picard 2.27.5 documents none of its columns) and riker's.
const BASE_DISTRIBUTION_COLUMNS: Column[] = [
  { name: 'READ_END', kind: 'int', description: '1 for read 1 and unpaired reads, 2 for read 2 (paired and second of pair).' },
  {
    name: 'CYCLE',
    kind: 'int',
    riker: null,
    description:
      "Sequencing cycle from 1 (a reverse-strand read's counted from its end); read end 2 continues after read end 1's last cycle. Picard's layout only.",
  },
  {
    name: 'READ_CYCLE',
    kind: 'int',
    riker: 'cycle',
    picard: false,
    description: "riker's cycle: from 1 within each read end (read end 2 starts again at 1). riker's layout only.",
  },
  ...BASES.map((base): Column => ({
    name: `PCT_${base}`,
    kind: 'double',
    riker: null,
    description: `Percentage (0 to 100) of the bases at this read end and cycle that are ${baseWords(base)}. Picard's layout only.`,
  })),
  ...BASES.map((base): Column => ({
    name: `FRAC_${base}`,
    kind: 'double',
    decimals: 5,
    picard: false,
    description: `Fraction (0 to 1) of the bases at this read end and cycle that are ${baseWords(base)}: riker's form of PCT_${base}, in riker's layout only.`,
  })),
];

// The histograms' columns (MeanQualityByCycle, QualityScoreDistribution), one Column per possible column: the writers
// below build their tables from these (histogramTable), so the docs name exactly what is written.
const CYCLE: Column = {
  name: 'CYCLE',
  kind: 'int',
  riker: 'cycle',
  description:
    "Sequencing cycle from 1 (a reverse-strand read's counted from its end); read end 2 is numbered after read end 1's last cycle with a quality above 0.",
};
const MEAN_QUALITY: Column = {
  name: 'MEAN_QUALITY',
  kind: 'double',
  riker: 'mean_quality',
  decimals: 2,
  description: 'Mean base quality (Phred) of the bases at this cycle; reads without qualities add nothing.',
};
const MEAN_ORIGINAL_QUALITY: Column = {
  name: 'MEAN_ORIGINAL_QUALITY',
  kind: 'double',
  riker: null,
  decimals: 2,
  description: "Mean original base quality (from the OQ tag) at this cycle; written only when some read has OQ. Picard's layout only.",
};
const MEAN_QUALITY_COLUMNS: Column[] = [CYCLE, MEAN_QUALITY, MEAN_ORIGINAL_QUALITY];

const QUALITY: Column = { name: 'QUALITY', kind: 'int', riker: 'quality', description: 'Base quality score (Phred).' };
const COUNT_OF_Q: Column = {
  name: 'COUNT_OF_Q',
  kind: 'int',
  riker: 'count',
  description: 'Bases with this quality; no-calls (N) left out unless --include-no-calls (Picard INCLUDE_NO_CALLS).',
};
const COUNT_OF_OQ: Column = {
  name: 'COUNT_OF_OQ',
  kind: 'int',
  riker: null,
  description: "Bases with this original quality (from the OQ tag); written only when some read has OQ. Picard's layout only.",
};
const FRAC_BASES: Column = {
  name: 'FRAC_BASES',
  kind: 'double',
  riker: 'frac_bases',
  decimals: 5,
  picard: false,
  description: "Fraction of all counted bases with this quality: COUNT_OF_Q / the sum of COUNT_OF_Q. riker's layout only.",
};
const QUALITY_DISTRIBUTION_COLUMNS: Column[] = [QUALITY, COUNT_OF_Q, COUNT_OF_OQ, FRAC_BASES];

/** A histogram's column lines in both layouts, from its Columns (first: the key): names, riker names, riker decimals. */
function histogramTable(keyType: string, columns: readonly Column[], rows: number[][]): HistogramTable {
  return {
    keyType,
    columns: columns.map((column) => (column.picard === false ? null : column.name)),
    rikerColumns: columns.map((column) => (column.riker === null ? null : rikerColumnName(column))),
    rikerDecimals: columns.map((column) => (column.kind === 'double' ? (column.decimals ?? 6) : undefined)),
    rows,
  };
}

/**
 * Per-cycle sums and counts. From the engine's threads they are Float64Arrays (structured-cloned
 * as one block of memory; a 1 Mbp read makes a million cycles, and lists of numbers took seconds
 * to build and clone); from a --partial file, lists of numbers (writePartial writes typed arrays
 * as lists, so the file is the same).
 */
type Counts = ArrayLike<number>;
interface BasicPartial {
  /** cycle × 5 + base index. */
  baseCounts: [Counts, Counts];
  qualitySums: [Counts, Counts];
  qualityCounts: [Counts, Counts];
  originalQualitySums: [Counts, Counts];
  originalQualityCounts: [Counts, Counts];
  /** Cycle slots each read end uses (its longest read or OQ + 1); absent from partial files of earlier versions. */
  longest?: [number, number];
  /** By Phred score. */
  qualityHistogram: Counts;
  originalQualityHistogram: Counts;
}

type PerEnd = [Float64Array, Float64Array];

function perEnd(length: number): PerEnd {
  return [new Float64Array(length), new Float64Array(length)];
}

function grown(arrays: PerEnd, length: number): PerEnd {
  return arrays.map((array) => {
    const bigger = new Float64Array(length);
    bigger.set(array);
    return bigger;
  }) as PerEnd;
}

/** The bases counted at a cycle (A, C, G, T and N). */
function cycleTotal(counts: Float64Array, cycle: number): number {
  const at = cycle * 5;
  return counts[at]! + counts[at + 1]! + counts[at + 2]! + counts[at + 3]! + counts[at + 4]!;
}

function addInto(target: Float64Array, source: Counts): void {
  for (let i = 0; i < source.length; i++) target[i] += source[i]!;
}

class BasicCollector implements Collector<BasicPartial> {
  readonly name = 'basic';
  /** Slots allocated per cycle array (≥ cycles). */
  private capacity = 0;
  /** Cycle slots in use: longest read (or OQ) + 1, slot 0 never counted (Picard's arrays). */
  private cycles = 0;
  /**
   * Cycle slots used per read end (≤ cycles): finish reads no further. A 1 Mbp read 1 grows read 2's arrays too, and
   * reading their untouched million cycles cost as much in page faults as writing them.
   */
  private readonly longest: [number, number] = [0, 0];
  private baseCounts = perEnd(0);
  private qualitySums = perEnd(0);
  private qualityCounts = perEnd(0);
  /** Made when the first OQ tag is seen: most BAMs have none, and a long read's million cycles made them 32 MB. */
  private hasOriginal = false;
  private originalQualitySums = perEnd(0);
  private originalQualityCounts = perEnd(0);
  private readonly qualityHistogram = new Float64Array(256);
  private readonly originalQualityHistogram = new Float64Array(256);

  constructor(private readonly options: BasicOptions) {}

  private ensureCycles(cycles: number): void {
    if (cycles <= this.cycles) return;
    this.cycles = cycles;
    if (cycles <= this.capacity) return;
    // Grow by half again at least, so reads that lengthen one base at a time copy O(n) overall.
    const capacity = Math.max(cycles, Math.ceil(this.capacity * 1.5));
    this.baseCounts = grown(this.baseCounts, capacity * 5);
    this.qualitySums = grown(this.qualitySums, capacity);
    this.qualityCounts = grown(this.qualityCounts, capacity);
    if (this.hasOriginal) {
      this.originalQualitySums = grown(this.originalQualitySums, capacity);
      this.originalQualityCounts = grown(this.originalQualityCounts, capacity);
    }
    this.capacity = capacity;
  }

  private ensureOriginal(): void {
    if (this.hasOriginal) return;
    this.hasOriginal = true;
    this.originalQualitySums = perEnd(this.capacity);
    this.originalQualityCounts = perEnd(this.capacity);
  }

  accept(record: BamRecordView): void {
    const flag = record.flag;
    if (flag & SECONDARY_OR_SUPPLEMENTARY) return;
    if (flag & FLAG_QC_FAIL && this.options.excludeQcFail) return;
    if (flag & FLAG_UNMAPPED && this.options.alignedReadsOnly) return;
    const end = (flag & READ_END_2) === READ_END_2 ? 1 : 0;
    const reverse = (flag & FLAG_REVERSE) !== 0;
    const length = record.seqLength;
    const bytes = record.bytes;
    const hasQualities = record.hasQualities;
    if (length > 0) {
      this.ensureCycles(length + 1);
      if (length + 1 > this.longest[end]) this.longest[end] = length + 1;
      const seqStart = record.seqStart;
      const bases = this.baseCounts[end];
      // Cycle of base i: i + 1, or length − i on the reverse strand.
      const firstCycle = reverse ? length : 1;
      const step = reverse ? -1 : 1;
      if (hasQualities) {
        const qualStart = record.qualStart;
        const sums = this.qualitySums[end];
        const counts = this.qualityCounts[end];
        const histogram = this.qualityHistogram;
        const includeNoCalls = this.options.includeNoCalls;
        for (let i = 0, cycle = firstCycle; i < length; i++, cycle += step) {
          const packed = bytes[seqStart + (i >> 1)];
          const code = i & 1 ? packed & 15 : packed >> 4;
          const quality = bytes[qualStart + i];
          bases[cycle * 5 + BASE_INDEX[code]]++;
          sums[cycle] += quality;
          counts[cycle]++;
          if (includeNoCalls || code !== NO_CALL_CODE) histogram[quality]++;
        }
      } else {
        for (let i = 0, cycle = firstCycle; i < length; i++, cycle += step) {
          const packed = bytes[seqStart + (i >> 1)];
          bases[cycle * 5 + BASE_INDEX[i & 1 ? packed & 15 : packed >> 4]]++;
        }
      }
    }
    const tag = record.findTag('OQ');
    if (tag >= 0 && bytes[tag + 2] === TAG_TYPE_Z) this.acceptOriginalQualities(record, tag + 3, end, reverse, hasQualities ? length : 0);
  }

  /**
   * htsjdk getOriginalBaseQualities: an empty OQ counts as none. `qualities`: the record's own quality count
   * (QualityScoreDistribution walks those).
   */
  private acceptOriginalQualities(record: BamRecordView, start: number, end: number, reverse: boolean, qualities: number): void {
    const bytes = record.bytes;
    const recordEnd = record.end;
    let stop = start;
    while (stop < recordEnd && bytes[stop] !== 0) stop++;
    const length = stop - start;
    if (length === 0) return;
    this.ensureCycles(length + 1);
    this.ensureOriginal();
    if (length + 1 > this.longest[end]) this.longest[end] = length + 1;
    const sums = this.originalQualitySums[end];
    const counts = this.originalQualityCounts[end];
    for (let i = 0; i < length; i++) {
      const cycle = reverse ? length - i : i + 1;
      sums[cycle] += bytes[start + i] - PHRED_OFFSET;
      counts[cycle]++;
    }
    const seqStart = record.seqStart;
    const histogram = this.originalQualityHistogram;
    const includeNoCalls = this.options.includeNoCalls;
    for (let i = 0; i < qualities && i < length; i++) {
      const packed = bytes[seqStart + (i >> 1)];
      if (includeNoCalls || (i & 1 ? packed & 15 : packed >> 4) !== NO_CALL_CODE) histogram[(bytes[start + i] - PHRED_OFFSET) & 0xff]++;
    }
  }

  /**
   * Views of this collector's arrays, not copies (a long read's million cycles are ~100 MB, and a copy is written to
   * fresh pages): take it when the collector is done accepting, as the engine and --partial do.
   */
  toPartial(): BasicPartial {
    const cycles = this.cycles;
    const take = (arrays: PerEnd, width = 1): PerEnd => [arrays[0].subarray(0, cycles * width), arrays[1].subarray(0, cycles * width)];
    return {
      baseCounts: take(this.baseCounts, 5),
      qualitySums: take(this.qualitySums),
      qualityCounts: take(this.qualityCounts),
      longest: [this.longest[0], this.longest[1]],
      // Empty without OQ tags (merge reads an empty list as none).
      originalQualitySums: this.hasOriginal ? take(this.originalQualitySums) : perEnd(0),
      originalQualityCounts: this.hasOriginal ? take(this.originalQualityCounts) : perEnd(0),
      qualityHistogram: this.qualityHistogram.slice(),
      originalQualityHistogram: this.originalQualityHistogram.slice(),
    };
  }

  /**
   * Adds a partial state in. A partial that holds typed arrays (toPartial's views, or another thread's arrays, used once)
   * and has more cycles than this collector is taken as it is and this collector's counts are added into it: adding a
   * long read's million cycles into fresh zeros cost ~0.3 s of allocation and page faults, and which thread saw the
   * long read is chance.
   */
  merge(partial: BasicPartial): void {
    const cycles = Math.max(partial.baseCounts[0].length / 5, partial.qualitySums[0].length);
    const hasOriginal = partial.originalQualitySums[0].length > 0;
    const longest = partial.longest ?? [cycles, cycles];
    for (const end of [0, 1] as const) this.longest[end] = Math.max(this.longest[end], Math.min(longest[end], cycles));
    if (hasOriginal) this.ensureOriginal();
    const owned = (arrays: [Counts, Counts]): arrays is PerEnd => arrays.every((array) => array instanceof Float64Array);
    const adopt =
      cycles > this.cycles &&
      owned(partial.baseCounts) &&
      owned(partial.qualitySums) &&
      owned(partial.qualityCounts) &&
      (!hasOriginal || (owned(partial.originalQualitySums) && owned(partial.originalQualityCounts)));
    if (adopt) {
      const mine = { cycles: this.cycles, baseCounts: this.baseCounts, qualitySums: this.qualitySums, qualityCounts: this.qualityCounts };
      const [originalSums, originalCounts] = [this.originalQualitySums, this.originalQualityCounts];
      this.baseCounts = partial.baseCounts as PerEnd;
      this.qualitySums = partial.qualitySums as PerEnd;
      this.qualityCounts = partial.qualityCounts as PerEnd;
      this.capacity = this.cycles = cycles;
      // OQ arrays: the partial's when it has them (then this collector's are added in), else this collector's, grown.
      if (hasOriginal) {
        this.originalQualitySums = partial.originalQualitySums as PerEnd;
        this.originalQualityCounts = partial.originalQualityCounts as PerEnd;
      } else if (this.hasOriginal) {
        this.originalQualitySums = grown(originalSums, cycles);
        this.originalQualityCounts = grown(originalCounts, cycles);
      }
      const width = mine.cycles;
      for (const end of [0, 1] as const) {
        addInto(this.baseCounts[end], mine.baseCounts[end].subarray(0, width * 5));
        addInto(this.qualitySums[end], mine.qualitySums[end].subarray(0, width));
        addInto(this.qualityCounts[end], mine.qualityCounts[end].subarray(0, width));
        if (hasOriginal && originalSums[0].length > 0) {
          addInto(this.originalQualitySums[end], originalSums[end].subarray(0, width));
          addInto(this.originalQualityCounts[end], originalCounts[end].subarray(0, width));
        }
      }
    } else {
      this.ensureCycles(cycles);
      for (const end of [0, 1] as const) {
        addInto(this.baseCounts[end], partial.baseCounts[end]);
        addInto(this.qualitySums[end], partial.qualitySums[end]);
        addInto(this.qualityCounts[end], partial.qualityCounts[end]);
        if (hasOriginal) {
          addInto(this.originalQualitySums[end], partial.originalQualitySums[end]);
          addInto(this.originalQualityCounts[end], partial.originalQualityCounts[end]);
        }
      }
    }
    addInto(this.qualityHistogram, partial.qualityHistogram);
    addInto(this.originalQualityHistogram, partial.originalQualityHistogram);
  }

  finish(): MetricsOutput[] {
    const flags = `ALIGNED_READS_ONLY=${this.options.alignedReadsOnly} PF_READS_ONLY=${this.options.excludeQcFail}`;
    return [
      {
        picardSuffix: '.base_distribution_by_cycle_metrics',
        metricsClass: 'picard.analysis.BaseDistributionByCycleMetrics',
        picardProgram: `CollectBaseDistributionByCycle ${flags}`,
        table: { columns: BASE_DISTRIBUTION_COLUMNS, rows: [], columnar: this.baseDistributionRows() },
        rikerSuffix: '.base-distribution-by-cycle.txt',
        // Without a counted base (no reads, or ALIGNED_READS_ONLY on unmapped ones) Picard writes no metrics section.
        picardOmitsEmptyTable: true,
      },
      {
        picardSuffix: '.quality_by_cycle_metrics',
        picardProgram: `MeanQualityByCycle ${flags}`,
        histogram: this.meanQualityHistogram(),
        rikerSuffix: '.mean-quality-by-cycle.txt',
      },
      {
        picardSuffix: '.quality_distribution_metrics',
        picardProgram: `QualityScoreDistribution ${flags} INCLUDE_NO_CALLS=${this.options.includeNoCalls}`,
        histogram: this.qualityDistributionHistogram(),
        rikerSuffix: '.quality-score-distribution.txt',
      },
    ];
  }

  /**
   * CollectBaseDistributionByCycle.addToMetricsFile, by column: a long read makes a million rows, and an object per
   * row (13 boxed numbers each) was most of a run's time and memory.
   */
  private baseDistributionRows(): ColumnarRows {
    let length = 0;
    for (const end of [0, 1] as const)
      for (let cycle = 0; cycle < this.longest[end]; cycle++) if (cycleTotal(this.baseCounts[end], cycle) > 0) length++;
    // Integers in the smallest arrays that hold them: every fresh megabyte costs page faults.
    const readEnd = new Uint8Array(length);
    const cycleColumn = new Int32Array(length);
    const readCycle = new Int32Array(length);
    const pct = BASES.map(() => new Float64Array(length));
    const frac = BASES.map(() => new Float64Array(length));
    const values: Record<string, ArrayLike<number>> = { READ_END: readEnd, CYCLE: cycleColumn, READ_CYCLE: readCycle };
    BASES.forEach((base, i) => {
      values[`PCT_${base}`] = pct[i]!;
      values[`FRAC_${base}`] = frac[i]!;
    });
    let row = 0;
    let firstReadLength = 0;
    for (const end of [0, 1] as const) {
      const counts = this.baseCounts[end];
      for (let cycle = 0; cycle < this.longest[end]; cycle++) {
        const total = cycleTotal(counts, cycle);
        if (total === 0) continue;
        readEnd[row] = end + 1;
        cycleColumn[row] = end === 0 ? cycle : cycle + firstReadLength;
        readCycle[row] = cycle;
        for (let base = 0; base < 5; base++) {
          const count = counts[cycle * 5 + base]!;
          pct[base]![row] = (100 * count) / total;
          frac[base]![row] = count / total;
        }
        if (end === 0) firstReadLength = cycle;
        row++;
      }
    }
    return { length, values };
  }

  /**
   * HistogramGenerator.getMeanQualityHistogram: the mean by cycle (NaN where none), read end 2 after the last read-end-1
   * cycle written. Dense by cycle: a long read's million cycles need no map or sort.
   */
  private meanQualities(sums: PerEnd, counts: PerEnd): Float64Array {
    if (sums[0].length === 0) return new Float64Array(0); // no OQ tags
    const [first, second] = this.longest;
    let firstReadLength = 0;
    for (let cycle = 0; cycle < first; cycle++) if (sums[0][cycle] > 0) firstReadLength = cycle;
    const means = new Float64Array(Math.max(first, firstReadLength + second)).fill(Number.NaN);
    for (let cycle = 0; cycle < first; cycle++) if (sums[0][cycle] > 0) means[cycle] = sums[0][cycle] / counts[0][cycle];
    for (let i = 0; i < second; i++) if (counts[1][i] > 0) means[firstReadLength + i] = sums[1][i] / counts[1][i];
    return means;
  }

  private meanQualityHistogram(): MetricsOutput['histogram'] {
    const quality = this.meanQualities(this.qualitySums, this.qualityCounts);
    const original = this.meanQualities(this.originalQualitySums, this.originalQualityCounts);
    const has = (means: Float64Array): boolean => means.some((mean) => !Number.isNaN(mean));
    // htsjdk writes only non-empty histograms; riker's header stays when there is nothing.
    const histograms = [
      ...(has(quality) || !has(original) ? [{ means: quality, column: MEAN_QUALITY }] : []),
      ...(has(original) ? [{ means: original, column: MEAN_ORIGINAL_QUALITY }] : []),
    ];
    // By column (a long read has a million cycles): the cycles with a mean in either histogram, 0 where one has none.
    const keys = Math.max(quality.length, original.length);
    const meanAt = (means: Float64Array, key: number): number => (key < means.length ? means[key]! : Number.NaN);
    let length = 0;
    for (let key = 0; key < keys; key++) if (!Number.isNaN(meanAt(quality, key)) || !Number.isNaN(meanAt(original, key))) length++;
    const keyColumn = new Int32Array(length);
    const meanColumns = histograms.map(() => new Float64Array(length));
    let row = 0;
    for (let key = 0; key < keys; key++) {
      const q = meanAt(quality, key);
      const o = meanAt(original, key);
      if (Number.isNaN(q) && Number.isNaN(o)) continue;
      keyColumn[row] = key;
      for (let h = 0; h < histograms.length; h++) {
        const mean = histograms[h]!.means === quality ? q : o;
        meanColumns[h]![row] = Number.isNaN(mean) ? 0 : mean;
      }
      row++;
    }
    const columns = [keyColumn, ...meanColumns];
    return { ...histogramTable('java.lang.Integer', [CYCLE, ...histograms.map((h) => h.column)], []), columnar: { length, columns } };
  }

  private qualityDistributionHistogram(): MetricsOutput['histogram'] {
    const quality = this.qualityHistogram;
    const original = this.originalQualityHistogram;
    let total = 0;
    let hasOriginal = false;
    for (let q = 0; q < 256; q++) {
      total += quality[q];
      if (original[q] > 0) hasOriginal = true;
    }
    const rows: number[][] = [];
    for (let q = 0; q < 256; q++) {
      if (quality[q] === 0 && !(hasOriginal && original[q] > 0)) continue;
      rows.push(hasOriginal ? [q, quality[q], original[q], quality[q] / total] : [q, quality[q], quality[q] / total]);
    }
    return histogramTable('java.lang.Byte', [QUALITY, COUNT_OF_Q, ...(hasOriginal ? [COUNT_OF_OQ] : []), FRAC_BASES], rows);
  }
}

export const basicCollector: CollectorFactory<BasicPartial> = {
  name: 'basic',
  report: basicReport,
  needsReference: false,
  options: BASIC_OPTIONS,
  docs: [
    {
      title: 'Base composition by cycle: the share of A, C, G, T and N at each cycle of each read end',
      rikerSuffix: '.base-distribution-by-cycle.txt',
      picardSuffix: '.base_distribution_by_cycle_metrics',
      columns: BASE_DISTRIBUTION_COLUMNS,
    },
    {
      title: 'Mean base quality by cycle (a histogram keyed by cycle)',
      rikerSuffix: '.mean-quality-by-cycle.txt',
      picardSuffix: '.quality_by_cycle_metrics',
      columns: MEAN_QUALITY_COLUMNS,
    },
    {
      title: 'Quality score distribution: bases per base quality (a histogram keyed by quality)',
      rikerSuffix: '.quality-score-distribution.txt',
      picardSuffix: '.quality_distribution_metrics',
      columns: QUALITY_DISTRIBUTION_COLUMNS,
    },
  ],
  create(context: CollectorContext) {
    return new BasicCollector({ ...BASIC_DEFAULTS, ...(context.options.basic as Partial<BasicOptions> | undefined) });
  },
};
