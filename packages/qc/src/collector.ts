/**
 * One small interface for every metric family (riker's Collector, made mergeable): a collector
 * is created from the header and options, accepts records, merges another instance's state,
 * serialises its partial state, and finishes into metric tables. Because merge(partial) gives
 * exactly the one-pass result, the same collector runs data-parallel on every engine thread, in
 * several processes (`--partial`, then collect-merge), or on several machines.
 */
import type { BamHeader, BamRecordView } from '@shoal/hts';
import type { CollectorReport } from './plots/types.js';

export type ColumnKind = 'int' | 'double' | 'text';

export interface Column {
  /** Picard's column name (upper case). */
  name: string;
  kind: ColumnKind;
  /** riker's column name (default: lower case of `name`, PCT_ → frac_); null: not in riker's layout. */
  riker?: string | null;
  /** riker's fixed decimals for doubles (default 6). */
  decimals?: number;
  /** false: only in riker's layout (riker's own form of a Picard column, e.g. a fraction for a percentage). */
  picard?: boolean;
  /** What the column holds, for collect-docs (Picard's metric definition, in a sentence or two). */
  description?: string;
}

/**
 * One output file of a collector as collect-docs describes it: its names in both layouts and its columns, which must
 * be the very Column arrays the collector writes with, so that the docs cannot drift from the files.
 */
export interface DocumentedOutput {
  /** What the file holds, in a line. */
  title: string;
  /** riker layout suffix (`.isize-metrics.txt`; null: riker's layout has no such file), Picard's (`.insert_size_metrics`). */
  rikerSuffix: string | null;
  picardSuffix: string;
  columns: readonly Column[];
}

export type Row = Record<string, unknown>;

/**
 * A table held by column, one array of numbers per int or double column (by Picard name): for tables of a million rows
 * (the cycles of a long read), where an object per row cost most of a run's time and memory.
 */
export interface ColumnarRows {
  length: number;
  values: Record<string, ArrayLike<number>>;
}

export interface MetricsTable {
  columns: Column[];
  /** The rows as objects; empty when `columnar` holds them. */
  rows: Row[];
  columnar?: ColumnarRows;
  /** riker's columns (Picard names), in riker's order, when it differs from Picard's. */
  rikerOrder?: string[];
  /** Rows after `rows` in Picard's layout only: per sample, library and read group (METRIC_ACCUMULATION_LEVEL). */
  picardOnlyRows?: Row[];
}

export interface HistogramTable {
  /** Picard's key type line (`## HISTOGRAM\tjava.lang.Integer`). */
  keyType: string;
  /** Column names as Picard writes them (first: the key); null: not in Picard's layout. */
  columns: (string | null)[];
  /** riker's column names, same order; null: not in riker's layout. */
  rikerColumns: (string | null)[];
  /** riker's fixed decimals per column (undefined: printed as is). */
  rikerDecimals?: (number | undefined)[];
  /** The rows, key first; empty when `columnar` holds them. */
  rows: number[][];
  /** The rows by column (same order as `columns`), for histograms of a million keys (a long read's cycles). */
  columnar?: { length: number; columns: ArrayLike<number>[] };
}

/** A table's rows as objects, however it holds them (for readers of a few rows, and tests). */
export function tableRows(table: MetricsTable): Row[] {
  const columnar = table.columnar;
  if (columnar === undefined) return table.rows;
  const names = Object.keys(columnar.values);
  const rows: Row[] = [];
  for (let i = 0; i < columnar.length; i++) {
    const row: Row = {};
    for (const name of names) row[name] = columnar.values[name]![i];
    rows.push(row);
  }
  return rows;
}

/** A histogram's rows as arrays, however it holds them. */
export function histogramRows(histogram: HistogramTable): number[][] {
  const columnar = histogram.columnar;
  if (columnar === undefined) return histogram.rows;
  const rows: number[][] = [];
  for (let i = 0; i < columnar.length; i++) rows.push(columnar.columns.map((column) => column[i]!));
  return rows;
}

/** One output of a collector: a Picard metrics file, and the riker TSV(s) for the same numbers. */
export interface MetricsOutput {
  /** Picard file suffix (CollectMultipleMetrics' names, e.g. `.insert_size_metrics`). */
  picardSuffix: string;
  /** The Picard program and default arguments for the header comment. */
  picardProgram: string;
  /** Picard's metrics class line (`## METRICS CLASS\t…`) and table; absent for histogram-only programs (MeanQualityByCycle). */
  metricsClass?: string;
  table?: MetricsTable;
  histogram?: HistogramTable;
  /**
   * riker file suffixes: the table's file (for a histogram-only output, the histogram's), and the
   * histogram's own file when there is both a table and a histogram.
   */
  rikerSuffix: string;
  rikerHistogramSuffix?: string;
  /**
   * Picard's layout's histogram when it differs from `histogram` (METRIC_ACCUMULATION_LEVEL adds a column per sample,
   * library and read group; riker's layout keeps the all-reads histogram).
   */
  picardHistogram?: HistogramTable;
  /** Written in this layout only (CollectSamErrorMetrics writes a file per directive, riker one per calculator). */
  only?: 'riker' | 'picard';
  /** Picard writes no `## METRICS CLASS` section at all when the table has no rows (CollectGcBiasMetrics without aligned reads). */
  picardOmitsEmptyTable?: boolean;
  /**
   * A plain TSV instead of a metrics file (CollectHsMetrics' PER_TARGET_COVERAGE and PER_BASE_COVERAGE): its text in
   * pieces, made while the file is written, so that a file of millions of lines is never one string.
   */
  lines?: (layout: 'riker' | 'picard', sample: string) => Iterable<string>;
}

