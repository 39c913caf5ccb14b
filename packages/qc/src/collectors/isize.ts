/**
 * Insert size (Picard CollectInsertSizeMetrics, riker `isize`).
 *
 * Picard: one observation per pair, from the second-of-pair record: paired, both ends mapped,
 * not secondary or supplementary, not duplicate (unless included), TLEN ≠ 0; size |TLEN|;
 * orientation from SamPairUtil.getPairOrientation. QC-fail reads are NOT filtered (riker filters
 * them: `excludeQcFail`). An orientation is reported when it holds ≥ minimumPct of all pairs.
 * MEDIAN, MODE, MAD, MIN, MAX and the WIDTH_OF_x_PERCENT columns come from the whole histogram;
 * MEAN and SD from the histogram trimmed to keys ≤ (int)(MEDIAN + DEVIATIONS × MAD), which is also
 * the histogram written.
 */
import { Flag, type BamRecordView } from '@shoal/hts';
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
import { Histogram, type HistogramJson } from '../histogram.js';

// hts's flag bits as module constants: the tests per record below compare with a plain number
// instead of reading a property of an imported object each time (measured on the alignment
// collector: those reads cost ~5%).
const FLAG_PAIRED = Flag.Paired;
const FLAG_REVERSE = Flag.Reverse;
const FLAG_MATE_REVERSE = Flag.MateReverse;
const FLAG_QC_FAIL = Flag.QcFail;
const FLAG_DUPLICATE = Flag.Duplicate;
/** Picard counts a pair once, at its second read, and only primary alignments. */
const SKIPPED_FLAGS = Flag.Unmapped | Flag.MateUnmapped | Flag.FirstOfPair | Flag.Secondary | Flag.Supplementary;

export interface IsizeOptions {
  /** Picard INCLUDE_DUPLICATES. */
  includeDuplicates: boolean;
  /** Picard MINIMUM_PCT (a fraction, despite the name; riker --min-frac). */
  minimumPct: number;
  /** Picard DEVIATIONS. */
  deviations: number;
  /** riker's rule: drop QC-fail reads (Picard keeps them). */
  excludeQcFail: boolean;
}

/** riker's flags, Picard's defaults. */
export const ISIZE_OPTIONS = [
  {
    key: 'includeDuplicates',
    flag: 'include-duplicates',
    description: 'count duplicate pairs too (Picard INCLUDE_DUPLICATES)',
    type: 'boolean',
    defaultValue: false,
  },
  {
    key: 'minimumPct',
    flag: 'min-frac',
    description: 'report an orientation holding at least this fraction of pairs (Picard MINIMUM_PCT)',
    type: 'number',
    defaultValue: 0.05,
    min: 0,
    max: 1,
  },
  {
    key: 'deviations',
    flag: 'deviations',
    description: 'trim to MEDIAN + DEVIATIONS x MAD for the mean and SD (Picard DEVIATIONS)',
    type: 'number',
    defaultValue: 10,
    min: 0,
    max: Number.POSITIVE_INFINITY,
  },
  {
    key: 'excludeQcFail',
    flag: 'exclude-qc-fail',
    description: "riker's rule: drop QC-fail reads (Picard keeps them)",
    type: 'boolean',
    defaultValue: false,
  },
] as const satisfies readonly CollectorOption<keyof IsizeOptions>[];

export const ISIZE_DEFAULTS: IsizeOptions = optionDefaults(ISIZE_OPTIONS);

const ORIENTATIONS = ['FR', 'RF', 'TANDEM'] as const;
type Orientation = (typeof ORIENTATIONS)[number];

const WIDTHS = [10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99];

const COLUMNS: Column[] = [
  { name: 'MEDIAN_INSERT_SIZE', kind: 'double', decimals: 2 },
  { name: 'MODE_INSERT_SIZE', kind: 'double', decimals: 0 },
  { name: 'MEDIAN_ABSOLUTE_DEVIATION', kind: 'double', decimals: 2 },
  { name: 'MIN_INSERT_SIZE', kind: 'int' },
  { name: 'MAX_INSERT_SIZE', kind: 'int' },
  { name: 'MEAN_INSERT_SIZE', kind: 'double', decimals: 2 },
  { name: 'STANDARD_DEVIATION', kind: 'double', decimals: 2 },
  { name: 'READ_PAIRS', kind: 'int' },
  { name: 'PAIR_ORIENTATION', kind: 'text' },
  ...WIDTHS.map((w): Column => ({ name: `WIDTH_OF_${w}_PERCENT`, kind: 'int' })),
  { name: 'SAMPLE', kind: 'text', riker: null },
  { name: 'LIBRARY', kind: 'text', riker: null },
  { name: 'READ_GROUP', kind: 'text', riker: null },
];

