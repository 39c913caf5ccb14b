/**
 * Picard's METRIC_ACCUMULATION_LEVEL (MultiLevelCollector) for any mergeable collector: besides the rows over all
 * reads, rows per sample, per library and per read group, in Picard's order and with its quirks:
 * - levels in the order ALL_READS, SAMPLE, LIBRARY, READ_GROUP; within a level, units in the order the header's
 *   read groups first name them; a unit's rows carry SAMPLE, LIBRARY and READ_GROUP (the read group's PU, not its ID);
 * - a read whose read group is missing from the header, or whose read group has no value for the level's key (no SM,
 *   LB or PU), goes to a unit `unknown` (its columns all `unknown` down to the level), made when such a read first comes;
 * - a key the header's read groups lack (a read group without PU, say) still makes a unit of its own, from the first
 *   such read group, which no read reaches: Picard writes its empty rows (for alignment, an UNPAIRED row of zeros).
 * Two ways to count a unit, by what the collector's state is:
 * - `readGroup` (additive counts: alignment, isize, gcbias): one child collector per read group counts the reads, and a
 *   unit is the merge of its read groups' states (toPartial and merge), so levels cost one more accept per record;
 * - `unit` (per-locus depth, which does not add up across states of the same loci: hybcap): one child collector per
 *   unit, as Picard keeps them, so each record goes to one unit per level.
 */
import { headerLines, type BamHeader, type BamRecordView } from '@shoal/hts';
import type { Collector, HistogramTable, MetricsOutput, Row } from './collector.js';

export const ACCUMULATION_LEVELS = ['ALL_READS', 'SAMPLE', 'LIBRARY', 'READ_GROUP'] as const;
export type AccumulationLevel = (typeof ACCUMULATION_LEVELS)[number];

/** Parses `--accumulation-level` (comma-separated, any case); throws RangeError with a usage message. */
export function parseAccumulationLevels(text: string | undefined): AccumulationLevel[] {
  if (text === undefined) return ['ALL_READS'];
  const levels = new Set<AccumulationLevel>();
  for (const word of text.split(/[\s,]+/).filter((w) => w !== '')) {
    const level = word.toUpperCase() as AccumulationLevel;
    if (!ACCUMULATION_LEVELS.includes(level)) throw new RangeError(`'${word}' is not a level (${ACCUMULATION_LEVELS.join(', ')})`);
    levels.add(level);
  }
  // Picard computes the read-length histogram on all reads only, and writes none without ALL_READS.
  if (!levels.has('ALL_READS')) throw new RangeError('the levels must include ALL_READS (the histograms are over all reads)');
  return ACCUMULATION_LEVELS.filter((level) => levels.has(level));
}

/** The flag of every collector Picard gives METRIC_ACCUMULATION_LEVEL. */
export const ACCUMULATION_LEVEL_OPTION = {
  key: 'accumulationLevel',
  flag: 'accumulation-level',
  description:
    "rows per ALL_READS, SAMPLE, LIBRARY, READ_GROUP (the read group's PU), comma-separated (Picard METRIC_ACCUMULATION_LEVEL; Picard layout)",
  type: 'string',
  defaultValue: undefined,
  argument: 'levels',
} as const;

/** The usage message for a bad --accumulation-level, or undefined. */
export function accumulationLevelProblem(text: string | undefined): string | undefined {
  try {
    parseAccumulationLevels(text);
    return undefined;
  } catch (error) {
    return `--accumulation-level: ${(error as Error).message}`;
  }
}

export type UnitLabels = [sample?: string, library?: string, readGroup?: string];

export interface LevelOptions {
  /** How a unit is counted (see above); default `readGroup`. */
  children?: 'readGroup' | 'unit';
  /** How many of the collector's outputs, from the first, get rows per unit (default 1; gcbias: detail and summary). */
  tables?: number;
  /**
   * What the Picard file's histogram holds: `all` (default) the histogram over all reads (CollectAlignmentSummaryMetrics'
   * read lengths); `unitColumns` each unit's columns after all reads', named by the unit (CollectInsertSizeMetrics:
   * "<unit>.fr_count"); `lastRepeated` the last finished unit's columns once for all reads and once per unit
   * (CollectHsMetrics, whose units share one histogram object, so that every copy holds the sum over all units).
   */
  histogram?: 'all' | 'unitColumns' | 'lastRepeated';
  /** A unit's row as written; default: the row with SAMPLE, LIBRARY and READ_GROUP set from the unit's labels. */
  label?: (row: Row, level: Exclude<AccumulationLevel, 'ALL_READS'>, labels: UnitLabels) => Row;
}

/** Makes a collector: `all` counts every read (and writes a run's side files), `unit` counts one unit's or read group's. */
export type MakeCollector = (role: 'all' | 'unit') => Collector;

interface ReadGroup {
  id: string;
  sample: string | undefined;
  library: string | undefined;
  platformUnit: string | undefined;
}

