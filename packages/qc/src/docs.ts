/**
 * collect-docs: every file and column of every collector, with its definition (riker's `docs`). The text comes from
 * the collectors' own Column objects (their `docs`), the ones the writers use, so it cannot drift from the files.
 */
import type { Column, CollectorFactory } from './collector.js';
import { COLLECTORS } from './collectors/index.js';
import { STRATIFIERS } from './collectors/error-stratifiers.js';
import { rikerColumnName } from './metrics-file.js';

/** A column's names in both layouts ('–' where a layout does not write it). */
export function columnNames(column: Column): { riker: string; picard: string } {
  return { riker: column.riker === null ? '–' : rikerColumnName(column), picard: column.picard === false ? '–' : column.name };
}

/** Text for a Markdown table cell: a '|' would end the cell. */
const cell = (text: string): string => text.replace(/\|/g, '\\|');

function collectorText(collector: CollectorFactory): string {
  const lines = [`## ${collector.name}`, ''];
  for (const output of collector.docs ?? []) {
    const riker = output.rikerSuffix === null ? 'not written' : `\`PREFIX${output.rikerSuffix}\``;
    lines.push(`### ${output.title}`, '', `riker: ${riker} · Picard: \`PREFIX${output.picardSuffix}\``, '');
    lines.push('| riker column | Picard column | definition |', '| --- | --- | --- |');
    for (const column of output.columns) {
      const { riker, picard } = columnNames(column);
      lines.push(`| ${riker} | ${picard} | ${cell(column.description ?? '(no definition)')} |`);
    }
    lines.push('');
  }
  if (collector.name === 'error') {
    lines.push(
      '### Stratifiers (--metrics ERROR|OVERLAPPING_ERROR|INDEL_ERROR[:STRATIFIER]*)',
      '',
      '| stratifier | file suffix | what a base is binned by |',
      '| --- | --- | --- |',
      ...STRATIFIERS.map((s) => `| ${s.name} | ${s.suffix} | ${cell(s.description)} |`),
      '',
    );
  }
  if (collector.options.length > 0) {
    lines.push('### Options', '');
    for (const option of collector.options) lines.push(`- \`--${option.flag}\`: ${option.description}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** The docs of one collector (by tool name) or of all of them, as Markdown; throws RangeError for an unknown tool. */
export function collectorDocs(tool?: string): string {
  if (tool !== undefined && COLLECTORS[tool] === undefined)
    throw new RangeError(`unknown tool '${tool}' (one of ${Object.keys(COLLECTORS).join(', ')})`);
  const collectors = tool === undefined ? Object.values(COLLECTORS) : [COLLECTORS[tool]!];
  return collectors.map(collectorText).join('\n');
}