/** riker's isize-metrics.txt columns, in its order (no WIDTH_OF_* columns). */
const RIKER_ORDER = [
  'PAIR_ORIENTATION',
  'READ_PAIRS',
  'MEAN_INSERT_SIZE',
  'STANDARD_DEVIATION',
  'MEDIAN_INSERT_SIZE',
  'MEDIAN_ABSOLUTE_DEVIATION',
  'MODE_INSERT_SIZE',
  'MIN_INSERT_SIZE',
  'MAX_INSERT_SIZE',
];

type IsizePartial = Record<Orientation, HistogramJson>;

/** SamPairUtil.getPairOrientation, for a paired record with both ends mapped. */
export function pairOrientation(record: BamRecordView): Orientation {
  const reverse = (record.flag & FLAG_REVERSE) !== 0;
  const mateReverse = (record.flag & FLAG_MATE_REVERSE) !== 0;
  if (reverse === mateReverse) return 'TANDEM';
  // 1-based 5' positions of the forward- and reverse-strand ends.
  const positiveFivePrime = reverse ? record.matePos + 1 : record.pos + 1;
  const negativeFivePrime = reverse ? record.pos + record.referenceLength : record.pos + 1 + record.templateLength;
  return positiveFivePrime < negativeFivePrime ? 'FR' : 'RF';
}

class IsizeCollector implements Collector<IsizePartial> {
  readonly name = 'isize';
  private readonly histograms: Record<Orientation, Histogram> = { FR: new Histogram(), RF: new Histogram(), TANDEM: new Histogram() };

  constructor(private readonly options: IsizeOptions) {}

  accept(record: BamRecordView): void {
    const flag = record.flag;
    // Paired, mapped, mate mapped, second of pair, primary, not (excluded) duplicate.
    if ((flag & FLAG_PAIRED) === 0 || flag & SKIPPED_FLAGS) return;
    if (flag & FLAG_DUPLICATE && !this.options.includeDuplicates) return;
    if (flag & FLAG_QC_FAIL && this.options.excludeQcFail) return;
    const templateLength = record.templateLength;
    if (templateLength === 0) return;
    this.histograms[pairOrientation(record)].increment(Math.abs(templateLength));
  }

  toPartial(): IsizePartial {
    return { FR: this.histograms.FR.toJSON(), RF: this.histograms.RF.toJSON(), TANDEM: this.histograms.TANDEM.toJSON() };
  }

  merge(partial: IsizePartial): void {
    for (const orientation of ORIENTATIONS) this.histograms[orientation].merge(partial[orientation]);
  }