interface Unit {
  /** The child's key: in `readGroup` mode unused; in `unit` mode the level and the unit's value. */
  key: string;
  labels: UnitLabels;
  /** The read groups (keys of children in `readGroup` mode; NO_READ_GROUP: none known) the unit counts. */
  members: string[];
}

type UnitLevel = Exclude<AccumulationLevel, 'ALL_READS'>;

const UNKNOWN = 'unknown';
/** The child of reads without a known read group. */
const NO_READ_GROUP = '\u0000';

export interface LevelsPartial {
  all: unknown;
  /** Read group id (NO_READ_GROUP: none known), or in `unit` mode a unit's key → that child's state. */
  children: [string, unknown][];
}

export class MultiLevelCollector implements Collector<LevelsPartial> {
  readonly name: string;
  private readonly all: Collector;
  private readonly children = new Map<string, Collector>();
  private readonly readGroups: ReadGroup[];
  private readonly known: Set<string>;
  private readonly mode: 'readGroup' | 'unit';
  private readonly unitLevels: UnitLevel[];
  /** `unit` mode: a read group id (or NO_READ_GROUP) → its unit's key at each level. */
  private readonly unitKeysByGroup = new Map<string, string[]>();

  constructor(
    private readonly levels: AccumulationLevel[],
    header: BamHeader,
    private readonly make: MakeCollector,
    private readonly options: LevelOptions = {},
  ) {
    this.all = make('all');
    this.name = this.all.name;
    this.mode = options.children ?? 'readGroup';
    this.unitLevels = levels.filter((level): level is UnitLevel => level !== 'ALL_READS');
    this.readGroups = headerLines(header.text, 'RG')
      .filter((fields) => fields.ID !== undefined)
      .map((fields) => ({ id: fields.ID!, sample: fields.SM, library: fields.LB, platformUnit: fields.PU }));
    this.known = new Set(this.readGroups.map((group) => group.id));
    if (this.mode === 'unit')
      for (const group of [...this.readGroups, undefined])
        this.unitKeysByGroup.set(
          group?.id ?? NO_READ_GROUP,
          this.unitLevels.map((level) => unitKey(level, group === undefined ? undefined : keyOf(level, group))),
        );
  }

  accept(record: BamRecordView): void {
    this.all.accept(record);
    const group = record.tag('RG');
    const key = typeof group === 'string' && this.known.has(group) ? group : NO_READ_GROUP;
    if (this.mode === 'readGroup') this.child(key).accept(record);
    else for (const unit of this.unitKeysByGroup.get(key)!) this.child(unit).accept(record);
  }

  end(): void {
    this.all.end?.();
    for (const child of this.children.values()) child.end?.();
  }

  complete(): void {
    this.all.complete?.();
  }

  toPartial(): LevelsPartial {
    return { all: this.all.toPartial(), children: [...this.children].map(([key, child]) => [key, child.toPartial()]) };
  }

  merge(partial: LevelsPartial): void {
    this.all.merge(partial.all);
    for (const [key, state] of partial.children) this.child(key).merge(state);
  }

  finish(): MetricsOutput[] {
    // Picard finishes the all-reads unit first, then each level's units in output order (hybcap depends on it).
    const outputs = this.all.finish();
    const tables = outputs.slice(0, this.options.tables ?? 1).filter((output) => output.table !== undefined);
    if (tables.length === 0) return outputs;
    const rows: Row[][] = tables.map(() => []);
    const histograms: { prefix: string; histogram: HistogramTable }[] = [];
    const label =
      this.options.label ??
      ((row: Row, _level: UnitLevel, [sample, library, readGroup]: UnitLabels): Row => ({
        ...row,
        SAMPLE: sample ?? '',
        LIBRARY: library ?? '',
        READ_GROUP: readGroup ?? '',
      }));
    let last: MetricsOutput | undefined;
    for (const level of this.unitLevels) {
      for (const unit of this.units(level)) {
        const unitOutputs = this.unitOutputs(unit);
        tables.forEach((_, t) => {
          for (const row of unitOutputs[t]?.table?.rows ?? []) rows[t]!.push(label(row, level, unit.labels));
        });
        last = unitOutputs[0];
        if (this.options.histogram === 'unitColumns' && last?.histogram !== undefined)
          histograms.push({ prefix: `${unit.labels[unit.labels.length - 1] ?? 'null'}.`, histogram: last.histogram });
      }
    }
    tables.forEach((output, t) => (output.table!.picardOnlyRows = rows[t]));
    const output = outputs[0]!;
    if (output.histogram !== undefined) {
      if (this.options.histogram === 'unitColumns' && histograms.length > 0)
        output.picardHistogram = withUnitColumns(output.histogram, histograms);
      else if (this.options.histogram === 'lastRepeated' && last?.histogram !== undefined)
        output.picardHistogram = repeated(last.histogram, 1 + this.unitLevels.reduce((n, level) => n + this.units(level).length, 0));
    }
    return outputs;
  }

  private child(key: string): Collector {
    let child = this.children.get(key);
    if (child === undefined) this.children.set(key, (child = this.make('unit')));
    return child;
  }

