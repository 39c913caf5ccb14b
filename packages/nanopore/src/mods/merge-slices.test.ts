import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SITE_TSV_HEADER } from '../stats/site-stats.js';
import { mergeSlices } from './merge-slices.js';

/** A site row with the 13 columns: padj is the value that decides "significant". */
function row(contig: string, position: number, padj: number): string {
  return [contig, position, 'GGACT', '0.5', '0.1', '0.9', '1e-3', padj.toExponential(6), '0.4', 10, 10, '0.6', '0.5'].join('\t');
}

describe('mergeSlices (site tables)', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-slices-'));
  const write = (name: string, lines: string[]): string => {
    const file = path.join(folder, name);
    fs.writeFileSync(file, lines.map((line) => `${line}\n`).join(''));
    return file;
  };

  it('puts slices with or without a header under one header, by contig name then position', async () => {
    const b = write('b.tsv', [SITE_TSV_HEADER.trimEnd(), row('tx10', 40, 0.01), row('tx10', 7, 0.5)]);
    const a = write('a.tsv', [row('tx2', 3, 0.2), row('tx1', 9, 0.04)]);
    const out = path.join(folder, 'sites.tsv');
    const summary = await mergeSlices({ tsvSlices: [b, a], siteTsv: out });
    expect(summary).toEqual({ sites: 4, significant: 2, contigs: 3, reads: 0 });
    const rows = fs.readFileSync(out, 'utf8').split('\n');
    expect(rows[0]).toBe(SITE_TSV_HEADER.trimEnd());
    // Byte order of names, as baleen sorts them: tx1 < tx10 < tx2.
    expect(rows.slice(1, -1).map((line) => line.split('\t').slice(0, 2).join(':'))).toEqual(['tx1:9', 'tx10:7', 'tx10:40', 'tx2:3']);
  });

  it('refuses overlapping slices naming both places, and leaves no output', async () => {
    const one = write('one.tsv', [row('tx1', 5, 0.1)]);
    const two = write('two.tsv', [row('tx0', 1, 0.1), row('tx1', 5, 0.1)]);
    const out = path.join(folder, 'overlap.tsv');
    await expect(mergeSlices({ tsvSlices: [one, two], siteTsv: out })).rejects.toThrow(
      /site tx1:5 is also at line 1 of .*one\.tsv: slices overlap/,
    );
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(folder).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('an empty list of slices gives the header only', async () => {
    const out = path.join(folder, 'empty.tsv');
    expect(await mergeSlices({ tsvSlices: [], siteTsv: out })).toEqual({ sites: 0, significant: 0, contigs: 0, reads: 0 });
    expect(fs.readFileSync(out, 'utf8')).toBe(SITE_TSV_HEADER);
  });
});
