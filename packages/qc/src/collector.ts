/**
 * One small interface for every metric family (riker's Collector, made mergeable): a collector
 * is created from the header and options, accepts records, merges another instance's state,
 * serialises its partial state, and finishes into metric tables. Because merge(partial) gives
 * exactly the one-pass result, the same collector runs data-parallel on every engine thread, in
 * several processes (`--partial`, then collect-merge), or on several machines.
 */
import type { BamHeader, BamRecordView } from '@shoal/hts';

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
}

export type Row = Record<string, unknown>;

export interface MetricsTable {
  columns: Column[];
  rows: Row[];
  /** riker's columns (Picard names), in riker's order, when it differs from Picard's. */
  rikerOrder?: string[];
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
  rows: number[][];
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
}

export interface CollectorContext {
  header: BamHeader;
  /** Tool options as parsed (`--isize::min-frac` → options.isize.minFrac). */
  options: Record<string, unknown>;
  /** The reference FASTA (`-r`), for collectors that need or use one; each collector opens its own reader. */
  reference?: string;
}

export interface Collector<Partial = unknown> {
  /** The tool name (`isize`, `basic`, `alignment`). */
  readonly name: string;
  accept(record: BamRecordView): void;
  /** A structured-clonable, JSON-safe snapshot of what has been counted. */
  toPartial(): Partial;
  merge(partial: Partial): void;
  finish(): MetricsOutput[];
}

export interface CollectorFactory<Partial = unknown> {
  readonly name: string;
  /** Whether the collector needs the reference FASTA (a usage error before reading when missing). */
  readonly needsReference: boolean;
  create(context: CollectorContext): Collector<Partial>;
}
