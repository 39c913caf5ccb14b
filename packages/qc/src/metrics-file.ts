/**
 * Writing collector outputs in the two layouts:
 *  - riker's (default): one TSV per table, lower-case columns, a `sample` column first, fixed
 *    decimals; files `PREFIX.<tool>-metrics.txt`, `PREFIX.<tool>-histogram.txt`;
 *  - Picard's (`--format picard`): htsjdk metrics files (`## htsjdk.samtools.metrics.StringHeader`,
 *    `## METRICS CLASS`, the table, `## HISTOGRAM`), read by Picard users and MultiQC.
 * run.ts writes all files of a run together (hts io/atomic.ts: temporary names, renamed when all are done).
 */
import type { Column, ColumnarRows, HistogramTable, MetricsOutput } from './collector.js';
import { formatFixed, formatPicardValue } from './format.js';
import { NumberText, putBytes, putFixed, putInteger, putPicardDouble, VALUE_BYTES } from './number-text.js';

const TAB = 9;
const NEWLINE = 10;

export type OutputFormat = 'riker' | 'picard';

export function rikerColumnName(column: Column): string {
  return column.riker ?? column.name.toLowerCase().replace(/^pct_/, 'frac_').replace(/_pct_/g, '_frac_');
}

function rikerValue(value: unknown, column: Column): string {
  if (value === null || value === undefined) return '';
  if (column.kind === 'double') return formatFixed(value as number, column.decimals ?? 6);
  return String(value as number | string); // an int cell is a number, a text cell a string
}

export interface RenderedFile {
  path: string;
  /**
   * The whole text, or its pieces in order (a collector's `lines`, a columnar table's bytes), made as they are asked
   * for: a piece may be written over once the next is asked for, so consume each before the next (as a file write does).
   */
  text: string | Iterable<string | Uint8Array>;
}

function rikerHistogramText(histogram: HistogramTable, sample: string): string | Iterable<string | Uint8Array> {
  const kept = histogram.rikerColumns.flatMap((name, i) => (name === null ? [] : [i]));
  const header = ['sample', ...kept.map((i) => histogram.rikerColumns[i])].join('\t');
  const columnar = histogram.columnar;
  if (columnar !== undefined) {
    const how = kept.map((i) => histogram.rikerDecimals?.[i] ?? AS_INTEGER);
    return pieces([
      `${header}\n`,
      columnarLines(
        columnar.length,
        kept.map((i) => columnar.columns[i]!),
        how,
        `${sample}\t`,
      ),
    ]);
  }
  const rows = histogram.rows.map((row) =>
    [
      sample,
      ...kept.map((i) => (histogram.rikerDecimals?.[i] === undefined ? String(row[i]) : formatFixed(row[i]!, histogram.rikerDecimals[i]!))),
    ].join('\t'),
  );
  return `${[header, ...rows].join('\n')}\n`;
}

/** How a column's values are written: fixed decimals (0 or more), or as these. */
const AS_INTEGER = -1;
const AS_PICARD_DOUBLE = -2;
/** A histogram cell in Picard's layout: an integer plain, anything else as a double (formatPicardValue). */
const AS_PICARD_CELL = -3;

/**
 * Rows of a columnar table or histogram as bytes, one line each: `lead` (riker's sample column) first, then each
 * column's value as `how` says (fixed decimals, or AS_*), every line ended: the same text as the row paths give. Made
 * while the file is written, in pieces of one reused buffer (NumberText.drain): each piece is good until the next.
 */