  /** A level's units in Picard's order, each with its labels and the read groups it counts. */
  private units(level: UnitLevel): Unit[] {
    const units = new Map<string | undefined, Unit>();
    const unknownMembers: string[] = this.children.has(this.unknownChild(level, NO_READ_GROUP)) ? [NO_READ_GROUP] : [];
    for (const group of this.readGroups) {
      const value = keyOf(level, group);
      if (!units.has(value))
        units.set(value, {
          // A header unit without the key's value (no PU) is one no read reaches: Picard writes its empty rows.
          key: value === undefined ? `${level}\u0002` : unitKey(level, value),
          labels:
            level === 'SAMPLE'
              ? [group.sample]
              : level === 'LIBRARY'
                ? [group.sample, group.library]
                : [group.sample, group.library, group.platformUnit],
          members: [],
        });
      // A read group without the key's value sends its reads to the unknown unit (Picard's acceptRecord).
      if (value !== undefined) units.get(value)!.members.push(group.id);
      else if (this.children.has(this.unknownChild(level, group.id))) unknownMembers.push(group.id);
    }
    const list = [...units.values()];
    if (unknownMembers.length > 0) {
      const depth = level === 'SAMPLE' ? 1 : level === 'LIBRARY' ? 2 : 3;
      list.push({
        key: unitKey(level, undefined),
        labels: [UNKNOWN, UNKNOWN, UNKNOWN].slice(0, depth) as UnitLabels,
        members: unknownMembers,
      });
    }
    return list;
  }

  /** The child whose presence says that the unknown unit of a level has reads from this read group. */
  private unknownChild(level: UnitLevel, group: string): string {
    return this.mode === 'readGroup' ? group : unitKey(level, undefined);
  }

  /** A unit's outputs: its child finished (`unit` mode), or the merge of its read groups' states, finished. */
  private unitOutputs(unit: Unit): MetricsOutput[] {
    let collector: Collector;
    if (this.mode === 'unit') {
      const child = this.children.get(unit.key);
      if (child !== undefined) collector = child;
      else {
        collector = this.make('unit'); // a unit no read reached: Picard writes its empty rows
        collector.end?.();
      }
    } else {
      collector = this.make('unit');
      for (const member of unit.members) {
        const child = this.children.get(member);
        if (child !== undefined) collector.merge(child.toPartial());
      }
    }
    // What does not depend on the reads (gcbias: the reference's windows) is counted once, for all reads.
    collector.shareRunState?.(this.all);
    collector.complete?.();
    return collector.finish();
  }
}

/** The value a level keys a read group on: SM, LB or PU. */
function keyOf(level: UnitLevel, group: ReadGroup): string | undefined {
  return level === 'SAMPLE' ? group.sample : level === 'LIBRARY' ? group.library : group.platformUnit;
}

/** A unit's child key in `unit` mode (undefined value: the level's unknown unit). */
function unitKey(level: UnitLevel, value: string | undefined): string {
  return value === undefined ? `${level}\u0000` : `${level}\u0001${value}`;
}

/** The histogram's value columns `times` times over (CollectHsMetrics: one copy per unit of one shared histogram). */
function repeated(histogram: HistogramTable, times: number): HistogramTable {
  const kept = histogram.columns.flatMap((name, i) => (i === 0 || name === null ? [] : [i]));
  return {
    keyType: histogram.keyType,
    columns: [histogram.columns[0]!, ...Array.from({ length: times }, () => kept.map((i) => histogram.columns[i]!)).flat()],
    // Picard's layout only: riker's keeps the all-reads histogram.
    rikerColumns: Array.from({ length: 1 + times * kept.length }, () => null),
    rows: histogram.rows.map((row) => [row[0]!, ...Array.from({ length: times }, () => kept.map((i) => row[i]!)).flat()]),
  };
}

/** The all-reads histogram with each unit's columns after it (renamed from All_Reads.), rows over every key. */
function withUnitColumns(all: HistogramTable, units: { prefix: string; histogram: HistogramTable }[]): HistogramTable {
  const columns = [...all.columns];
  const byKey = new Map<number, number[]>();
  const tables = [{ prefix: undefined as string | undefined, histogram: all }, ...units];
  let width = 0;
  for (const { prefix, histogram } of tables) {
    const kept = histogram.columns.flatMap((name, i) => (i === 0 || name === null ? [] : [i]));
    if (prefix !== undefined) for (const i of kept) columns.push(histogram.columns[i]!.replace(/^All_Reads\./, prefix));
    for (const row of histogram.rows) {
      let values = byKey.get(row[0]!);
      if (values === undefined) byKey.set(row[0]!, (values = []));
      kept.forEach((i, k) => (values![width + k] = row[i]!));
    }
    width += kept.length;
  }
  const keys = [...byKey.keys()].sort((a, b) => a - b);
  return {
    keyType: all.keyType,
    columns,
    rikerColumns: columns.map(() => null),
    rows: keys.map((key) => {
      const values = byKey.get(key)!;
      return [key, ...Array.from({ length: width }, (_, i) => values[i] ?? 0)];
    }),
  };
}
