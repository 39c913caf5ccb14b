/**
 * collect-docs against the files the collectors write: every column of every file a run of all seven collectors
 * writes, in both layouts, is documented with a definition (so a column added to a writer without one fails here).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLLECTORS, columnNames, type DocumentedOutput } from '@shoal/qc';
import { repoRoot, runCollect, tempDir } from './helpers.js';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'error');
const sam = path.join(fixtures, 'edge.sam');
const fasta = path.join(fixtures, 'edge.fa');
const vcf = path.join(fixtures, 'edge.vcf');

/** The header rows of a written file: riker TSVs and plain TSVs have one; Picard files one per section. */
function headerRows(text: string, layout: 'riker' | 'picard'): string[][] {
  const lines = text.split('\n');
  if (layout === 'riker' || !lines[0]!.startsWith('##')) return [lines[0]!.split('\t')];
  return lines.flatMap((line, i) => (/^## (METRICS CLASS|HISTOGRAM)/.test(line) ? [lines[i + 1]!.split('\t')] : []));
}

/** The documented outputs a file belongs to: its suffix is theirs (error's Picard files: one per directive). */
function outputsOf(file: string, layout: 'riker' | 'picard'): { tool: string; outputs: DocumentedOutput[] } | undefined {
  for (const collector of Object.values(COLLECTORS)) {
    const outputs = (collector.docs ?? []).filter((output) => {
      const suffix = layout === 'riker' ? output.rikerSuffix : output.picardSuffix;
      if (suffix === null) return false;
      const pattern = suffix.includes('<stratifiers>')
        ? new RegExp(`${suffix.split(' ')[0]!.replace('.', '\\.').replace('<stratifiers>', '.+')}$`)
        : undefined;
      return pattern ? pattern.test(file) : file.endsWith(suffix);
    });
    if (outputs.length > 0) return { tool: collector.name, outputs };
  }
  return undefined;
}

describe('collect-docs', () => {
  it('defines every documented column of every collector', () => {
    for (const collector of Object.values(COLLECTORS)) {
      expect(collector.docs?.length ?? 0, collector.name).toBeGreaterThan(0);
      for (const output of collector.docs!)
        for (const column of output.columns) expect(column.description?.trim() ?? '', `${collector.name} ${column.name}`).not.toBe('');
    }
  });

  it('documents every column of every file a run of all seven collectors writes, in both layouts', () => {
    const dir = tempDir();
    // A hybrid-selection design on the edge reference: two targets, baits around them.
    fs.writeFileSync(path.join(dir, 'targets.bed'), 'chr1\t200\t600\tt1\nchr2\t300\t700\tt2\n');
    fs.writeFileSync(path.join(dir, 'baits.bed'), 'chr1\t150\t650\tb1\nchr2\t250\t750\tb2\n');
    for (const layout of ['riker', 'picard'] as const) {
      const out = path.join(dir, layout);
      fs.mkdirSync(out);
      const result = runCollect('collect-multi', [
        '-i',
        sam,
        '-r',
        fasta,
        '--tools',
        Object.keys(COLLECTORS).join(','),
        '--error::vcf',
        vcf,
        '--hybcap::targets',
        path.join(dir, 'targets.bed'),
        '--hybcap::baits',
        path.join(dir, 'baits.bed'),
        '--hybcap::per-target-coverage',
        '--hybcap::per-base-coverage',
        '--format',
        layout,
        '-o',
        path.join(out, 'm'),
      ]);
      expect(result.status, result.stderr).toBe(0);
      const files = fs.readdirSync(out);
      expect(files.length).toBeGreaterThan(10);
      // The plots and the report are pictures of these files, not tables: collect-docs lists tables.
      for (const file of files.filter((name) => !name.endsWith('.svg') && !name.endsWith('.report.html'))) {
        const found = outputsOf(file, layout);
        expect(found, `${layout} ${file} is not documented`).toBeDefined();
        const documented = new Set(found!.outputs.flatMap((output) => output.columns.map((column) => columnNames(column)[layout])));
        for (const row of headerRows(fs.readFileSync(path.join(out, file), 'utf8'), layout))
          for (const name of row) if (name !== 'sample') expect(documented.has(name), `${layout} ${file}: column ${name}`).toBe(true);
      }
    }
  });
});
