/**
 * CalcKmers against a direct transcription of mbf's build_kmer_database / count_kmers_in_database
 * (string k-mers, upper-cased, A/C/G/T only, reverse complements counted too when canonical), on
 * random sequences with lower case and N, for packed (k ≤ 26), pair-packed (27..52) and string (k > 52) databases.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyStep, environment, makeBlock, parseStep } from '../../test-support/blocks.js';
import { calcKmers, databaseWords } from './calc-kmers.js';

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function randomSequence(next: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const r = next();
    out += r < 0.02 ? 'N' : 'ACGTacgt'[Math.floor(next() * (r < 0.1 ? 8 : 4))]!;
  }
  return out;
}

const reverseComplement = (kmer: string): string =>
  kmer
    .split('') // A/C/G/T only
    .reverse()
    .map((c) => ({ A: 'T', C: 'G', G: 'C', T: 'A' })[c]!)
    .join('');

/** mbf's database, as its Rust code builds it. */
function mbfDatabase(sequences: string[], k: number, minCount: number, canonical: boolean): Set<string> {
  const counts = new Map<string, number>();
  for (const seq of sequences)
    for (let i = 0; i + k <= seq.length; i++) {
      const kmer = seq.slice(i, i + k).toUpperCase();
      if (!/^[ACGT]+$/.test(kmer)) continue;
      if (canonical) counts.set(reverseComplement(kmer), (counts.get(reverseComplement(kmer)) ?? 0) + 1);
      counts.set(kmer, (counts.get(kmer) ?? 0) + 1);
    }
  return new Set([...counts].filter(([, n]) => n >= minCount).map(([kmer]) => kmer));
}

function mbfCount(seq: string, k: number, database: Set<string>): number {
  let n = 0;
  for (let i = 0; i + k <= seq.length; i++) if (database.has(seq.slice(i, i + k).toUpperCase())) n++;
  return n;
}

describe('CalcKmers', () => {
  const next = random(7);
  const reference = [randomSequence(next, 3000), randomSequence(next, 50), randomSequence(next, 10)];
  // reads: pieces of the reference (either strand, some lower-cased) and random ones
  const reads = Array.from({ length: 200 }, (_, r) => {
    if (r % 3 === 2) return randomSequence(next, 20 + Math.floor(next() * 120));
    const start = Math.floor(next() * 2800);
    const piece = reference[0]!.slice(start, start + 40 + Math.floor(next() * 100));
    return r % 2 ? reverseComplement(piece.toUpperCase().replace(/N/g, 'A')) : piece;
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calc-kmers-'));
  const fasta = path.join(dir, 'reference.fa');
  fs.writeFileSync(fasta, reference.map((seq, i) => `>contig${i}\n${seq.slice(0, 1500)}\n${seq.slice(1500)}\n`).join(''));

  for (const k of [1, 4, 21, 26, 27, 31, 52, 53])
    for (const canonical of [false, true])
      for (const minCount of [1, 2])
        it(`counts what mbf counts: k ${k}, canonical ${canonical}, min_count ${minCount}`, async () => {
          let config = parseStep(
            calcKmers,
            `out_label = 'hits'\nfiles = ['${fasta}']\nk = ${k}\ncanonical = ${canonical}\nmin_count = ${minCount}`,
          );
          config = await calcKmers.prepare!(config, { baseDirectory: dir });
          const want = mbfDatabase(
            reference.map((s) => s.slice(0, 1500) + s.slice(1500)),
            k,
            minCount,
            canonical,
          );
          expect(databaseWords(config)).toEqual([...want].sort());
          const block = makeBlock(reads.map((seq, i) => [{ name: `r${i}`, seq, qual: 'I'.repeat(seq.length) }]));
          applyStep(calcKmers, config, [block]);
          expect(block.tag('hits')).toEqual(reads.map((seq) => mbfCount(seq, k, want)));
        });

  it('sums the segments for All, and refuses an empty file list', async () => {
    const env = environment(['read1', 'read2']);
    let config = parseStep(calcKmers, `out_label = 'hits'\nsegment = 'All'\nfilename = '${fasta}'\nk = 5\ncanonical = false`, env);
    config = await calcKmers.prepare!(config, { baseDirectory: dir });
    const want = mbfDatabase(reference, 5, 1, false);
    const block = makeBlock(
      reads.slice(0, 20).map((seq, i) => [
        { name: `r${i}`, seq, qual: 'I'.repeat(seq.length) },
        { name: `r${i}`, seq: reads[i + 20]!, qual: 'I'.repeat(reads[i + 20]!.length) },
      ]),
    );
    applyStep(calcKmers, config, [block], ['read1', 'read2']);
    expect(block.tag('hits')).toEqual(reads.slice(0, 20).map((seq, i) => mbfCount(seq, 5, want) + mbfCount(reads[i + 20]!, 5, want)));
    expect(() => parseStep(calcKmers, `out_label = 'hits'\nfiles = []\nk = 4\ncanonical = false`)).toThrow(/At least one filename/);
    expect(() => parseStep(calcKmers, `out_label = 'hits'\nfiles = ['x.fa']\nk = 0\ncanonical = false`)).toThrow(/k/);
  });
});