  finish(): MetricsOutput[] {
    let totalInserts = 0;
    for (const orientation of ORIENTATIONS) totalInserts += this.histograms[orientation].count();
    const rows: Row[] = [];
    const kept: { orientation: Orientation; histogram: Histogram }[] = [];
    if (totalInserts > 0) {
      for (const orientation of ORIENTATIONS) {
        const histogram = Histogram.fromJSON(this.histograms[orientation].toJSON());
        const total = histogram.count();
        if (total < totalInserts * this.options.minimumPct) continue;
        const row: Row = {
          PAIR_ORIENTATION: orientation,
          SAMPLE: null,
          LIBRARY: null,
          READ_GROUP: null,
          READ_PAIRS: 0,
          MEDIAN_INSERT_SIZE: 0,
          MODE_INSERT_SIZE: 0,
          MEDIAN_ABSOLUTE_DEVIATION: 0,
          MIN_INSERT_SIZE: 0,
          MAX_INSERT_SIZE: 0,
          MEAN_INSERT_SIZE: 0,
          STANDARD_DEVIATION: 0,
        };
        for (const w of WIDTHS) row[`WIDTH_OF_${w}_PERCENT`] = 0;
        if (!histogram.isEmpty) {
          row.READ_PAIRS = total;
          row.MAX_INSERT_SIZE = histogram.max();
          row.MIN_INSERT_SIZE = histogram.min();
          const median = histogram.median();
          row.MEDIAN_INSERT_SIZE = median;
          row.MODE_INSERT_SIZE = histogram.mode();
          row.MEDIAN_ABSOLUTE_DEVIATION = histogram.medianAbsoluteDeviation();
          const widths = widthsAroundMedian(histogram.bins(), median, total);
          WIDTHS.forEach((w, i) => (row[`WIDTH_OF_${w}_PERCENT`] = widths[i]!));
        }
        histogram.trimByWidth(
          Math.trunc((row.MEDIAN_INSERT_SIZE as number) + this.options.deviations * (row.MEDIAN_ABSOLUTE_DEVIATION as number)),
        );
        if (!histogram.isEmpty) {
          row.MEAN_INSERT_SIZE = histogram.mean();
          row.STANDARD_DEVIATION = histogram.standardDeviation();
        }
        rows.push(row);
        kept.push({ orientation, histogram });
      }
    }
    // An orientation without pairs keeps its row of zeros at MINIMUM_PCT=0, but its empty histogram is no column:
    // htsjdk writes only histograms with bins (Picard 2.27.5, checked on a BAM without tandem pairs).
    const columns = kept.filter((k) => !k.histogram.isEmpty);
    const keys = [...new Set(columns.flatMap((k) => k.histogram.keys()))].sort((a, b) => a - b);
    return [
      {
        picardSuffix: '.insert_size_metrics',
        metricsClass: 'picard.analysis.InsertSizeMetrics',
        picardProgram: `CollectInsertSizeMetrics DEVIATIONS=${this.options.deviations} MINIMUM_PCT=${this.options.minimumPct} INCLUDE_DUPLICATES=${this.options.includeDuplicates}`,
        table: { columns: COLUMNS, rows, rikerOrder: RIKER_ORDER },
        histogram:
          columns.length === 0
            ? undefined
            : {
                keyType: 'java.lang.Integer',
                columns: ['insert_size', ...columns.map((k) => `All_Reads.${k.orientation.toLowerCase()}_count`)],
                rikerColumns: ['insert_size', ...columns.map((k) => `${k.orientation.toLowerCase()}_count`)],
                rows: keys.map((key) => [key, ...columns.map((k) => k.histogram.get(key) ?? 0)]),
              },
        rikerSuffix: '.isize-metrics.txt',
        rikerHistogramSuffix: '.isize-histogram.txt',
      },
    ];
  }
}

/**
 * WIDTH_OF_x_PERCENT for each of WIDTHS: Picard widens a window symmetrically around the median one
 * key each side per step (step k covers keys trunc(median) ± k, width 2k + 1) and records the first
 * width whose coverage reaches x% of `total`. Stepping one key at a time costs the largest insert
 * size (a chimeric pair: 250 Mbp on a human genome); coverage changes only at steps where a key
 * is, so this visits the bins instead, sorted by step, and gives the same widths.
 */
export function widthsAroundMedian(bins: readonly [number, number][], median: number, total: number): number[] {
  const centre = Math.trunc(median);
  const steps = bins.map(([key, count]): [number, number] => [Math.abs(key - centre), count]).sort((a, b) => a[0] - b[0]);
  const widths = WIDTHS.map(() => 0);
  let covered = 0;
  for (let i = 0; i < steps.length;) {
    const step = steps[i]![0];
    for (; i < steps.length && steps[i]![0] === step; i++) covered += steps[i]![1];
    const fraction = covered / total;
    WIDTHS.forEach((w, j) => {
      if (widths[j] === 0 && fraction >= w / 100) widths[j] = 2 * step + 1;
    });
    if (widths[widths.length - 1] !== 0) break;
  }
  return widths;
}

export const isizeCollector: CollectorFactory<IsizePartial> = {
  name: 'isize',
  needsReference: false,
  options: ISIZE_OPTIONS,
  create(context: CollectorContext) {
    return new IsizeCollector({ ...ISIZE_DEFAULTS, ...(context.options.isize as Partial<IsizeOptions> | undefined) });
  },
};
