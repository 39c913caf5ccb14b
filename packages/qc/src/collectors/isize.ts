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
import { UNIT_COLUMNS } from '../unit-columns.js';
import {
  ACCUMULATION_LEVEL_OPTION,
  accumulationLevelProblem,
  MultiLevelCollector,
  parseAccumulationLevels,
  type LevelsPartial,
} from '../levels.js';
import { Histogram, type HistogramJson } from '../histogram.js';
import { isizeReport } from '../plots/collector-reports.js';

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
  /** Picard METRIC_ACCUMULATION_LEVEL, comma-separated (unset: ALL_READS). */
  accumulationLevel: string | undefined;
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
  ACCUMULATION_LEVEL_OPTION,
] as const satisfies readonly CollectorOption<keyof IsizeOptions>[];

export const ISIZE_DEFAULTS: IsizeOptions = optionDefaults(ISIZE_OPTIONS);

const ORIENTATIONS = ['FR', 'RF', 'TANDEM'] as const;
type Orientation = (typeof ORIENTATIONS)[number];

const WIDTHS = [10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99];

const COLUMNS: Column[] = [
  {
    name: 'MEDIAN_INSERT_SIZE',
    kind: 'double',
    decimals: 2,
    description: 'The median insert size (absolute TLEN) of the pairs of this orientation, over the whole (untrimmed) distribution.',
  },
  {
    name: 'MODE_INSERT_SIZE',
    kind: 'double',
    decimals: 0,
    description: 'The most frequent insert size of the pairs of this orientation, over the whole distribution.',
  },
  {
    name: 'MEDIAN_ABSOLUTE_DEVIATION',
    kind: 'double',
    decimals: 2,
    description:
      'The median absolute deviation of the insert sizes from the median; for a normal distribution the SD is about 1.4826 × MAD.',
  },
  {
    name: 'MIN_INSERT_SIZE',
    kind: 'int',
    description: 'The smallest insert size seen; usually 1 and likely an artefact.',
  },
  {
    name: 'MAX_INSERT_SIZE',
    kind: 'int',
    description: 'The largest insert size seen; usually very high, an artefact or a structural rearrangement.',
  },
  {
    name: 'MEAN_INSERT_SIZE',
    kind: 'double',
    decimals: 2,
    description:
      'The mean insert size of the core of the distribution: pairs with insert sizes up to MEDIAN + DEVIATIONS × MAD (default 10), to leave out outliers.',
  },
  {
    name: 'STANDARD_DEVIATION',
    kind: 'double',
    decimals: 2,
    description: 'The standard deviation of the insert sizes over the same core of the distribution as MEAN_INSERT_SIZE.',
  },
  {
    name: 'READ_PAIRS',
    kind: 'int',
    description: 'The number of read pairs of this orientation counted, over the whole distribution.',
  },
  {
    name: 'PAIR_ORIENTATION',
    kind: 'text',
    description:
      'The pair orientation of the row (FR, RF or TANDEM); an orientation is reported when it holds at least MINIMUM_PCT (--min-frac) of all pairs.',
  },
  // riker's layout has no WIDTH_OF_* columns (RIKER_ORDER).
  ...WIDTHS.map((w): Column => ({
    name: `WIDTH_OF_${w}_PERCENT`,
    kind: 'int',
    riker: null,
    description: `The width of the narrowest window of insert sizes centred on the median that holds at least ${w}% of the pairs (Picard layout only).`,
  })),
  ...UNIT_COLUMNS,
];

/** The histogram's key column, in both layouts. */
const HISTOGRAM_KEY_COLUMN: Column & { riker: string } = {
  name: 'insert_size',
  kind: 'int',
  riker: 'insert_size',
  description: 'The insert size (absolute TLEN) of the row.',
};

/** The histogram's count column of each orientation: Picard `All_Reads.fr_count`, riker `fr_count`. */
const HISTOGRAM_COUNT_COLUMNS: Record<Orientation, Column & { riker: string }> = {
  FR: histogramCountColumn('FR'),
  RF: histogramCountColumn('RF'),
  TANDEM: histogramCountColumn('TANDEM'),
};

function histogramCountColumn(orientation: Orientation): Column & { riker: string } {
  const name = `${orientation.toLowerCase()}_count`;
  return {
    name: `All_Reads.${name}`,
    kind: 'int',
    riker: name,
    description: `The number of ${orientation} pairs with this insert size; present when ${orientation} pairs pass MINIMUM_PCT, counted up to MEDIAN + DEVIATIONS × MAD.`,
  };
}

/** Every column the histogram can have, for collect-docs. */
const HISTOGRAM_COLUMNS: Column[] = [HISTOGRAM_KEY_COLUMN, ...ORIENTATIONS.map((orientation) => HISTOGRAM_COUNT_COLUMNS[orientation])];

const PICARD_SUFFIX = '.insert_size_metrics';
const RIKER_SUFFIX = '.isize-metrics.txt';
const RIKER_HISTOGRAM_SUFFIX = '.isize-histogram.txt';

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
        picardSuffix: PICARD_SUFFIX,
        metricsClass: 'picard.analysis.InsertSizeMetrics',
        picardProgram: `CollectInsertSizeMetrics DEVIATIONS=${this.options.deviations} MINIMUM_PCT=${this.options.minimumPct} INCLUDE_DUPLICATES=${this.options.includeDuplicates}`,
        table: { columns: COLUMNS, rows, rikerOrder: RIKER_ORDER },
        histogram:
          columns.length === 0
            ? undefined
            : {
                keyType: 'java.lang.Integer',
                columns: [HISTOGRAM_KEY_COLUMN.name, ...columns.map((k) => HISTOGRAM_COUNT_COLUMNS[k.orientation].name)],
                rikerColumns: [HISTOGRAM_KEY_COLUMN.riker, ...columns.map((k) => HISTOGRAM_COUNT_COLUMNS[k.orientation].riker)],
                rows: keys.map((key) => [key, ...columns.map((k) => k.histogram.get(key) ?? 0)]),
              },
        rikerSuffix: RIKER_SUFFIX,
        rikerHistogramSuffix: RIKER_HISTOGRAM_SUFFIX,
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

export const isizeCollector: CollectorFactory<IsizePartial | LevelsPartial> = {
  name: 'isize',
  report: isizeReport,
  needsReference: false,
  options: ISIZE_OPTIONS,
  docs: [
    {
      title: 'Insert size metrics: one row per pair orientation (FR, RF, TANDEM) holding at least MINIMUM_PCT of the pairs.',
      rikerSuffix: RIKER_SUFFIX,
      picardSuffix: PICARD_SUFFIX,
      columns: COLUMNS,
    },
    {
      title:
        "Insert size histogram: pairs per insert size for each reported orientation (in Picard's layout, the metrics file's histogram).",
      rikerSuffix: RIKER_HISTOGRAM_SUFFIX,
      picardSuffix: PICARD_SUFFIX,
      columns: HISTOGRAM_COLUMNS,
    },
  ],
  usageProblem: ({ options }) => accumulationLevelProblem((options.isize as Partial<IsizeOptions> | undefined)?.accumulationLevel),
  create(context: CollectorContext) {
    const options = { ...ISIZE_DEFAULTS, ...(context.options.isize as Partial<IsizeOptions> | undefined) };
    const levels = parseAccumulationLevels(options.accumulationLevel);
    const make = (): IsizeCollector => new IsizeCollector(options);
    return levels.length === 1 ? make() : new MultiLevelCollector(levels, context.header, make, { histogram: 'unitColumns' });
  },
};
