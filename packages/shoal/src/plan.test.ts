import { describe, expect, it } from 'vitest';
import type { IndexedFastaReader } from '@shoal/hts';
import { filterContigs, motifSitesBed, subsampleReads, type ContigStats } from './plan.js';

describe('motifSitesBed', () => {
  it('finds DRACH on the forward strand, U read as T, the window of ±flank around its A', () => {
    // GGACU at 3..8 (its A at 5); AAACA at 11..16 (A at 13); GGACG would not be DRACH (H is not G).
    const sequence = 'cccGGACUcccAAACAccGGACGc';
    expect(motifSitesBed('tx', sequence, 'DRACH', 2)).toBe('tx\t3\t8\ntx\t11\t16\n');
    expect(motifSitesBed('tx', sequence, 'DRACH', 0)).toBe('tx\t5\t6\ntx\t13\t14\n');
  });

  it('joins the windows of nearby sites and clips them at the contig ends', () => {
    // Sites at 2 and 7: windows 0..5 and 5..10 touch and join.
    expect(motifSitesBed('c', 'GGACTGGACT', 'DRACH', 2)).toBe('c\t0\t10\n');
    expect(motifSitesBed('c', 'GGACT', 'DRACH', 4)).toBe('c\t0\t5\n');
  });

  it('no match, no line', () => {
    expect(motifSitesBed('c', 'CCCCCCCCCC', 'DRACH', 2)).toBe('');
  });
});

describe('subsampleReads', () => {
  const reads = Array.from({ length: 50 }, (_, i) => `read-${i}`);

  it('keeps every read, sorted, when there are no more than n', () => {
    expect(subsampleReads(['b', 'a'], 2, 1)).toEqual(['a', 'b']);
    expect(subsampleReads(['b', 'a'], undefined, 1)).toEqual(['a', 'b']);
  });

  it('picks n reads by seed and read id alone: the input order does not matter, the seed does', () => {
    const picked = subsampleReads(reads, 10, 1);
    expect(picked).toHaveLength(10);
    expect(new Set(picked).size).toBe(10);
    expect(picked).toEqual([...picked].sort());
    expect(subsampleReads([...reads].reverse(), 10, 1)).toEqual(picked);
    expect(subsampleReads(reads, 10, 2)).not.toEqual(picked);
    // Nested: a larger n keeps the smaller sample (the same smallest hashes).
    expect(subsampleReads(reads, 20, 1)).toEqual(expect.arrayContaining(picked));
  });
});

describe('filterContigs', () => {
  const reference = { hasSequence: () => true } as unknown as IndexedFastaReader;
  const stats = (reads: number): ContigStats => ({ reads: Array.from({ length: reads }, (_, i) => `r${i}`), alignedBases: reads * 100 });
  const order = ['tx1', '#tx2', 'track', 'tracker'].map((name) => ({ name, length: 1000 }));
  const contigs = new Map(order.map(({ name }) => [name, stats(20)]));

  it('refuses, with the reason, names that a BED reader would skip when sites go to dtw-gpu as BED', () => {
    const results = filterContigs(order, contigs, contigs, { minDepth: 15, depthMode: 'read_count', reference, sitesAsBed: true });
    expect(results.map((result) => [result.contig, result.reason])).toEqual([
      ['tx1', 'passed'],
      ['#tx2', 'name reads as a BED comment or track line (use --motif any)'],
      ['track', 'name reads as a BED comment or track line (use --motif any)'],
      ['tracker', 'passed'],
    ]);
    const everywhere = filterContigs(order, contigs, contigs, { minDepth: 15, depthMode: 'read_count', reference });
    expect(everywhere.every((result) => result.passed)).toBe(true);
  });

  it('applies --min-depth to both conditions, as reads or as mean coverage', () => {
    const ivt = new Map([['tx1', stats(10)]]);
    const [byReads] = filterContigs([order[0]!], contigs, ivt, { minDepth: 15, depthMode: 'read_count', reference });
    expect(byReads!.reason).toBe('ivt depth below --min-depth');
    const [byCoverage] = filterContigs([order[0]!], contigs, ivt, { minDepth: 1, depthMode: 'mean_coverage', reference });
    expect([byCoverage!.reason, byCoverage!.ivtDepth]).toEqual(['passed', 1]);
  });
});
