/**
 * Picard's METRIC_ACCUMULATION_LEVEL (MultiLevelCollector) for any mergeable collector: besides the rows over all
 * reads, rows per sample, per library and per read group, in Picard's order and with its quirks:
 * - levels in the order ALL_READS, SAMPLE, LIBRARY, READ_GROUP; within a level, units in the order the header's
 *   read groups first name them; a unit's rows carry SAMPLE, LIBRARY and READ_GROUP (the read group's PU, not its ID);
 * - a read whose read group is missing from the header, or whose read group has no value for the level's key (no SM,
 *   LB or PU), goes to a unit `unknown` (its columns all `unknown` down to the level), made when such a read first comes;
 * - a key the header's read groups lack (a read group without PU, say) still makes a unit of its own, from the first
 *   such read group, which no read reaches: Picard writes its empty rows (for alignment, an UNPAIRED row of zeros).
 * One child collector per read group counts the reads; a unit is the merge of its read groups' states (toPartial and
 * merge), so levels cost one more accept per record, not one per level.
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

interface ReadGroup {
  id: string;
  sample: string | undefined;
  library: string | undefined;
  platformUnit: string | undefined;
}

const UNKNOWN = 'unknown';
/** The child of reads without a known read group. */
const NO_READ_GROUP = '\u0000';

export interface LevelsPartial {
  all: unknown;
  /** Read group id (NO_READ_GROUP: none known) → that child's state. */
  children: [string, unknown][];
}

export class MultiLevelCollector implements Collector<LevelsPartial> {
  readonly name: string;
  private readonly all: Collector;
  private readonly children = new Map<string, Collector>();
  private readonly readGroups: ReadGroup[];
  private readonly known: Set<string>;

  /**
   * `unitHistograms`: each unit's histogram columns join the Picard file's histogram (CollectInsertSizeMetrics); else
   * the histogram stays over all reads (CollectAlignmentSummaryMetrics' read lengths).
   */
  constructor(
    private readonly levels: AccumulationLevel[],
    header: BamHeader,
    private readonly make: () => Collector,
    private readonly unitHistograms = false,
  ) {
    this.all = make();
    this.name = this.all.name;
    this.readGroups = headerLines(header.text, 'RG')
      .filter((fields) => fields.ID !== undefined)
      .map((fields) => ({ id: fields.ID!, sample: fields.SM, library: fields.LB, platformUnit: fields.PU }));
    this.known = new Set(this.readGroups.map((group) => group.id));
  }

  accept(record: BamRecordView): void {
    this.all.accept(record);
    const group = record.tag('RG');
    const key = typeof group === 'string' && this.known.has(group) ? group : NO_READ_GROUP;
    this.child(key).accept(record);
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
    const outputs = this.all.finish();
    const output = outputs[0];
    if (output?.table === undefined) return outputs;
    const rows: Row[] = [];
    // Histograms (isize): each unit's columns after all reads', named by the unit (Picard: "<label>.fr_count").
    const histograms: { prefix: string; histogram: HistogramTable }[] = [];
    for (const level of this.levels) {
      if (level === 'ALL_READS') continue;
      for (const unit of this.units(level)) {
        const unitOutput = this.unitOutput(unit);
        const [sample, library, readGroup] = unit.labels;
        rows.push(
          ...(unitOutput?.table?.rows ?? []).map((row: Row) => ({
            ...row,
            SAMPLE: sample ?? '',
            LIBRARY: library ?? '',
            READ_GROUP: readGroup ?? '',
          })),
        );
        if (this.unitHistograms && unitOutput?.histogram !== undefined)
          histograms.push({ prefix: `${unit.labels[unit.labels.length - 1] ?? 'null'}.`, histogram: unitOutput.histogram });
      }
    }
    output.table.picardOnlyRows = rows;
    if (output.histogram !== undefined && histograms.length > 0) output.picardHistogram = withUnitColumns(output.histogram, histograms);
    return outputs;
  }

  private child(key: string): Collector {
    let child = this.children.get(key);
    if (child === undefined) this.children.set(key, (child = this.make()));
    return child;
  }

  /** A level's units in Picard's order, each with its labels and the read groups (keys of children) it merges. */
  private units(level: Exclude<AccumulationLevel, 'ALL_READS'>): { labels: [string?, string?, string?]; members: string[] }[] {
    const keyOf = (group: ReadGroup): string | undefined =>
      level === 'SAMPLE' ? group.sample : level === 'LIBRARY' ? group.library : group.platformUnit;
    const units = new Map<string | undefined, { labels: [string?, string?, string?]; members: string[] }>();
    for (const group of this.readGroups) {
      const key = keyOf(group);
      if (!units.has(key))
        units.set(key, {
          labels:
            level === 'SAMPLE'
              ? [group.sample]
              : level === 'LIBRARY'
                ? [group.sample, group.library]
                : [group.sample, group.library, group.platformUnit],
          members: [],
        });
      // A read group without the key's value sends its reads to the unknown unit (Picard's acceptRecord).
      if (key !== undefined) units.get(key)!.members.push(group.id);
    }
    const unknownMembers = [
      ...(this.children.has(NO_READ_GROUP) ? [NO_READ_GROUP] : []),
      ...this.readGroups.filter((group) => keyOf(group) === undefined && this.children.has(group.id)).map((group) => group.id),
    ];
    const list = [...units.values()];
    if (unknownMembers.length > 0) {
      const depth = level === 'SAMPLE' ? 1 : level === 'LIBRARY' ? 2 : 3;
      list.push({ labels: [UNKNOWN, UNKNOWN, UNKNOWN].slice(0, depth) as [string?, string?, string?], members: unknownMembers });
    }
    return list;
  }

  /** A unit's first output: the merge of its read groups' states, finished. */
  private unitOutput(unit: { labels: [string?, string?, string?]; members: string[] }): MetricsOutput | undefined {
    const collector = this.make();
    for (const member of unit.members) {
      const child = this.children.get(member);
      if (child !== undefined) collector.merge(child.toPartial());
    }
    collector.complete?.();
    return collector.finish()[0];
  }
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
