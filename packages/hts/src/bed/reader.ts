/**
 * BED reader (UCSC / GA4GH BED v1.0): the first three to six columns
 * `chrom start end [name [score [strand]]]`, 0-based half-open, so `start0`/`end0` are taken
 * as written. Further columns (thickStart, blocks, …) are accepted and ignored: no shoal tool
 * needs them, and refusing BED12 would refuse most annotation files.
 *
 * Skipped lines: blank lines, `#` comments, and the UCSC browser lines `track …` and
 * `browser …`. Columns are separated by tabs as the spec says; a line with no tab is split
 * on runs of spaces, because hand-written BED files often use spaces.
 */
import type { Interval, Strand } from '../interval.js';
import { HtsError } from '../errors.js';
import { readSmallTextFile } from '../text-file.js';
import { parseCoordinate } from '../interval.js';

export interface BedRecord extends Interval {
  /** Column 5 when present and not `.`; UCSC uses 0–1000, but other tools write any number. */
  score?: number;
}

/** True for lines a BED reader must skip: blank, `#` comments, `track` and `browser` lines. */
export function isBedNonRecordLine(line: string): boolean {
  if (line.trim() === '') return true;
  if (line.startsWith('#')) return true;
  return /^(track|browser)(\s|$)/.test(line);
}

/** Parses BED text; `file` names the source in errors. */
export function parseBed(text: string, file?: string): BedRecord[] {
  const records: BedRecord[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (isBedNonRecordLine(line)) continue;
    const record = parseBedLine(line, file, `line ${index + 1}`);
    record.line = index + 1;
    records.push(record);
  }
  return records;
}

/** Reads a BED file (plain, gzip or BGZF) into memory. */
export function readBedFile(path: string): BedRecord[] {
  return parseBed(readSmallTextFile(path), path);
}

function parseBedLine(line: string, file: string | undefined, location: string): BedRecord {
  const fields = line.includes('\t') ? line.split('\t') : line.trim().split(/ +/);
  if (fields.length < 3) {
    throw new HtsError(`a BED line needs at least 3 columns (chrom, start, end) but this one has ${fields.length}`, file, location);
  }
  const [contig, startText, endText] = fields;
  if (contig === '') throw new HtsError('the chrom column is empty', file, location);
  const start0 = parseCoordinate(startText, 'start', file, location);
  const end0 = parseCoordinate(endText, 'end', file, location);
  if (start0 > end0) {
    throw new HtsError(`start ${start0} is after end ${end0} (BED is 0-based half-open: start <= end)`, file, location);
  }
  const record: BedRecord = { contig, start0, end0 };
  if (fields.length > 3 && fields[3] !== '') record.name = fields[3];
  if (fields.length > 4 && fields[4] !== '.' && fields[4] !== '') {
    const score = Number(fields[4]);
    if (!Number.isFinite(score)) {
      throw new HtsError(`score '${fields[4]}' is not a number`, file, location);
    }
    record.score = score;
  }
  if (fields.length > 5 && fields[5] !== '') {
    const strand = fields[5];
    if (strand !== '+' && strand !== '-' && strand !== '.') {
      throw new HtsError(`strand '${strand}' must be '+', '-' or '.'`, file, location);
    }
    record.strand = strand as Strand;
  }
  return record;
}
