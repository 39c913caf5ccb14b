/**
 * Writing collector outputs in the two layouts:
 *  - riker's (default): one TSV per table, lower-case columns, a `sample` column first, fixed
 *    decimals; files `PREFIX.<tool>-metrics.txt`, `PREFIX.<tool>-histogram.txt`;
 *  - Picard's (`--format picard`): htsjdk metrics files (`## htsjdk.samtools.metrics.StringHeader`,
 *    `## METRICS CLASS`, the table, `## HISTOGRAM`), read by Picard users and MultiQC.
 * run.ts writes all files of a run together (hts io/atomic.ts: temporary names, renamed when all are done).
 */
import type { Column, HistogramTable, MetricsOutput } from './collector.js';
import { formatFixed, formatPicardValue } from './format.js';

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
  /** The whole text, or its pieces in order (a collector's `lines`). */
  text: string | Iterable<string>;
}

function rikerHistogramText(histogram: HistogramTable, sample: string): string {
  const kept = histogram.rikerColumns.flatMap((name, i) => (name === null ? [] : [i]));
  const rows = histogram.rows.map((row) =>
    [
      sample,
      ...kept.map((i) => (histogram.rikerDecimals?.[i] === undefined ? String(row[i]) : formatFixed(row[i]!, histogram.rikerDecimals[i]!))),
    ].join('\t'),
  );
  return `${[['sample', ...kept.map((i) => histogram.rikerColumns[i])].join('\t'), ...rows].join('\n')}\n`;
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
      if (output.table && output.metricsClass && !(output.picardOmitsEmptyTable && output.table.rows.length === 0)) {
        const columns = output.table.columns.filter((c) => c.picard !== false);
        lines.push(`## METRICS CLASS\t${output.metricsClass}`, columns.map((c) => c.name).join('\t'));
        // A loop, not push(...rows): a long read makes a million rows, past the call's argument limit.
        for (const rows of [output.table.rows, output.table.picardOnlyRows ?? []])
          for (const row of rows) lines.push(columns.map((c) => formatPicardValue(row[c.name], c.kind)).join('\t'));
      }
      lines.push('');
      const histogram = output.picardHistogram ?? output.histogram;
      if (histogram && histogram.rows.length > 0) {
        const kept = histogram.columns.flatMap((name, i) => (name === null ? [] : [i]));
        lines.push(`## HISTOGRAM\t${histogram.keyType}`, kept.map((i) => histogram.columns[i]).join('\t'));
        for (const r of histogram.rows)
          lines.push(kept.map((i) => formatPicardValue(r[i], Number.isInteger(r[i]) ? 'int' : 'double')).join('\t'));
      }
      lines.push('');
      files.push({ path, text: `${lines.join('\n')}\n` });
      continue;
    }
    if (output.table) {
      const order = output.table.rikerOrder;
      const columns = order
        ? order.map((name) => output.table!.columns.find((c) => c.name === name)!)
        : output.table.columns.filter((c) => c.riker !== null);
      const header = ['sample', ...columns.map(rikerColumnName)].join('\t');
      const rows = output.table.rows.map((row) => [sample, ...columns.map((c) => rikerValue(row[c.name], c))].join('\t'));
      files.push({ path: `${prefix}${output.rikerSuffix}`, text: `${[header, ...rows].join('\n')}\n` });
      if (output.histogram && output.rikerHistogramSuffix)
        files.push({ path: `${prefix}${output.rikerHistogramSuffix}`, text: rikerHistogramText(output.histogram, sample) });
    } else if (output.histogram) {
      files.push({ path: `${prefix}${output.rikerSuffix}`, text: rikerHistogramText(output.histogram, sample) });
    }
  }
  return files;
}
