/**
 * merge-slices: the per-contig outputs of `eventalign | dtw-gpu | hmm-smooth` put together, as baleen's
 * run_pipeline_streaming does at its end.
 *
 * - Site tables: the rows of every slice (a slice may start with site_results.tsv's header line, as
 *   hmm-smooth writes it, or be rows only, as baleen's slices are) under one header, sorted by contig name
 *   (byte order, baleen's `sorted(summaries, key=contig_name)`) and position. A (contig, position) in two
 *   slices, a row that is not 13 fields or a position that is not an integer is an error naming the slice
 *   and line. Memory: one contig's rows (a slice is read again for each of its contigs when it holds several).
 * - Read BAMs: merged in coordinate order (hts mergeSortedBamFiles) under the first slice's header, its
 *   hmm-smooth @PG given `commandLine` when one is passed (each slice's @PG names its own contig's command;
 *   the orchestrator passes its parameters, so every way of running the pipeline writes the same header).
 *   Slices must share their reference sequences.
 *
 * Atomic: the table is written under a temporary name, the BAM and its index are merged and renamed, then
 * the table is renamed; a failure anywhere leaves no output (io/atomic.ts).
 */
import {
  AtomicFile,
  HtsError,
  headerLines,
  makeHeader,
  mergeSortedBamFiles,
  openAlignments,
  type BamHeader,
  describeFsError,
} from '@shoal/hts';
import fs from 'node:fs';
import { SITE_TSV_HEADER } from '../stats/site-stats.js';

export interface SliceMergeOptions {
  /** Site-table slices (site_results.tsv rows, with or without the header line). */
  tsvSlices: readonly string[];
  /** Where the merged table goes. */
  siteTsv: string;
  /** Read-BAM slices (coordinate-sorted); with `readBam`. */
  bamSlices?: readonly string[];
  /** Where the merged BAM goes (with its .bai). */
  readBam?: string;
  /** The CL of the merged BAM's hmm-smooth @PG line (default: the first slice's). */
  commandLine?: string;
  /** padj below this counts as significant (baleen's n_significant: 0.05). */
  significance?: number;
}

export interface SliceMergeSummary {
  /** Rows in the merged table. */
  sites: number;
  /** Rows with padj < significance. */
  significant: number;
  /** Contigs with at least one row. */
  contigs: number;
  /** Records in the merged BAM (0 without one). */
  reads: number;
}

const HEADER_LINE = SITE_TSV_HEADER.trimEnd();
const COLUMNS = HEADER_LINE.split('\t').length;
const PADJ_COLUMN = 7;

interface SliceRow {
  position: number;
  line: string;
  /** 1-based line number in its slice, for messages. */
  lineNumber: number;
}

/** Reads a slice's rows grouped by contig, each group in file order. */
function readSlice(path: string): Map<string, SliceRow[]> {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    throw new HtsError(`cannot read the site slice: ${describeFsError(error)}`, path);
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else if (lines.length > 0) throw new HtsError('the last line has no newline: the slice was cut short', path, `line ${lines.length}`);
  const byContig = new Map<string, SliceRow[]>();
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (index === 0 && line === HEADER_LINE) return;
    const fields = line.split('\t');
    if (fields.length !== COLUMNS)
      throw new HtsError(`${fields.length} fields where site_results.tsv has ${COLUMNS}`, path, `line ${lineNumber}`);
    const position = Number(fields[1]);
    if (!/^\d+$/.test(fields[1]!) || !Number.isSafeInteger(position))
      throw new HtsError(`position '${fields[1]}' is not a non-negative integer`, path, `line ${lineNumber}`);
    let rows = byContig.get(fields[0]!);
    if (rows === undefined) byContig.set(fields[0]!, (rows = []));
    rows.push({ position, line, lineNumber });
  });
  return byContig;
}