function* columnarLines(length: number, columns: ArrayLike<number>[], how: number[], lead = ''): Generator<Uint8Array> {
  const out = new NumberText(true);
  const leadBytes = Buffer.from(lead, 'utf8');
  const rowBytes = leadBytes.length + columns.length * (VALUE_BYTES + 1) + 1;
  for (let row = 0; row < length; row++) {
    out.reserve(rowBytes);
    const bytes = out.buffer;
    let at = putBytes(bytes, out.length, leadBytes);
    for (let i = 0; i < columns.length; i++) {
      if (i > 0) bytes[at++] = TAB;
      const value = columns[i]![row]!;
      const format = how[i]!;
      if (format >= 0) at = putFixed(bytes, at, value, format);
      else if (format === AS_INTEGER || (format === AS_PICARD_CELL && Number.isInteger(value))) at = putInteger(bytes, at, value);
      else at = putPicardDouble(bytes, at, value);
    }
    bytes[at++] = NEWLINE;
    out.length = at;
    const piece = out.drain();
    if (piece !== undefined) yield piece;
  }
  const rest = out.drain(1);
  if (rest !== undefined) yield rest;
}

/** A columnar table's rows in a layout: riker's leads with the sample and prints fixed decimals, Picard's FormatUtil's. */
function tableLines(table: ColumnarRows, columns: Column[], layout: OutputFormat, sample: string): Iterable<Uint8Array> {
  const values = columns.map((column) => {
    const array = table.values[column.name];
    if (array === undefined || column.kind === 'text') throw new Error(`columnar table without numbers for ${column.name}`);
    return array;
  });
  const how = columns.map((column) =>
    column.kind !== 'double' ? AS_INTEGER : layout === 'riker' ? (column.decimals ?? 6) : AS_PICARD_DOUBLE,
  );
  return columnarLines(table.length, values, how, layout === 'riker' ? `${sample}\t` : '');
}

/** A file's text from strings and lazily made byte pieces, in order. */
function* pieces(parts: (string | Iterable<Uint8Array>)[]): Generator<string | Uint8Array> {
  for (const part of parts) {
    if (typeof part === 'string') yield part;
    else yield* part;
  }
}

/** What the Picard layout's header says about the run: the input Picard would have read, and the reference. */
export interface PicardProvenance {
  /** The input file as given (for stdin: the sample name, so that MultiQC names the sample). */
  input: string;
  reference?: string;
}

/**
 * The command-line header line as Picard's legacy parser writes it: the program, the arguments given (INPUT, OUTPUT,
 * REFERENCE_SEQUENCE), three spaces, then the options with their values. MultiQC's Picard modules find a file's
 * sample in this line (the INPUT= token beside the program name); without it they find no results.
 */
function picardCommandLine(program: string, provenance: PicardProvenance, outputPath: string): string {
  const [name, ...options] = program.split(' ');
  const given = [`INPUT=${provenance.input}`, `OUTPUT=${outputPath}`];
  if (provenance.reference !== undefined) given.push(`REFERENCE_SEQUENCE=${provenance.reference}`);
  return `${name} ${given.join(' ')}${options.length > 0 ? `    ${options.join(' ')}` : ''}`;
}

/**
 * The run's date for Picard's "Started on" line: SOURCE_DATE_EPOCH (seconds) when set, as reproducible builds fix it,
 * so that two runs write the same bytes; else now.
 */
export function runDate(): Date {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  return epoch !== undefined && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
}

/** A date as java.util.Date#toString writes it (Picard's "Started on" line), in UTC: `Sun Dec 06 20:15:50 UTC 2026`. */
export function javaDateString(date: Date): string {
  const [weekday, day, month, year, time] = date.toUTCString().replace(',', '').split(' ');
  return `${weekday} ${month} ${day} ${time} UTC ${year}`;
}

