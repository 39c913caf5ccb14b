/**
 * Each collector's plots and key numbers (CollectorFactory.report), read off its finished outputs: the same rows and
 * histograms the metric files are written from, so a plot cannot disagree with its file. Column names are Picard's.
 */
import { histogramRows, tableRows, type MetricsOutput, type Row } from '../collector.js';
import type { ChartSpec, PointColumns, Series } from './svg.js';
import type { CollectorReport, KeyNumber, Plot } from './types.js';

// --- reading outputs ------------------------------------------------------------------------------------------------

function output(outputs: MetricsOutput[], picardSuffix: string): MetricsOutput | undefined {
  return outputs.find((o) => o.picardSuffix === picardSuffix && o.only !== 'picard');
}

function rows(outputs: MetricsOutput[], picardSuffix: string): Row[] {
  const table = output(outputs, picardSuffix)?.table;
  return table === undefined ? [] : tableRows(table);
}

/** Columns of a columnar table by Picard name (a long read's cycles), or of its rows. */
function tableColumns(outputs: MetricsOutput[], picardSuffix: string, names: string[]): ArrayLike<number>[] {
  const table = output(outputs, picardSuffix)?.table;
  if (table?.columnar !== undefined) return names.map((name) => table.columnar!.values[name] ?? []);
  const all = table?.rows ?? [];
  return names.map((name) => all.map((row) => num(row, name)));
}

function num(row: Row | undefined, column: string): number {
  const value = row?.[column];
  return typeof value === 'number' ? value : Number.NaN;
}

/** A histogram's value column by its Picard name, as [key, value] pairs. */
function histogramColumn(out: MetricsOutput | undefined, column: string): [number, number][] {
  const histogram = out?.histogram;
  if (histogram === undefined) return [];
  const index = histogram.columns.indexOf(column);
  if (index < 0) return [];
  return histogramRows(histogram).map((r) => [r[0]!, r[index]!]);
}

/** A histogram's value column beside its keys, by column (a long read's million cycles need no array per key). */
function histogramPoints(out: MetricsOutput | undefined, column: string): PointColumns {
  const histogram = out?.histogram;
  const index = histogram?.columns.indexOf(column) ?? -1;
  if (histogram === undefined || index < 0) return { xs: [], ys: [] };
  if (histogram.columnar !== undefined) return { xs: histogram.columnar.columns[0]!, ys: histogram.columnar.columns[index]! };
  return { xs: histogram.rows.map((r) => r[0]!), ys: histogram.rows.map((r) => r[index]!) };
}

// --- printing numbers -----------------------------------------------------------------------------------------------