/** Byte order of UTF-16 code units equals byte order of UTF-8 for the BMP; contig names are ASCII in practice. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export async function mergeSlices(options: SliceMergeOptions): Promise<SliceMergeSummary> {
  if ((options.bamSlices === undefined) !== (options.readBam === undefined))
    throw new Error('mergeSlices: bamSlices and readBam go together');
  const significance = options.significance ?? 0.05;
  // Which slices hold which contig: one pass, keeping only names.
  const slicesOf = new Map<string, string[]>();
  for (const slice of options.tsvSlices)
    for (const contig of readSlice(slice).keys()) {
      let slices = slicesOf.get(contig);
      if (slices === undefined) slicesOf.set(contig, (slices = []));
      slices.push(slice);
    }
  const table = AtomicFile.create(options.siteTsv);
  let sites = 0;
  let significant = 0;
  let reads = 0;
  try {
    table.write(SITE_TSV_HEADER);
    let cached: { path: string; rows: Map<string, SliceRow[]> } | undefined;
    for (const contig of [...slicesOf.keys()].sort(compareNames)) {
      const rows: (SliceRow & { slice: string })[] = [];
      for (const slice of slicesOf.get(contig)!) {
        if (cached?.path !== slice) cached = { path: slice, rows: readSlice(slice) };
        for (const row of cached.rows.get(contig)!) rows.push({ ...row, slice });
      }
      rows.sort((a, b) => a.position - b.position);
      const chunk: string[] = [];
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        if (i > 0 && rows[i - 1]!.position === row.position) {
          const first = rows[i - 1]!;
          throw new HtsError(
            `site ${contig}:${row.position} is also at line ${first.lineNumber} of ${first.slice}: slices overlap`,
            row.slice,
            `line ${row.lineNumber}`,
          );
        }
        chunk.push(row.line, '\n');
        if (Number(row.line.split('\t')[PADJ_COLUMN]) < significance) significant++;
      }
      sites += rows.length;
      table.write(chunk.join(''));
    }
    table.close();
    if (options.readBam !== undefined) reads = await mergeBamSlices(options.bamSlices!, options.readBam, options.commandLine);
  } catch (error) {
    table.abort();
    throw error;
  }
  try {
    table.commit();
  } catch (error) {
    // Together or not at all: the BAM is already under its name, so it goes.
    table.abort();
    if (options.readBam !== undefined) for (const file of [options.readBam, `${options.readBam}.bai`]) fs.rmSync(file, { force: true });
    throw error;
  }
  return { sites, significant, contigs: slicesOf.size, reads };
}

/** The BAM half: checks the slices agree on their references, merges them under the first one's header. */
async function mergeBamSlices(slices: readonly string[], output: string, commandLine: string | undefined): Promise<number> {
  if (slices.length === 0) throw new HtsError('no BAM slice to merge', output);
  let header: BamHeader | undefined;
  let first = '';
  for (const slice of slices) {
    const reader = await openAlignments(slice);
    try {
      if (reader.format !== 'bam') throw new HtsError('a read slice must be BAM', slice);
      const references = reader.header.references.map((reference) => `${reference.name}\t${reference.length}`).join('\n');
      if (header === undefined) {
        header = reader.header;
        first = references;
      } else if (references !== first) {
        throw new HtsError(`its reference sequences differ from those of ${slices[0]}: the slices come from different references`, slice);
      }
    } finally {
      reader.close();
    }
  }
  const merged = commandLine === undefined ? header! : withCommandLine(header!, commandLine);
  return mergeSortedBamFiles(slices, output, { header: merged, writeIndex: true });
}

/** The header with the CL of its last hmm-smooth @PG line replaced. */
export function withCommandLine(header: BamHeader, commandLine: string): BamHeader {
  const lines = header.text.split('\n');
  const programs = headerLines(header.text, 'PG');
  const target = programs.filter((fields) => fields.PN === 'hmm-smooth').pop()?.ID;
  if (target === undefined) return header;
  const text = commandLine.replace(/[\t\r\n]+/g, ' ');
  const rewritten = lines.map((line) => {
    if (!line.startsWith('@PG\t') || !line.split('\t').includes(`ID:${target}`)) return line;
    const fields = line.split('\t').filter((field) => !field.startsWith('CL:'));
    return [...fields, `CL:${text}`].join('\t');
  });
  return makeHeader(rewritten.join('\n'), [...header.references]);
}
