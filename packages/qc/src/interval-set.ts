/**
 * Targets, baits and territories as Picard uses them: a BED or interval_list file read against the input's header and
 * merged as htsjdk's IntervalList.uniqued merges it, kept as plain sorted arrays for pointer walks along sorted reads.
 */
import { HtsError, ParsedFileCache, readIntervalFile, type BamHeader, type Interval } from '@shoal/hts';

/** Merged (uniqued) intervals of one file, sorted by header contig order: 0-based [start, end), names joined with `|`. */
export interface IntervalSet {
  refIds: number[];
  starts: number[];
  ends: number[];
  names: (string | null)[];
  /** How many intervals the file held on known contigs before merging (ZERO_CVG_TARGETS_PCT's denominator). */
  rawCount: number;
  territory: number;
}

/**
 * Reads a targets or baits file and merges it as htsjdk's IntervalList.uniqued does: sorted by contig (the input's
 * header order), start, end, strand (+ first), name (absent first); intervals that overlap or abut become one, with
 * the first's contig, the smallest start, the largest end and the distinct names in that order joined with `|`.
 * A contig the input's header lacks, or an interval past its contig's end, is an error naming the file and line.
 */
export function readIntervalSet(file: string, header: BamHeader, what: string): IntervalSet {
  // The same file against the same header (every region of a --by-region run, in each worker): parsed once. A region of
  // hybcap spent ~140 ms here, on the benchmark's 21,000 targets and baits, per region of a 525-contig genome.
  return INTERVAL_SETS.get(file, () => parseIntervalSet(file, header, what), `${what}\0${header.text}`);
}

/** The interval sets read in this thread (read-only for their users). */
const INTERVAL_SETS = new ParsedFileCache<IntervalSet>();

function parseIntervalSet(file: string, header: BamHeader, what: string): IntervalSet {
  const refIdOf = new Map(header.references.map((reference, refId) => [reference.name, refId]));
  const intervals: (Interval & { refId: number })[] = readIntervalFile(file).intervals.map((interval) => {
    const refId = refIdOf.get(interval.contig);
    const line = interval.line === undefined ? undefined : `line ${interval.line}`;
    if (refId === undefined)
      throw new HtsError(
        `${what} on contig '${interval.contig}', which the input's header does not have: were they made for another reference?`,
        file,
        line,
      );
    const length = header.references[refId]!.length;
    if (interval.end0 > length)
      throw new HtsError(
        `${what} ${interval.contig}:${interval.start0 + 1}-${interval.end0} ends past the end of ${interval.contig} (length ${length} in the input's header)`,
        file,
        line,
      );
    return { ...interval, refId };
  });
  const strandRank = (interval: Interval): number => (interval.strand === '-' ? 1 : 0);
  intervals.sort(
    (a, b) => a.refId - b.refId || a.start0 - b.start0 || a.end0 - b.end0 || strandRank(a) - strandRank(b) || compareNames(a.name, b.name),
  );
  const set: IntervalSet = { refIds: [], starts: [], ends: [], names: [], rawCount: intervals.length, territory: 0 };
  let names: string[] = [];
  const close = (): void => {
    set.names.push(names.length === 0 ? null : names.join('|'));
    set.territory += set.ends[set.ends.length - 1]! - set.starts[set.starts.length - 1]!;
  };
  for (const interval of intervals) {
    const last = set.refIds.length - 1;
    if (last >= 0 && set.refIds[last] === interval.refId && interval.start0 <= set.ends[last]!) {
      set.ends[last] = Math.max(set.ends[last]!, interval.end0);
    } else {
      if (last >= 0) close();
      set.refIds.push(interval.refId);
      set.starts.push(interval.start0);
      set.ends.push(interval.end0);
      names = [];
    }
    if (interval.name !== undefined && !names.includes(interval.name)) names.push(interval.name);
  }
  if (set.refIds.length > 0) close();
  return set;
}

/** String.compareTo with null first (UTF-16 code units, as JavaScript's < compares). */
function compareNames(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : 1;
}
