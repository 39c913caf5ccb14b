/**
 * Picard/htsjdk interval_list reader.
 *
 * Layout: a SAM-style header (`@HD`, `@SQ`, optionally `@RG`/`@PG`/`@CO`), then one interval
 * per line, tab-separated: `contig start end strand name`, 1-based closed coordinates.
 * Intervals are converted to shoal's 0-based half-open `Interval` (start0 = start - 1,
 * end0 = end). The `@SQ` lines are the file's sequence dictionary; as in Picard, every
 * interval must name a contig in it and lie within its length, so a target list built on
 * another reference build fails here, with the line, rather than giving silent zero coverage.
 *
 * Leniency beyond htsjdk (which wants exactly 5 columns): strand and name are optional, and
 * `.` is accepted as a strand, so hand-made lists still load.
 */
import type { Interval, Strand } from '../interval.js';
import { HtsError } from '../errors.js';
import { readSmallTextFile } from '../text-file.js';
import { parseCoordinate } from '../interval.js';

export interface SequenceDictionaryEntry {
  name: string;
  length: number;
}

export interface IntervalList {
  /** From the `@SQ` lines, in file order. */
  sequences: SequenceDictionaryEntry[];
  intervals: Interval[];
  /** Every header line verbatim (without line terminator), so a writer can pass them on. */
  headerLines: string[];
}

const WHOLE_NUMBER = /^\d+$/;

/** Parses interval_list text; `file` names the source in errors. */
export function parseIntervalList(text: string, file?: string): IntervalList {
  const sequences: SequenceDictionaryEntry[] = [];
  const lengthByContig = new Map<string, number>();
  const intervals: Interval[] = [];
  const headerLines: string[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const location = `line ${index + 1}`;
    if (line.startsWith('@')) {
      if (intervals.length > 0) {
        throw new HtsError('header line (starting with @) after the first interval', file, location);
      }
      headerLines.push(line);
      if (line.startsWith('@SQ\t') || line === '@SQ') {
        const entry = parseSequenceLine(line, file, location);
        if (lengthByContig.has(entry.name)) {
          throw new HtsError(`@SQ line repeats sequence name '${entry.name}'`, file, location);
        }
        lengthByContig.set(entry.name, entry.length);
        sequences.push(entry);
      }
      continue;
    }
    if (line.trim() === '') continue;
    const interval = parseIntervalLine(line, file, location);
    const contigLength = lengthByContig.get(interval.contig);
    if (contigLength === undefined) {
      throw new HtsError(
        sequences.length === 0
          ? `contig '${interval.contig}' cannot be checked: the interval_list has no @SQ header lines (its sequence dictionary)`
          : `contig '${interval.contig}' is not in the interval_list's sequence dictionary (@SQ lines: ${describeNames(sequences)}); was the list made for another reference?`,
        file,
        location,
      );
    }
    if (interval.end0 > contigLength) {
      throw new HtsError(
        `interval ${interval.contig}:${interval.start0 + 1}-${interval.end0} ends past the end of ${interval.contig} (length ${contigLength} in @SQ)`,
        file,
        location,
      );
    }
    interval.line = index + 1;
    intervals.push(interval);
  }
  return { sequences, intervals, headerLines };
}

/** Reads an interval_list file (plain, gzip or BGZF). */
export function readIntervalListFile(path: string): IntervalList {
  return parseIntervalList(readSmallTextFile(path), path);
}

function parseSequenceLine(line: string, file: string | undefined, location: string): SequenceDictionaryEntry {
  let name: string | undefined;
  let lengthText: string | undefined;
  for (const field of line.split('\t').slice(1)) {
    if (field.startsWith('SN:')) name = field.slice(3);
    else if (field.startsWith('LN:')) lengthText = field.slice(3);
  }
  if (!name) throw new HtsError('@SQ line has no SN: (sequence name) field', file, location);
  if (lengthText === undefined) {
    throw new HtsError(`@SQ line for '${name}' has no LN: (length) field`, file, location);
  }
  if (!WHOLE_NUMBER.test(lengthText) || !Number.isSafeInteger(Number(lengthText))) {
    throw new HtsError(`@SQ length LN:${lengthText} for '${name}' is not a whole number`, file, location);
  }
  return { name, length: Number(lengthText) };
}

function parseIntervalLine(line: string, file: string | undefined, location: string): Interval {
  const fields = line.split('\t');
  if (fields.length < 3) {
    throw new HtsError(
      `an interval_list line needs tab-separated columns contig, start, end, strand, name but this one has ${fields.length}`,
      file,
      location,
    );
  }
  const [contig, startText, endText] = fields;
  const start1 = parseCoordinate(startText, 'start', file, location);
  const end1 = parseCoordinate(endText, 'end', file, location);
  if (start1 < 1) {
    throw new HtsError(`start ${start1} must be at least 1 (interval_list is 1-based)`, file, location);
  }
  // 1-based closed allows end = start - 1 for an empty interval; anything smaller is an error.
  if (end1 < start1 - 1) {
    throw new HtsError(`start ${start1} is after end ${end1} (interval_list is 1-based closed: start <= end)`, file, location);
  }
  const interval: Interval = { contig, start0: start1 - 1, end0: end1 };
  if (fields.length > 3 && fields[3] !== '') {
    const strand = fields[3];
    if (strand !== '+' && strand !== '-' && strand !== '.') {
      throw new HtsError(`strand '${strand}' must be '+' or '-'`, file, location);
    }
    interval.strand = strand as Strand;
  }
  if (fields.length > 4 && fields[4] !== '') interval.name = fields[4];
  return interval;
}

function describeNames(sequences: SequenceDictionaryEntry[]): string {
  const shown = sequences
    .slice(0, 5)
    .map((entry) => entry.name)
    .join(', ');
  return sequences.length > 5 ? `${shown}, … ${sequences.length} in all` : shown;
}