/** The part of the genome one run counts (`--region`): [start, end) of one contig; refId -1 for `*` (unplaced reads only). */
export interface CollectorRegion {
  refId: number;
  start: number;
  end: number;
}

export interface CollectorContext {
  header: BamHeader;
  /** Tool options as parsed, by tool and key (`--isize::min-frac` → options.isize.minimumPct); unset ones take the declared default. */
  options: Record<string, unknown>;
  /** The reference FASTA (`-r`), for collectors that need or use one; each collector opens its own reader. */
  reference?: string;
  /**
   * The region this run reads through the index, when it reads one: coverage collectors count only its loci and give a
   * read's filter counts to the region holding its start, so disjoint regions' partial states merge into the whole.
   */
  region?: CollectorRegion;
  /** The input's name, for error messages. */
  input?: string;
}

export interface Collector<Partial = unknown> {
  /** The tool name (`isize`, `basic`, `alignment`). */
  readonly name: string;
  accept(record: BamRecordView): void;
  /**
   * Called once after this instance's last record (not on an instance that only merges others' states): coverage
   * collectors count the loci no read reached here.
   */
  end?(): void;
  /**
   * Called once on the instance that holds a run's whole state (after its reading, or after merging its threads'
   * states), before toPartial() or finish(), with the reference at hand: counts what does not depend on the reads
   * (gcbias: the reference's windows) for the run's region, or the whole genome.
   */
  complete?(): void;
  /**
   * On a unit's collector of METRIC_ACCUMULATION_LEVEL (levels.ts), before complete(): takes from the collector over all
   * reads, of the same kind, what does not depend on the reads (gcbias: the reference's windows), so it is counted once.
   */
  shareRunState?(all: Collector): void;
  /** A structured-clonable, JSON-safe snapshot of what has been counted. */
  toPartial(): Partial;
  merge(partial: Partial): void;
  finish(): MetricsOutput[];
}

/**
 * One option of a collector, declared beside the collector: the collector takes its default from
 * here, and the collect-* tools offer it as a flag (`--min-frac`; in collect-multi
 * `--isize::min-frac`) described by the same text.
 */
export type CollectorOption<Key extends string = string> = {
  /** Key in the collector's options (`minimumPct`). */
  readonly key: Key;
  /** The flag without dashes, as riker names it (`min-frac`). */
  readonly flag: string;
  readonly description: string;
  /** Offered by collect-multi only (`--error::reference`; a standalone tool has the common flag of that name). */
  readonly multiOnly?: boolean;
} & (
  | {
      readonly type: 'number';
      readonly defaultValue: number;
      /** The accepted values (a flag outside them is a usage error); `integer` for whole numbers. */
      readonly min: number;
      readonly max: number;
      readonly integer?: boolean;
    }
  /** A switch: off unless the flag is given. */
  | { readonly type: 'boolean'; readonly defaultValue: false }
  /** A file or a name (`--targets FILE`): unset unless given; `argument` names it in the help. */
  | { readonly type: 'string'; readonly defaultValue: undefined; readonly argument: string }
);

/** The options' values when no flag is given, by key. */
export type OptionDefaults<Options extends readonly CollectorOption[]> = {
  -readonly [Option in Options[number] as Option['key']]: Option['type'] extends 'number'
    ? number
    : Option['type'] extends 'string'
      ? string | undefined
      : boolean;
};

export function optionDefaults<Options extends readonly CollectorOption[]>(options: Options): OptionDefaults<Options> {
  return Object.fromEntries(options.map((option) => [option.key, option.defaultValue])) as OptionDefaults<Options>;
}

export interface CollectorFactory<Partial = unknown> {
  readonly name: string;
  /** Whether the collector needs the reference FASTA (a usage error before reading when missing). */
  readonly needsReference: boolean;
  /**
   * Needs every record, in coordinate order, in one instance (per-locus depth): such a collector cannot take the engine's
   * data-parallel path, so a run that includes one reads on one thread (regions in parallel are collect-merge's way).
   */
  readonly ordered?: boolean;
  /** The options the command line offers, in the order its help lists them. */
  readonly options: readonly CollectorOption[];
  /** Every file the collector writes, with every column (collect-docs). */
  readonly docs?: readonly DocumentedOutput[];
  /**
   * What is wrong with a run's options before any reading (a missing required file, a flag the run's mode cannot
   * honour), as a usage error's message; undefined when nothing is.
   */
  /** Plots and key numbers from the finished outputs (SVG files beside the metrics; collect-multi's report). */
  readonly report?: CollectorReport;
  usageProblem?(run: { options: Record<string, unknown>; reference?: string; partial: boolean; region: boolean }): string | undefined;
  create(context: CollectorContext): Collector<Partial>;
}
