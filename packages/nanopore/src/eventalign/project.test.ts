import { describe, expect, it } from 'vitest';
import { kmerRanksOf } from './kmers.js';
import { projectCigar, readBaseNear } from './project.js';

/** BAM encoding of a CIGAR string. */
function cigar(text: string): Uint32Array {
  return Uint32Array.from(
    [...text.matchAll(/(\d+)([MIDNSHP=X])/g)].map((match) => (Number(match[1]) << 4) | 'MIDNSHP=X'.indexOf(match[2])),
  );
}

describe('CIGAR projection', () => {
  it('pairs read and reference bases through soft clips, insertions, deletions, =/X and hard clips', () => {
    const projection = projectCigar(cigar('2H3S4M2I3=2D1X4S'));
    expect(projection.readLength).toBe(3 + 4 + 2 + 3 + 1 + 4);
    expect(projection.referenceLength).toBe(4 + 3 + 2 + 1);
    expect(Array.from(projection.referenceOfRead)).toEqual([-1, -1, -1, 0, 1, 2, 3, -1, -1, 4, 5, 6, 9, -1, -1, -1, -1]);
    expect(Array.from(projection.readOfReference)).toEqual([3, 4, 5, 6, 9, 10, 11, -1, -1, 12]);
    expect(projection.segments).toEqual([{ referenceStart: 0, referenceEnd: 10 }]);
    // A deleted reference base takes the read base before it; a position before any aligned base the first after.
    expect(readBaseNear(projection, 7)).toBe(11);
    expect(readBaseNear(projection, 0)).toBe(3);
  });

  it('splits aligned segments at N (reference skips)', () => {
    const projection = projectCigar(cigar('5M100N5M2D3M'));
    expect(projection.segments).toEqual([
      { referenceStart: 0, referenceEnd: 5 },
      { referenceStart: 105, referenceEnd: 115 },
    ]);
    expect(projection.readOfReference[50]).toBe(-1);
    expect(projection.readOfReference[105]).toBe(5);
  });

  it('rolls k-mer ranks along a sequence, -1 for k-mers with a non-ACGTU base', () => {
    expect(Array.from(kmerRanksOf('ACGTUN', 3))).toEqual([0 * 16 + 1 * 4 + 2, 1 * 16 + 2 * 4 + 3, 2 * 16 + 3 * 4 + 3, -1]);
    expect(Array.from(kmerRanksOf('ACGTACGT', 3, 2, 7))).toEqual([2 * 16 + 3 * 4 + 0, 3 * 16 + 0 + 1, 0 + 4 + 2]);
    expect(kmerRanksOf('AC', 3).length).toBe(0);
  });
});
