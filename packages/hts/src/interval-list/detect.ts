/**
 * Reads a targets/regions file that may be BED or Picard interval_list, the way riker's
 * tools accept either: an interval_list always begins with its `@HD`/`@SQ` header, a BED
 * file never has a line starting with `@`, so the first non-blank line decides. Content, not
 * the file name, decides, because `.list`, `.intervals` and `.txt` are all seen in the wild.
 */
import type { Interval } from '../interval.js';
import { parseBed } from '../bed/reader.js';
import { readSmallTextFile } from '../text-file.js';
import { parseIntervalList, type SequenceDictionaryEntry } from './reader.js';

export type IntervalFileFormat = 'bed' | 'interval_list';

export interface IntervalFile {
  format: IntervalFileFormat;
  intervals: Interval[];
  /** The `@SQ` dictionary of an interval_list; absent for BED, which has none. */
  sequences?: SequenceDictionaryEntry[];
}

/** Decides the format from the text: interval_list when the first non-blank line starts with `@`. */
export function detectIntervalFormat(text: string): IntervalFileFormat {
  const firstContent = /[^\s]/.exec(text);
  return firstContent !== null && firstContent[0] === '@' ? 'interval_list' : 'bed';
}

/** Reads BED or interval_list (plain, gzip or BGZF), keeping the format and dictionary. */
export function readIntervalFile(path: string): IntervalFile {
  const text = readSmallTextFile(path);
  if (detectIntervalFormat(text) === 'interval_list') {
    const list = parseIntervalList(text, path);
    return { format: 'interval_list', intervals: list.intervals, sequences: list.sequences };
  }
  return { format: 'bed', intervals: parseBed(text, path) };
}

/** Reads BED or interval_list and returns the intervals, 0-based half-open. */
export function readIntervals(path: string): Interval[] {
  return readIntervalFile(path).intervals;
}
