import { HtsError } from './errors.js';

/**
 * The one genomic interval type shared by the BED and interval_list readers.
 *
 * Coordinates are always 0-based half-open (`[start0, end0)`), whatever the file used:
 * BED already is (UCSC convention); Picard interval_list is 1-based closed and is converted
 * on read (start0 = start - 1, end0 = end). Keeping one convention in memory means no
 * collector has to know which file format its targets came from.
 */
export type Strand = '+' | '-' | '.';

export interface Interval {
  contig: string;
  /** First base, 0-based, inclusive. */
  start0: number;
  /** One past the last base, 0-based, exclusive; `end0 - start0` is the length in bases. */
  end0: number;
  name?: string;
  strand?: Strand;
  /** The 1-based line of the file it was read from, for messages about it after reading (a contig the input lacks). */
  line?: number;
}

/** A whole-number coordinate column of a BED or interval_list line. */
export function parseCoordinate(text: string, column: 'start' | 'end', file: string | undefined, location: string): number {
  if (!/^\d+$/.test(text)) throw new HtsError(`${column} '${text}' is not a whole number`, file, location);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new HtsError(`${column} '${text}' is too large`, file, location);
  return value;
}