export function percent(fraction: number, decimals = 2): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(decimals)}%` : '–';
}

export function count(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function decimal(value: number, decimals = 2): string {
  return Number.isFinite(value) ? value.toFixed(decimals) : '–';
}

/** A rate as "1 in N" beside its percentage, the form a reader compares with a sequencer's spec sheet. */
function rate(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value === 0) return '0';
  return `${percent(value, 3)} (1 in ${count(1 / value)})`;
}

function key(label: string, value: string, hint: string): KeyNumber {
  return { label, value, hint };
}

/** The smallest key at which the cumulative count reaches `quantile` of the total (x-axis cut for long tails). */
function quantileKey(points: [number, number][], quantile: number): number {
  const total = points.reduce((sum, [, v]) => sum + v, 0);
  let running = 0;
  for (const [k, v] of points) {
    running += v;
    if (running >= total * quantile) return k;
  }
  return points.at(-1)?.[0] ?? 0;
}

// --- the collectors -------------------------------------------------------------------------------------------------

const ALIGNMENT_RATES: [string, string][] = [
  ['PCT_PF_READS_ALIGNED', 'aligned'],
  ['PCT_READS_ALIGNED_IN_PAIRS', 'aligned in pairs'],
  ['PCT_PF_READS_IMPROPER_PAIRS', 'improper pairs'],
  ['PCT_CHIMERAS', 'chimeric'],
  ['PCT_ADAPTER', 'adapter'],
  ['PCT_SOFTCLIP', 'soft-clipped bases'],
];

export const alignmentReport: CollectorReport = {
  title: 'Alignment summary',
  about:
    'How many reads passed filter and aligned, how many pairs aligned as proper pairs, and how often reads are chimeric, clipped or mismatch the reference: Picard CollectAlignmentSummaryMetrics, a row per read category (first of pair, second of pair, pair; or unpaired).',
  keyNumbers(outputs) {
    const table = rows(outputs, '.alignment_summary_metrics');
    const row = table.find((r) => r.CATEGORY === 'PAIR') ?? table.find((r) => r.CATEGORY === 'UNPAIRED') ?? table[0];
    if (row === undefined) return [];
    const paired = row.CATEGORY === 'PAIR';
    return [
      key('Reads', count(num(row, 'TOTAL_READS')), 'TOTAL_READS: every primary read in the input.'),
      key(
        'Aligned (of PF reads)',
        percent(num(row, 'PCT_PF_READS_ALIGNED')),
        'PCT_PF_READS_ALIGNED: expect well over 90% for a matched reference.',
      ),
      ...(paired
        ? [key('Aligned in pairs', percent(num(row, 'PCT_READS_ALIGNED_IN_PAIRS')), 'PCT_READS_ALIGNED_IN_PAIRS: both mates aligned.')]
        : []),
      key('Chimeric', percent(num(row, 'PCT_CHIMERAS')), 'PCT_CHIMERAS: pairs or reads aligned to two places; a few percent is usual.'),
      key('Mismatch rate', rate(num(row, 'PF_MISMATCH_RATE')), 'PF_MISMATCH_RATE: mismatched aligned bases over aligned bases.'),
      key('Mean read length', decimal(num(row, 'MEAN_READ_LENGTH'), 1), 'MEAN_READ_LENGTH, in bases.'),
    ];
  },
  plots(outputs) {
    const table = rows(outputs, '.alignment_summary_metrics');
    if (table.length === 0) return [];
    const categories = ALIGNMENT_RATES.map(([, label]) => label);
    const series: Series[] = table.map((row) => ({
      name: String(row.CATEGORY).toLowerCase().replace(/_/g, ' '),
      kind: 'bars',
      points: ALIGNMENT_RATES.map(([column], i) => [i, num(row, column)]),
    }));
    return [
      {
        spec: {
          id: 'alignment.rates',
          title: 'Reads aligned, paired, chimeric and clipped, by read category',
          x: { label: 'Measure', categories },
          y: { label: 'Percent of reads (clipping: of bases)', format: 'percent', min: 0 },
          series,
        },
        caption:
          'Each group is one measure, each bar a read category of the alignment summary (PCT_PF_READS_ALIGNED, PCT_READS_ALIGNED_IN_PAIRS, PCT_PF_READS_IMPROPER_PAIRS, PCT_CHIMERAS, PCT_ADAPTER, PCT_SOFTCLIP). The first two should be high, the rest low.',
      },
    ];
  },
};

export const basicReport: CollectorReport = {
  title: 'Base composition and quality',
  about:
    'Base content and mean base quality at each sequencing cycle, and the distribution of base qualities: Picard CollectBaseDistributionByCycle, MeanQualityByCycle and QualityScoreDistribution, over passing-filter reads.',
  keyNumbers(outputs) {
    const qualities = histogramColumn(output(outputs, '.quality_distribution_metrics'), 'COUNT_OF_Q');
    const total = qualities.reduce((sum, [, n]) => sum + n, 0);
    const sum = qualities.reduce((acc, [q, n]) => acc + q * n, 0);
    const q30 = qualities.filter(([q]) => q >= 30).reduce((acc, [, n]) => acc + n, 0);
    const byCycle = histogramPoints(output(outputs, '.quality_by_cycle_metrics'), 'MEAN_QUALITY').xs;
    const [pctN] = tableColumns(outputs, '.base_distribution_by_cycle_metrics', ['PCT_N']);
    let sumN = 0;
    for (let i = 0; i < pctN!.length; i++) sumN += pctN![i]!;
    const meanN = sumN / Math.max(1, pctN!.length) / 100;
    return [
      key('Bases', count(total), 'Sum of COUNT_OF_Q: every base of the passing-filter reads.'),
      key('Mean base quality', decimal(sum / total, 1), 'From the quality distribution (Phred).'),
      key('Bases ≥ Q30', percent(q30 / total), 'Share of bases with quality 30 or more: 1 error in 1,000 or better.'),
      key('Cycles', count(byCycle.length), 'Cycles in the mean-quality table (read 2 continues after read 1).'),
      key('N bases', percent(meanN, 3), 'Mean PCT_N over cycles: bases the sequencer could not call.'),
    ];
  },
  plots(outputs) {
    const plots: Plot[] = [];
    const bases = ['A', 'C', 'G', 'T', 'N'] as const;
    const [cycles, ...shares] = tableColumns(outputs, '.base_distribution_by_cycle_metrics', ['CYCLE', ...bases.map((b) => `PCT_${b}`)]);
    if (cycles!.length > 0) {
      plots.push({
        spec: {
          id: 'basic.base-content',
          title: 'Base content by cycle',
          x: { label: 'Cycle (read 2 continues after read 1)' },
          y: { label: 'Percent of bases', min: 0 },
          // By column: a long read has a million cycles. Picard's CYCLE of read 2 already continues after read 1's last.
          series: bases.map((base, i): Series => ({ name: base, kind: 'line', thin: 'mean', points: { xs: cycles!, ys: shares[i]! } })),
        },
        caption:
          'PCT_A, PCT_C, PCT_G, PCT_T and PCT_N at each cycle (past two cycles per pixel, their mean). Flat, roughly parallel lines are expected; a jump at the start is usual for random priming, a drift at the end or a rise in N points at the chemistry. Where few reads reach (the late cycles of long reads) the lines get noisy.',
      });
    }
    const byCycle = histogramPoints(output(outputs, '.quality_by_cycle_metrics'), 'MEAN_QUALITY');
    if (byCycle.xs.length > 0)
      plots.push({
        spec: {
          id: 'basic.quality-by-cycle',
          title: 'Mean base quality by cycle',
          x: { label: 'Cycle (read 2 continues after read 1)' },
          y: { label: 'Mean base quality (Phred)', min: 0 },
          series: [{ name: 'mean quality', kind: 'line', thin: 'mean', points: byCycle }],
        },
        caption: "MEAN_QUALITY at each cycle. Quality usually falls towards a read's end; a dip in the middle marks a bad cycle.",
      });
    const qualities = histogramColumn(output(outputs, '.quality_distribution_metrics'), 'COUNT_OF_Q');
    if (qualities.length > 0)
      plots.push({
        spec: {
          id: 'basic.quality-distribution',
          title: 'Base quality distribution',
          x: { label: 'Base quality (Phred)' },
          y: { label: 'Bases', format: 'count' },
          series: [{ name: 'bases', kind: 'bars', points: qualities }],
        },
        caption: 'COUNT_OF_Q: how many bases have each quality. Most bases should sit at Q30 and above.',
      });
    return plots;
  },
};

export const isizeReport: CollectorReport = {
  title: 'Insert size',
  about:
    "The distribution of insert sizes (template lengths) of properly oriented pairs, per pair orientation (FR: inward, the usual library; RF: outward, mate-pair libraries; TANDEM): Picard CollectInsertSizeMetrics. Orientations with fewer than 5% of the pairs are left out, as Picard's MINIMUM_PCT does.",
  keyNumbers(outputs) {
    const table = rows(outputs, '.insert_size_metrics');
    const main = [...table].sort((a, b) => num(b, 'READ_PAIRS') - num(a, 'READ_PAIRS'))[0];
    if (main === undefined) return [key('Read pairs', '0', 'No pair had an insert size to count.')];
    return [
      key(`Read pairs (${String(main.PAIR_ORIENTATION)})`, count(num(main, 'READ_PAIRS')), 'READ_PAIRS of the main orientation.'),
      key('Median insert size', count(num(main, 'MEDIAN_INSERT_SIZE')), 'MEDIAN_INSERT_SIZE, in bases.'),
      key(
        'Median absolute deviation',
        count(num(main, 'MEDIAN_ABSOLUTE_DEVIATION')),
        'MEDIAN_ABSOLUTE_DEVIATION: the spread, robust to outliers.',
      ),
      key(
        'Mean ± SD',
        `${decimal(num(main, 'MEAN_INSERT_SIZE'), 1)} ± ${decimal(num(main, 'STANDARD_DEVIATION'), 1)}`,
        'MEAN_INSERT_SIZE and STANDARD_DEVIATION (of the trimmed distribution).',
      ),
      ...table
        .filter((r) => r !== main)
        .map((r) =>
          key(
            `Read pairs (${String(r.PAIR_ORIENTATION)})`,
            count(num(r, 'READ_PAIRS')),
            'Another orientation above 5% of pairs: unusual for a paired-end library.',
          ),
        ),
    ];
  },
  plots(outputs) {
    const out = output(outputs, '.insert_size_metrics');
    const histogram = out?.histogram;
    if (histogram === undefined || histogram.rows.length === 0) return [];
    const columns = histogram.columns.slice(1).filter((c): c is string => c !== null);
    const all = histogram.rows.map((r): [number, number] => [r[0]!, r.slice(1).reduce((a, b) => a + b, 0)]);
    const cut = quantileKey(all, 0.995);
    const last = Math.ceil(cut * 1.05);
    // The histogram holds only sizes seen: every size up to the cut gets its count, 0 when none (a gap is not a plateau).
    const counts = (column: string): [number, number][] => {
      const index = histogram.columns.indexOf(column);
      const bySize = new Map(histogram.rows.map((r) => [r[0]!, r[index]!]));
      const first = Math.max(0, histogram.rows[0]![0]! - 1);
      return Array.from({ length: Math.max(0, last - first + 1) }, (_, i): [number, number] => [first + i, bySize.get(first + i) ?? 0]);
    };
    return [
      {
        spec: {
          id: 'isize.insert-size',
          title: 'Insert size distribution',
          x: { label: 'Insert size (bases)', min: 0, max: Math.max(10, last) },
          y: { label: 'Read pairs', format: 'count' },
          series: columns.map((column) => ({
            name: column
              .replace(/^All_Reads\./, '')
              .replace(/_count$/, '')
              .toUpperCase(),
            kind: 'step',
            points: counts(column),
          })),
        },
        caption: `Read pairs at each insert size, one line per orientation; the axis stops at the 99.5th percentile of all pairs (${count(cut)} bases), so a long tail of chimeric pairs does not squash the peak. A single smooth peak is expected.`,
      },
    ];
  },
};

export const gcbiasReport: CollectorReport = {
  title: 'GC bias',
  about:
    'Coverage by the GC content of 100-base reference windows: how many reads start in windows of each GC percentage, relative to the number of such windows in the genome (1 = even coverage). Picard CollectGcBiasMetrics.',
  keyNumbers(outputs) {
    const summary = rows(outputs, '.gc_bias.summary_metrics')[0];
    if (summary === undefined) return [key('Aligned reads', '0', 'No aligned reads: no GC bias to measure.')];
    return [
      key('Aligned reads', count(num(summary, 'ALIGNED_READS')), 'ALIGNED_READS used for the GC bias.'),
      key(
        'AT dropout',
        decimal(num(summary, 'AT_DROPOUT')),
        'AT_DROPOUT: % of reads missing from AT-rich windows (GC ≤ 50); under ~5 is good.',
      ),
      key('GC dropout', decimal(num(summary, 'GC_DROPOUT')), 'GC_DROPOUT: % of reads missing from GC-rich windows (GC > 50).'),
      key('Coverage at 0-19% GC', decimal(num(summary, 'GC_NC_0_19')), 'GC_NC_0_19: normalised coverage of AT-rich windows (1 = even).'),
      key('Coverage at 80-100% GC', decimal(num(summary, 'GC_NC_80_100')), 'GC_NC_80_100: normalised coverage of GC-rich windows.'),
    ];
  },
  plots(outputs) {
    const detail = rows(outputs, '.gc_bias.detail_metrics');
    if (detail.length === 0) return [];
    const totalWindows = detail.reduce((sum, r) => sum + num(r, 'WINDOWS'), 0);
    const covered = detail.filter((r) => num(r, 'WINDOWS') > 0);
    return [
      {
        spec: {
          id: 'gcbias.coverage',
          title: 'Normalised coverage by GC content',
          x: { label: 'GC content of the 100-base window (%)', min: 0, max: 100 },
          y: { label: 'Normalised coverage (1 = mean)', min: 0 },
          y2: { label: 'Reference windows', format: 'percent', min: 0 },
          reference: { y: 1, label: 'even coverage' },
          series: [
            {
              name: 'windows in the genome',
              kind: 'bars',
              axis: 'right',
              points: detail.map((r): [number, number] => [num(r, 'GC'), num(r, 'WINDOWS') / totalWindows]),
            },
            {
              name: 'normalised coverage',
              kind: 'points',
              points: covered.map((r): [number, number] => [num(r, 'GC'), num(r, 'NORMALIZED_COVERAGE')]),
              errors: covered.map((r) => num(r, 'ERROR_BAR_WIDTH')),
            },
          ],
        },
        caption:
          "NORMALIZED_COVERAGE at each GC percentage, with ERROR_BAR_WIDTH (from the bin's read count), over the share of the genome's windows at that GC (bars, right axis). Points near the dashed line at 1 mean even coverage; a fall at either end is AT or GC dropout. Points over few windows are noisy.",
      },
      {
        spec: {
          id: 'gcbias.base-quality',
          title: 'Base quality of reads by GC content',
          x: { label: 'GC content of the 100-base window (%)', min: 0, max: 100 },
          y: { label: 'Phred of the error rate', min: 0 },
          series: [
            {
              name: 'error-rate quality',
              kind: 'points',
              points: detail
                .filter((r) => num(r, 'READ_STARTS') > 0)
                .map((r): [number, number] => [num(r, 'GC'), num(r, 'MEAN_BASE_QUALITY')]),
            },
          ],
        },
        caption:
          "MEAN_BASE_QUALITY: despite Picard's name, the Phred-scaled rate of mismatched, inserted and deleted bases of the reads starting in windows of each GC (30 = 1 error in 1,000); bins without reads are not drawn.",
      },
    ];
  },
};

/** A depth histogram as a plot: share of the territory at each depth (bars) and at or above it (line, right axis). */
function coveragePlot(id: string, title: string, points: [number, number][], territory: string, caption: string): Plot | undefined {
  const total = points.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return undefined;
  const cut = Math.max(5, quantileKey(points, 0.995));
  const shown = points.filter(([depth]) => depth <= cut);
  let above = total;
  const cumulative: [number, number][] = [];
  for (const [depth, n] of points) {
    if (depth > cut) break;
    cumulative.push([depth, above / total]);
    above -= n;
  }
  const spec: ChartSpec = {
    id,
    title,
    x: { label: 'Depth (reads covering a base)', min: 0 },
    y: { label: `Share of ${territory} at this depth`, format: 'percent', min: 0 },
    y2: { label: `Share at this depth or more`, format: 'percent', min: 0, max: 1 },
    series: [
      { name: 'at this depth', kind: 'bars', points: shown.map(([d, n]) => [d, n / total]) },
      { name: 'at this depth or more', kind: 'line', axis: 'right', points: cumulative },
    ],
  };
  return { spec, caption: `${caption} The axis stops at the 99.5th percentile of depth (${count(cut)}).` };
}

export const wgsReport: CollectorReport = {
  title: 'Whole-genome coverage',
  about:
    'Depth of coverage over the genome (bases with N in the reference excluded), counting bases of quality ≥ 20 from reads of mapping quality ≥ 20 that are not duplicates, with overlapping mates counted once: Picard CollectWgsMetrics.',
  keyNumbers(outputs) {
    const row = rows(outputs, '.wgs_metrics')[0];
    if (row === undefined) return [];
    return [
      key('Genome territory', count(num(row, 'GENOME_TERRITORY')), 'GENOME_TERRITORY: non-N reference bases.'),
      key('Mean coverage', decimal(num(row, 'MEAN_COVERAGE')), 'MEAN_COVERAGE after the filters.'),
      key('Median coverage', count(num(row, 'MEDIAN_COVERAGE')), 'MEDIAN_COVERAGE.'),
      key('Bases ≥ 10x', percent(num(row, 'PCT_10X')), 'PCT_10X.'),
      key('Bases ≥ 30x', percent(num(row, 'PCT_30X')), 'PCT_30X: the usual target for a human genome.'),
      key(
        'Excluded bases',
        percent(num(row, 'PCT_EXC_TOTAL')),
        'PCT_EXC_TOTAL: aligned bases filtered out (duplicates, low quality, overlap, cap).',
      ),
      key(
        'Fold-80 penalty',
        decimal(num(row, 'FOLD_80_BASE_PENALTY')),
        'FOLD_80_BASE_PENALTY: extra sequencing for 80% of bases to reach the mean; 1 is perfectly even.',
      ),
    ];
  },
  plots(outputs) {
    const points = histogramColumn(output(outputs, '.wgs_metrics'), 'high_quality_coverage_count');
    const plot = coveragePlot(
      'wgs.coverage',
      'Genome coverage',
      points,
      'the genome',
      'Bars: the share of the genome territory at each depth (high_quality_coverage_count); line: the share at that depth or more, as PCT_xX reads it.',
    );
    return plot === undefined ? [] : [plot];
  },
};

export const hybcapReport: CollectorReport = {
  title: 'Hybrid selection (targets and baits)',
  about:
    'How well a capture kit pulled down its targets: bases on and near the baits, depth over the targets, and what it would cost to sequence deeper: Picard CollectHsMetrics.',
  keyNumbers(outputs) {
    const row = rows(outputs, '.hs_metrics')[0];
    if (row === undefined) return [];
    return [
      key('Selected bases', percent(num(row, 'PCT_SELECTED_BASES')), 'PCT_SELECTED_BASES: aligned bases on or near a bait.'),
      key('Off bait', percent(num(row, 'PCT_OFF_BAIT')), 'PCT_OFF_BAIT: aligned bases far from every bait.'),
      key('Mean target coverage', decimal(num(row, 'MEAN_TARGET_COVERAGE')), 'MEAN_TARGET_COVERAGE after the filters.'),
      key('Targets ≥ 30x', percent(num(row, 'PCT_TARGET_BASES_30X')), 'PCT_TARGET_BASES_30X: target bases at 30x or more.'),
      key('Fold-80 penalty', decimal(num(row, 'FOLD_80_BASE_PENALTY')), 'FOLD_80_BASE_PENALTY: evenness over the targets; 1 is perfect.'),
      key('Targets without coverage', percent(num(row, 'ZERO_CVG_TARGETS_PCT')), 'ZERO_CVG_TARGETS_PCT.'),
      key('Library size', count(num(row, 'HS_LIBRARY_SIZE')), 'HS_LIBRARY_SIZE: distinct fragments estimated from duplicates.'),
    ];
  },
  plots(outputs) {
    const points = histogramColumn(output(outputs, '.hs_metrics'), 'high_quality_coverage_count');
    const plot = coveragePlot(
      'hybcap.target-coverage',
      'Target coverage',
      points,
      'target bases',
      'Bars: the share of target bases at each depth (high_quality_coverage_count); line: the share at that depth or more, as PCT_TARGET_BASES_xX reads it.',
    );
    return plot === undefined ? [] : [plot];
  },
};

/** A covariate printed as Java prints it: a number when every value of the stratifier is one. */
function numericCovariates(values: string[]): number[] | undefined {
  const numbers = values.map(Number);
  return values.every((v) => v !== '' && v !== 'null' && Number.isFinite(Number(v))) ? numbers : undefined;
}

const STRATIFIER_LABELS: Record<string, string> = {
  base_quality: 'Base quality (Phred)',
  mapping_quality: 'Mapping quality',
  cycle: 'Cycle (1-based, in sequencing order)',
  binned_cycle: 'Cycle bin',
  insert_length: 'Insert length (bases)',
  gc: 'GC content of the read (fraction)',
  homopolymer: 'Homopolymer length before the base',
  mismatches_in_read: 'Mismatches in the read',
  read_ordinality: 'Read of the pair',
};

/** The error collector's riker tables: mismatch rate by each stratifier (and read by the mate for `read_ordinality_and_*`). */
function errorPlots(outputs: MetricsOutput[]): Plot[] {
  const mismatches = outputs.find((o) => o.rikerSuffix === '.error-mismatch.txt' && o.only === 'riker')?.table?.rows ?? [];
  const byStratifier = new Map<string, Row[]>();
  for (const row of mismatches) {
    const name = String(row.STRATIFIER);
    if (name === 'all') continue;
    let list = byStratifier.get(name);
    if (list === undefined) byStratifier.set(name, (list = []));
    list.push(row);
  }
  const plots: Plot[] = [];
  const rateOf = (row: Row): number => num(row, 'ERROR_BASES') / num(row, 'TOTAL_BASES');
  for (const [stratifier, strata] of byStratifier) {
    const label = STRATIFIER_LABELS[stratifier] ?? stratifier.replace(/_/g, ' ');
    const title = `Mismatch rate by ${stratifier.replace(/_/g, ' ')}`;
    const id = `error.${stratifier.replace(/_/g, '-')}`;
    const y = { label: 'Mismatch rate (errors / bases)', format: 'percent' as const, min: 0 };
    const context = /context|dinuc|ref_base/.test(stratifier)
      ? ' Where the reference has an N (contexts with N, or null past a contig end) every base is a mismatch: such strata show rates near 100%.'
      : '';
    const caption = `ERROR_BASES / TOTAL_BASES of the error_by_${stratifier} table (known variant sites excluded). Strata with few bases are noisy.${context}`;
    const parts = strata.map((row) => String(row.COVARIATE).split(','));
    if (parts.every((p) => p.length === 1)) {
      const values = parts.map((p) => p[0]!);
      const numbers = numericCovariates(values);
      if (numbers !== undefined && new Set(numbers).size > 3) {
        plots.push({
          spec: {
            id,
            title,
            x: { label },
            y,
            series: [{ name: 'mismatch rate', kind: 'line', points: strata.map((r, i) => [numbers[i]!, rateOf(r)]) }],
          },
          caption,
        });
      } else {
        plots.push({
          spec: {
            id,
            title,
            x: { label, categories: values },
            y,
            series: [{ name: 'mismatch rate', kind: 'bars', points: strata.map((r, i) => [i, rateOf(r)]) }],
          },
          caption,
        });
      }
    } else if (stratifier.startsWith('read_ordinality_and_') && parts.every((p) => p.length === 2)) {
      // One line per read of the pair when the second stratifier is numeric (cycle, GC); others are tables only.
      const numbers = numericCovariates(parts.map((p) => p[1]!));
      if (numbers === undefined) continue;
      const reads = [...new Set(parts.map((p) => p[0]!))];
      plots.push({
        spec: {
          id,
          title,
          x: { label: STRATIFIER_LABELS[stratifier.slice('read_ordinality_and_'.length)] ?? stratifier },
          y,
          series: reads.map((read) => ({
            name: `${read.toLowerCase()} read`,
            kind: 'line',
            points: strata.flatMap((r, i): [number, number][] => (parts[i]![0] === read ? [[numbers[i]!, rateOf(r)]] : [])),
          })),
        },
        caption: `${caption} One line per read of the pair.`,
      });
    }
  }
  return plots;
}

export const errorReport: CollectorReport = {
  title: 'Sequencing errors',
  about:
    'Mismatch, insertion and deletion rates against the reference, away from known variant sites, by the stratifiers asked for (cycle, base quality, read of the pair, context…): Picard CollectSamErrorMetrics. Bases of quality < 20 and reads of mapping quality < 20 are left out.',
  keyNumbers(outputs) {
    const find = (suffix: string): Row | undefined =>
      outputs.find((o) => o.rikerSuffix === suffix && o.only === 'riker')?.table?.rows.find((r) => r.STRATIFIER === 'all');
    const mismatch = find('.error-mismatch.txt');
    const indel = find('.error-indel.txt');
    const overlap = find('.error-overlap.txt');
    const numbers: KeyNumber[] = [];
    if (mismatch !== undefined) {
      numbers.push(key('Bases', count(num(mismatch, 'TOTAL_BASES')), 'TOTAL_BASES of error_by_all.'));
      numbers.push(
        key(
          'Mismatch rate',
          rate(num(mismatch, 'ERROR_BASES') / num(mismatch, 'TOTAL_BASES')),
          'ERROR_BASES / TOTAL_BASES; Q_SCORE is its Phred.',
        ),
      );
    }
    if (indel !== undefined) {
      numbers.push(
        key(
          'Insertion rate',
          rate(num(indel, 'NUM_INSERTIONS') / num(indel, 'TOTAL_BASES')),
          'NUM_INSERTIONS / TOTAL_BASES of indel_error_by_all.',
        ),
      );
      numbers.push(key('Deletion rate', rate(num(indel, 'NUM_DELETIONS') / num(indel, 'TOTAL_BASES')), 'NUM_DELETIONS / TOTAL_BASES.'));
    }
    if (overlap !== undefined && num(overlap, 'NUM_BASES_WITH_OVERLAPPING_READS') > 0)
      numbers.push(
        key(
          'Disagree with ref and mate',
          rate(num(overlap, 'NUM_DISAGREES_WITH_REF_AND_MATE') / num(overlap, 'NUM_BASES_WITH_OVERLAPPING_READS')),
          'Of the bases where mates overlap, those unlike both the reference and the mate: sequencing errors, not variants.',
        ),
      );
    return numbers;
  },
  plots: errorPlots,
};
