import { describe, expect, it } from 'vitest';
import { motifSitesBed, subsampleReads } from './plan.js';

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
