/**
 * Serial steps after a Demultiplex step (mbf runs the steps after it per output): Inspect (one
 * file, names marked ` Demultiplex=…`), StoreTagsInTable (one table per written output, every row
 * its own molecule's), FilterReservoirSample (a reservoir per output), Rename {{READ_INDEX}} (one
 * counter over every molecule, from 0 as in mbf), at --threads 1, 2 and 8 and in the classic pipeline. Expectations
 * are worked out here from the input, not taken from a run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { processConfig } from '@shoal/fq-transform';

const BASES = 'ACGT';
/** 40 reads; read k starts with BASES[k*7 % 4] (the barcode), then 20 bases. */
const reads = Array.from({ length: 40 }, (_, k) => {
  const seq = BASES[(k * 7) % 4]! + Array.from({ length: 20 }, (_, j) => BASES[(k * 3 + j * 5) % 4]).join('');
  return { name: `r${k}`, seq, qual: 'I'.repeat(seq.length) };
});
const fastq = reads.map((r) => `@${r.name}\n${r.seq}\n+\n${r.qual}\n`).join('');
/** Barcode A → sample a, C → sample c; G and T unmatched and not written. */
const OUTPUT_OF: Record<string, string | undefined> = { A: 'a', C: 'c' };

function caseDir(steps: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-demux-serial-'));
  fs.writeFileSync(path.join(dir, 'in.fq'), fastq);
  const config =
    `[input]\n    read1 = '${dir}/in.fq'\n[options]\n    block_size = 3\n` +
    `[[step]]\n    action = 'ExtractRegion'\n    segment = 'read1'\n    start = 0\n    length = 1\n    anchor = 'Start'\n    out_label = 'bc'\n` +
    `[[step]]\n    action = 'Demultiplex'\n    in_label = 'bc'\n    barcodes = 'samples'\n    output_unmatched = false\n` +
    `[barcodes.samples]\n    A = 'a'\n    C = 'c'\n${steps}[output]\n    prefix = 'o'\n`;
  fs.writeFileSync(path.join(dir, 'c.toml'), config);
  return dir;
}

async function runAll(steps: string): Promise<Map<string, Record<string, string>>> {
  const results = new Map<string, Record<string, string>>();
  for (const [threads, workpool] of [
    [1, true],
    [2, true],
    [8, true],
    [2, false],
  ] as const) {
    const dir = caseDir(steps);
    try {
      await processConfig({ configFile: path.join(dir, 'c.toml'), outputDirectory: dir, threads, workpool });
      const files: Record<string, string> = {};
      for (const name of fs.readdirSync(dir).sort())
        if (name.startsWith('o')) files[name] = fs.readFileSync(path.join(dir, name), 'latin1');
      results.set(`--threads ${threads}${workpool ? '' : ' classic'}`, files);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}

const fastqOf = (list: typeof reads): string => list.map((r) => `@${r.name}\n${r.seq}\n+\n${r.qual}\n`).join('');

describe('serial steps after a Demultiplex step', () => {
  it('Inspect, StoreTagsInTable and Rename {{READ_INDEX}}: one Inspect file, a table per output, one counter', async () => {
    const steps =
      `[[step]]\n    action = 'Rename'\n    search = '^r'\n    replacement = 'm{{READ_INDEX}}_r'\n` +
      `[[step]]\n    action = 'Inspect'\n    n = 6\n    infix = 'look'\n` +
      `[[step]]\n    action = 'StoreTagsInTable'\n    infix = 'tags'\n`;
    const renamed = reads.map((r, k) => ({ ...r, name: `m${k}_${r.name}` }));
    const inspect = renamed
      .slice(0, 6)
      .map((r) => {
        const output = OUTPUT_OF[r.seq[0]!];
        return `@${r.name}${output ? ` Demultiplex=${output}` : ''}\n${r.seq}\n+\n${r.qual}\n`;
      })
      .join('');
    const tableOf = (output: string): string =>
      'ReadName\tbc\n' +
      renamed
        .filter((r) => OUTPUT_OF[r.seq[0]!] === output)
        .map((r) => `${r.name}\t${r.seq[0]}\n`)
        .join('');
    const want = {
      'o_a_read1.fq': fastqOf(renamed.filter((r) => r.seq[0] === 'A')),
      'o_c_read1.fq': fastqOf(renamed.filter((r) => r.seq[0] === 'C')),
      'o_look_read1.fq': inspect,
      'o_tags_a.tsv': tableOf('a'),
      'o_tags_c.tsv': tableOf('c'),
    };
    for (const [mode, files] of await runAll(steps)) expect(files, mode).toEqual(want);
  });

  it('FilterReservoirSample keeps a reservoir per output: n of each (all when fewer), from that output only', async () => {
    const steps = `[[step]]\n    action = 'FilterReservoirSample'\n    n = 4\n    seed = 5\n`;
    let first: Record<string, string> | undefined;
    for (const [mode, files] of await runAll(steps)) {
      expect(Object.keys(files), mode).toEqual(['o_a_read1.fq', 'o_c_read1.fq']);
      for (const [file, base] of [
        ['o_a_read1.fq', 'A'],
        ['o_c_read1.fq', 'C'],
      ] as const) {
        const names = [...files[file]!.matchAll(/^@(\S+)/gm)].map((m) => m[1]!);
        const pool = reads.filter((r) => r.seq[0] === base).map((r) => r.name);
        expect(names.length, `${mode} ${file}`).toBe(Math.min(4, pool.length));
        for (const name of names) expect(pool, `${mode} ${file}`).toContain(name);
        // in input order
        expect(names, `${mode} ${file}`).toEqual([...names].sort((x, y) => Number(x.slice(1)) - Number(y.slice(1))));
      }
      first ??= files;
      expect(files, mode).toEqual(first); // the same sample at every thread count and in both modes
    }
  });
});