export function renderOutputs(
  outputs: MetricsOutput[],
  prefix: string,
  format: OutputFormat,
  sample: string,
  commandLine: string,
  provenance: PicardProvenance = { input: sample },
): RenderedFile[] {
  const files: RenderedFile[] = [];
  for (const output of outputs) {
    if (output.only !== undefined && output.only !== format) continue;
    if (output.lines !== undefined) {
      files.push({
        path: `${prefix}${format === 'picard' ? output.picardSuffix : output.rikerSuffix}`,
        text: output.lines(format, sample),
      });
      continue;
    }
    if (format === 'picard') {
      const path = `${prefix}${output.picardSuffix}`;
      const lines = [
        '## htsjdk.samtools.metrics.StringHeader',
        `# ${picardCommandLine(output.picardProgram, provenance, path)}`,
        '## htsjdk.samtools.metrics.StringHeader',
        `# Started on: ${javaDateString(runDate())}`,
      ];
      // The shoal command that wrote the file, as a header of its own (htsjdk readers take any number).
      if (commandLine !== '') lines.push('## htsjdk.samtools.metrics.StringHeader', `# shoal: ${commandLine}`);
      lines.push('');
      // htsjdk MetricsFile.write: headers, the metrics section, the histogram section, each
      // followed by one blank line even when empty; a histogram without bins is not written.
      // The text in parts: lines of strings, and a columnar table's rows as bytes where they come.
      const parts: (string | Iterable<Uint8Array>)[] = [];
      const endLines = (): void => {
        if (lines.length > 0) parts.push(`${lines.join('\n')}\n`);
        lines.length = 0;
      };
      const table = output.table;
      const tableLength = table?.columnar?.length ?? table?.rows.length ?? 0;
      if (table && output.metricsClass && !(output.picardOmitsEmptyTable && tableLength === 0)) {
        const columns = table.columns.filter((c) => c.picard !== false);
        lines.push(`## METRICS CLASS\t${output.metricsClass}`, columns.map((c) => c.name).join('\t'));
        if (table.columnar !== undefined) {
          endLines();
          parts.push(tableLines(table.columnar, columns, 'picard', sample));
        }
        // A loop, not push(...rows): a long read makes a million rows, past the call's argument limit.
        for (const rows of [table.rows, table.picardOnlyRows ?? []])
          for (const row of rows) lines.push(columns.map((c) => formatPicardValue(row[c.name], c.kind)).join('\t'));
      }
      lines.push('');
      const histogram = output.picardHistogram ?? output.histogram;
      if (histogram && (histogram.columnar?.length ?? histogram.rows.length) > 0) {
        const kept = histogram.columns.flatMap((name, i) => (name === null ? [] : [i]));
        lines.push(`## HISTOGRAM\t${histogram.keyType}`, kept.map((i) => histogram.columns[i]).join('\t'));
        if (histogram.columnar !== undefined) {
          endLines();
          const columns = histogram.columnar.columns;
          parts.push(
            columnarLines(
              histogram.columnar.length,
              kept.map((i) => columns[i]!),
              kept.map(() => AS_PICARD_CELL),
            ),
          );
        }
        for (const r of histogram.rows)
          lines.push(kept.map((i) => formatPicardValue(r[i], Number.isInteger(r[i]) ? 'int' : 'double')).join('\t'));
      }
      lines.push('');
      endLines();
      files.push({ path, text: parts.length === 1 ? (parts[0] as string) : pieces(parts) });
      continue;
    }
    if (output.table) {
      const order = output.table.rikerOrder;
      const columns = order
        ? order.map((name) => output.table!.columns.find((c) => c.name === name)!)
        : output.table.columns.filter((c) => c.riker !== null);
      const header = ['sample', ...columns.map(rikerColumnName)].join('\t');
      const columnar = output.table.columnar;
      if (columnar !== undefined)
        files.push({
          path: `${prefix}${output.rikerSuffix}`,
          text: pieces([`${header}\n`, tableLines(columnar, columns, 'riker', sample)]),
        });
      else {
        const rows = output.table.rows.map((row) => [sample, ...columns.map((c) => rikerValue(row[c.name], c))].join('\t'));
        files.push({ path: `${prefix}${output.rikerSuffix}`, text: `${[header, ...rows].join('\n')}\n` });
      }
      if (output.histogram && output.rikerHistogramSuffix)
        files.push({ path: `${prefix}${output.rikerHistogramSuffix}`, text: rikerHistogramText(output.histogram, sample) });
    } else if (output.histogram) {
      files.push({ path: `${prefix}${output.rikerSuffix}`, text: rikerHistogramText(output.histogram, sample) });
    }
  }
  return files;
}
