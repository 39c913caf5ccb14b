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
  text: string;
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

export function renderOutputs(
  outputs: MetricsOutput[],
  prefix: string,
  format: OutputFormat,
  sample: string,
  commandLine: string,
): RenderedFile[] {
  const files: RenderedFile[] = [];
  for (const output of outputs) {
    if (format === 'picard') {
      const lines = [
        '## htsjdk.samtools.metrics.StringHeader',
        `# ${output.picardProgram} ${commandLine}`.trimEnd(),
        '## htsjdk.samtools.metrics.StringHeader',
        `# Started on: ${new Date().toString()}`,
        '',
      ];
      // htsjdk MetricsFile.write: headers, the metrics section, the histogram section, each
      // followed by one blank line even when empty; a histogram without bins is not written.
      if (output.table && output.metricsClass) {
        const rows = output.table.rows;
        const columns = output.table.columns.filter((c) => c.picard !== false);
        lines.push(
          `## METRICS CLASS\t${output.metricsClass}`,
          columns.map((c) => c.name).join('\t'),
          ...rows.map((row) => columns.map((c) => formatPicardValue(row[c.name], c.kind)).join('\t')),
        );
      }
      lines.push('');
      if (output.histogram && output.histogram.rows.length > 0) {
        const { histogram } = output;
        const kept = histogram.columns.flatMap((name, i) => (name === null ? [] : [i]));
        lines.push(
          `## HISTOGRAM\t${histogram.keyType}`,
          kept.map((i) => histogram.columns[i]).join('\t'),
          ...histogram.rows.map((r) => kept.map((i) => formatPicardValue(r[i], Number.isInteger(r[i]) ? 'int' : 'double')).join('\t')),
        );
      }
      lines.push('');
      files.push({ path: `${prefix}${output.picardSuffix}`, text: `${lines.join('\n')}\n` });
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
